package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.Latent;
import dev.emc.runtime.Moments;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import java.util.List;

/**
 * The runtime half of a latent structure: how the fit driver runs a model's E-step over the rows,
 * starts it, predicts with it, and names its parts. Generated code says which structure it has
 * ({@link EmModel#latent()}) and {@link #of} gives its pass, so the driver asks the pass instead
 * of branching on which structure a model has; a new structure is a new subclass here, a new
 * {@link Latent} record and a new code writer in the compiler.
 *
 * <p>Subclasses: {@link RowPass} (rows independent given the parameters: mixtures), {@link
 * ChainPass} (a Markov chain along each sequence: hidden Markov models) and {@link FactorPass}
 * (a continuous Gaussian latent: factor analysis).
 */
public abstract class LatentPass {
  protected final EmModel model;

  LatentPass(EmModel model) {
    this.model = model;
  }

  /** The pass of model {@code m}'s latent structure. */
  public static LatentPass of(EmModel m) {
    return m.latent().accept(new Latent.Visitor<LatentPass>() {
      @Override
      public LatentPass visitRows(Latent.Rows r) {
        return new RowPass(m);
      }

      @Override
      public LatentPass visitChain(Latent.Chain c) {
        return new ChainPass(m, c);
      }

      @Override
      public LatentPass visitFactors(Latent.Factors f) {
        return new FactorPass(m, f);
      }
    });
  }

  // ------------------------------------------------------------ names

  /** What one value of the latent is called in messages and pictures: "component", "state". */
  public abstract String unit();

  /** How many values (or dimensions) the latent has: K, or Q factors. */
  public int count() {
    return model.components();
  }

  /** {@link #count()} in words: "2 components". */
  public String counted() {
    return count() + " " + unit() + (count() == 1 ? "" : "s");
  }

  /** Whether the latent takes finitely many values, so that each row has a most likely one. */
  public boolean finite() {
    return true;
  }

  /** What all the components together are called in a picture's legend. */
  public String whole() {
    return "mixture";
  }

  /** What pictures of the rows are drawn for, in words that follow "drawn for". */
  public String drawable() {
    return "one column, or for a mixture of normal vectors";
  }

  // ------------------------------------------------------------ data

  /** What the structure needs of the rows beyond the model's columns. */
  void check(DataMatrix data) throws DataException {}

  /** Why an empty cell cannot be integrated out in this structure, or null when it can. */
  String emptyCells() {
    return null;
  }

  /**
   * At most about {@code max} rows whose posteriors can be computed from themselves alone, for a
   * picture: evenly spread rows, unless the posteriors need more (a chain's whole sequences).
   */
  public abstract DataMatrix drawn(DataMatrix data, int max);

  /**
   * What each of {@link EmModel#logDensities}' K densities is multiplied by so that they add up
   * to a row's marginal density: 1 where they are joint densities p(x, z = k), as in a mixture.
   */
  public double[] shares(DataMatrix data) {
    double[] ones = new double[model.components()];
    java.util.Arrays.fill(ones, 1.0);
    return ones;
  }

  /** Warnings about the model itself, before it is fitted. */
  List<String> warnings() {
    return List.of();
  }

  // ------------------------------------------------------------ the E-step

  /** One E-step pass: the statistics of all rows, merged in an order the threads do not change. */
  abstract double[] statistics(DataMatrix data, Workers workers);

  /**
   * Every row's posterior over the values of the latent, {@code r[n * K + k]}, and its log-density,
   * at the prepared parameters.
   */
  abstract void posteriors(DataMatrix data, double[] r, double[] logDensities);

  /** Each row's factor scores, for a continuous latent; null for a finite one. */
  Prediction.Scores scores(DataMatrix data) {
    return null;
  }

  /** Why the latent has no most likely path through the rows, or null when it has one. */
  public String noPath() {
    return "has no latent chain, so no path; its rows' components are independent";
  }

  /**
   * Why batches of rows cannot be fitted online ({@link Stepwise}), or null when they can: a
   * batch's statistics must be the rows' own, given their responsibilities.
   */
  String notOnline() {
    return null;
  }

  /**
   * For online EM, statistics that add across parameters when the structure's own cannot be
   * re-centred from a batch's responsibilities alone (they hold a posterior at the parameters of
   * their pass, as factors' do); null when they can.
   */
  Moments moments() {
    return null;
  }

  /** The most likely value of the latent at every row (0-based), where {@link #noPath()} is null. */
  abstract int[] path(DataMatrix data);

  // ------------------------------------------------------------ starts

  /** Sets a run's starting parameters; returns what is wrong with them, or null. */
  String start(Start how, DataMatrix sample, FitOptions o, long seed, int index, Workers workers) {
    return Starts.standard(this, sample, o, how, seed, workers);
  }

  /**
   * What a start from given responsibilities adds to the statistics beyond {@link
   * EmModel#accumulateGiven}, for rows [from, to) whose previous row's responsibilities are in
   * {@code before}: nothing, unless the structure has statistics of its own.
   */
  void countGiven(DataMatrix data, int from, int to, double[] resp, double[] before, double[] stats) {}
}
