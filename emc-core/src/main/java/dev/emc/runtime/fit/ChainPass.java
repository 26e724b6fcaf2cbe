package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.ForwardBackward;
import dev.emc.runtime.Latent;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import java.util.Arrays;

/**
 * The E-step of a latent that is a Markov chain over the rows of each sequence (a hidden Markov
 * model): the generated {@link EmModel#accumulate} runs forward–backward over one whole sequence
 * at a time, on the workers, and sequences' statistics are added in sequence order.
 */
final class ChainPass extends LatentPass {
  private final Latent.Chain chain;

  ChainPass(EmModel model, Latent.Chain chain) {
    super(model);
    this.chain = chain;
  }

  @Override
  public String unit() {
    return "state";
  }

  @Override
  public String whole() {
    return "all states";
  }

  @Override
  public String drawable() {
    return "one column";
  }

  @Override
  void check(DataMatrix data) throws DataException {
    if (data.values() == null) {
      throw new DataException(data.source(), "model " + model.name() + " has a latent chain, whose E-step runs"
          + " over whole sequences: its rows must fit in memory (give the JVM more heap, not --stream)");
    }
    if (data.weights() != null) {
      throw new DataException(data.source(), "model " + model.name() + " has a latent chain: its rows are not"
          + " independent, so a row's weight has no meaning (weigh whole sequences by repeating them)");
    }
    if (data.labels() != null) {
      throw new DataException(data.source(), "model " + model.name() + " has a latent chain: labelled rows are"
          + " not supported there yet (a known state would fix the forward-backward pass at that row); fit"
          + " without --labels");
    }
  }

  @Override
  String emptyCells() {
    return "chain";
  }

  /** All the rows: a row's posterior needs its whole sequence. */
  @Override
  public DataMatrix drawn(DataMatrix data, int max) {
    return data;
  }

  /**
   * A chain's densities are emissions p(x | z = k): each is weighed by its state's share of the
   * rows, the mean of its posteriors, which gives the density of a row drawn at random from the data.
   */
  @Override
  public double[] shares(DataMatrix data) {
    int k = model.components();
    double[] r = new double[data.rows() * k];
    model.prepare();
    posteriors(data, r, new double[data.rows()]);
    double[] shares = new double[k];
    for (int n = 0; n < data.rows(); n++) {
      for (int j = 0; j < k; j++) {
        shares[j] += r[n * k + j] / data.rows();
      }
    }
    return shares;
  }

  @Override
  double[] statistics(DataMatrix data, Workers workers) {
    int[] bounds = data.sequenceBounds();
    double[][] partial = new double[bounds.length - 1][];
    workers.each(0, partial.length, s -> {
      partial[s] = new double[model.statisticsLength()];
      model.accumulate(data.values(), bounds[s], bounds[s + 1], partial[s]);
    });
    return Workers.sum(partial);
  }

  @Override
  void posteriors(DataMatrix data, double[] r, double[] logDensities) {
    int k = model.components();
    int[] bounds = data.sequenceBounds();
    for (int s = 0; s + 1 < bounds.length; s++) {
      int rows = bounds[s + 1] - bounds[s];
      double[] gamma = new double[rows * k];
      double[] rowLog = new double[rows];
      ForwardBackward.run(emissions(data, bounds[s], bounds[s + 1]), rows, k, model.param(chain.initial()),
          model.param(chain.transition()), gamma, new double[k * k], rowLog);
      System.arraycopy(gamma, 0, r, bounds[s] * k, rows * k);
      System.arraycopy(rowLog, 0, logDensities, bounds[s], rows);
    }
  }

  @Override
  String notOnline() {
    return "its latent is a Markov chain along each sequence, whose E-step needs the whole sequence, and a"
        + " batch of rows cuts sequences; fit it in memory or with --stream";
  }

  @Override
  public String noPath() {
    return null;
  }

  /** The Viterbi path of every sequence. */
  @Override
  int[] path(DataMatrix data) {
    int[] path = new int[data.rows()];
    int[] bounds = data.sequenceBounds();
    for (int s = 0; s + 1 < bounds.length; s++) {
      int rows = bounds[s + 1] - bounds[s];
      int[] p = ForwardBackward.viterbi(emissions(data, bounds[s], bounds[s + 1]), rows, model.components(),
          model.param(chain.initial()), model.param(chain.transition()));
      System.arraycopy(p, 0, path, bounds[s], rows);
    }
    return path;
  }

  /** log b_t(k) = log p(x_t | z_t = k) for the rows [from, to) of one sequence. */
  private double[] emissions(DataMatrix data, int from, int to) {
    double[] logB = new double[(to - from) * model.components()];
    model.logDensities(data.values(), from, to, logB);
    return logB;
  }

  /**
   * Given responsibilities taken as the posteriors: first states, and each pair of consecutive
   * rows' responsibilities' outer product. One pseudo-count in every cell keeps a start from
   * ruling out any state or transition (EM cannot revive a zero).
   */
  @Override
  void countGiven(DataMatrix data, int from, int to, double[] resp, double[] before, double[] stats) {
    int k = before.length;
    if (from == 0) {
      for (int i = 0; i < k; i++) {
        stats[chain.firstStates() + i] += 1.0;
      }
      for (int i = 0; i < k * k; i++) {
        stats[chain.transitions() + i] += 1.0;
      }
    }
    int[] bounds = data.sequenceBounds();
    for (int n = from; n < to; n++) {
      double[] now = Arrays.copyOfRange(resp, (n - from) * k, (n - from + 1) * k);
      if (Arrays.binarySearch(bounds, n) >= 0) {
        for (int i = 0; i < k; i++) {
          stats[chain.firstStates() + i] += now[i];
        }
      } else {
        for (int i = 0; i < k; i++) {
          for (int j = 0; j < k; j++) {
            stats[chain.transitions() + i * k + j] += before[i] * now[j];
          }
        }
      }
      System.arraycopy(now, 0, before, 0, k);
    }
  }
}
