package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.FactorScores;
import dev.emc.runtime.Latent;
import dev.emc.runtime.Moments;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The E-step of a continuous latent h ~ N(0, I_Q) with a linear-Gaussian child (factor analysis):
 * rows are independent, each with a Gaussian posterior over h, so the pass is {@link RowPass}'s
 * with its one component; what differs is the start, the warnings and the factor scores. A mixture
 * of factor analysers is the same pass with K components: rows are still independent, and the
 * generated code enumerates z within each row.
 */
final class FactorPass extends RowPass {
  private final FactorScores scores;
  private final Latent.Factors factors;

  FactorPass(EmModel model, Latent.Factors factors) {
    super(model);
    this.scores = factors.scores();
    this.factors = factors;
  }

  /** A mixture of factor analysers: a finite latent picks each row's component. */
  private boolean mixed() {
    return model.components() > 1;
  }

  @Override
  public String unit() {
    return mixed() ? "component" : "factor";
  }

  @Override
  public int count() {
    return mixed() ? model.components() : factors.factors();
  }

  @Override
  public boolean finite() {
    return mixed();
  }

  @Override
  void check(DataMatrix data) throws DataException {
    if (data.labels() != null && !mixed()) {
      throw new DataException(data.source(), "model " + model.name() + " has a continuous latent (factors),"
          + " which no row can be labelled with; fit without --labels");
    }
    super.check(data);
  }

  @Override
  String emptyCells() {
    return "vector of factors (fill the cell, or drop the row)";
  }

  @Override
  List<String> warnings() {
    return LedermannBound.warnings(model, factors);
  }

  /** The first run from the principal components, the others from random loadings. */
  @Override
  String start(Start how, DataMatrix sample, FitOptions o, long seed, int index, Workers workers) {
    if (how == Start.GIVEN) {
      return super.start(how, sample, o, seed, index, workers);
    }
    boolean principal = index == 0 && how == Start.KMEANS;
    FactorStart.set(model, factors, sample, principal ? null : new SplittableRandom(seed));
    String wrong = model.prepare();
    if (wrong != null || !mixed()) {
      return wrong;
    }
    return components(sample, seed, workers);
  }

  /**
   * A mixture's components, every one of which starts as the factor analysis of all the rows: each
   * then takes the rows of one k-means cluster, by two M-steps from those responsibilities (the
   * second from the factors' posterior under the first). Labelled rows take their label's, and
   * the clusters are numbered to agree with the labels, as a mixture's standard start does.
   */
  private String components(DataMatrix sample, long seed, Workers workers) {
    int k = model.components();
    int[] labels = Starts.agreeing(new KMeans(sample, workers).labels(k, new SplittableRandom(seed)), sample.labels(), k);
    for (int n = 0; n < labels.length && sample.labels() != null; n++) {
      labels[n] = sample.labels()[n] >= 0 ? sample.labels()[n] : labels[n];
    }
    double[] phi = null;
    for (int round = 0; round < 2; round++) {
      double[] stats = new double[model.statisticsLength()];
      for (int from = 0; from < sample.rows(); from += DataMatrix.CHUNK) {
        int to = Math.min(sample.rows(), from + DataMatrix.CHUNK);
        double[] resp = new double[(to - from) * k];
        for (int n = from; n < to; n++) {
          resp[(n - from) * k + labels[n]] = sample.weight(n);
        }
        model.accumulateGiven(sample.values(), from, to, resp, stats);
      }
      model.maximize(stats);
      String wrong = model.prepare();
      if (wrong != null) {
        return wrong;
      }
    }
    return null;
  }

  @Override
  Prediction.Scores scores(DataMatrix data) {
    double[] covariance = scores.posteriorCovariance();
    int q = factors.factors();
    double[] means = new double[data.rows() * q];
    data.slabs((values, first, rows) -> {
      double[] slab = new double[rows * q];
      scores.scores(values, 0, rows, slab);
      System.arraycopy(slab, 0, means, first * q, rows * q);
    });
    return new Prediction.Scores(factors.name(), q, means, covariance);
  }

  /** The factors' posterior moments are the parameters' own: online EM averages their moments about a fixed shift. */
  @Override
  Moments moments() {
    return factors.moments();
  }
}
