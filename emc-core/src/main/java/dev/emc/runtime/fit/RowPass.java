package dev.emc.runtime.fit;

import static dev.emc.runtime.data.DataMatrix.CHUNK;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import java.util.Arrays;

/**
 * The E-step of a latent that is independent across rows given the parameters (a mixture): each
 * row's posterior by Bayes' rule, in the generated {@link EmModel#accumulate} over chunks of rows.
 */
class RowPass extends LatentPass {
  RowPass(EmModel model) {
    super(model);
  }

  @Override
  public String unit() {
    return "component";
  }

  @Override
  void check(DataMatrix data) throws DataException {
    if (data.weights() != null && data.cache() != null) {
      throw new DataException(data.source(), "weighted rows must be in memory, not streamed");
    }
    if (data.labels() != null && data.cache() != null) {
      throw new DataException(data.source(), "labelled rows must be in memory, not streamed");
    }
  }

  @Override
  public DataMatrix drawn(DataMatrix data, int max) {
    return data.spread(max);
  }

  /**
   * Chunk c is rows [c·CHUNK, (c+1)·CHUNK) of the data wherever they are: streamed rows arrive in
   * slabs of whole chunks.
   */
  @Override
  double[] statistics(DataMatrix data, Workers workers) {
    if (data.weights() != null || data.labels() != null) {
      return given(data, workers);
    }
    int chunks = (data.rows() + CHUNK - 1) / CHUNK;
    double[][] partial = new double[chunks][model.statisticsLength()];
    data.slabs((values, first, n) -> workers.each(first / CHUNK, (first + n + CHUNK - 1) / CHUNK,
        c -> model.accumulate(values, c * CHUNK - first, Math.min(first + n, (c + 1) * CHUNK) - first, partial[c])));
    return Workers.sum(partial);
  }

  /**
   * One E-step pass over weighted or labelled rows. A labelled row belongs to its component alone:
   * its responsibilities are one-hot and it adds log p(x, z = label), not log p(x). An unlabelled
   * row's responsibilities come from its log-densities by Bayes' rule, and it adds log p(x). Then
   * each row's responsibilities, log-density and count are multiplied by its weight: a row of
   * weight w is w rows. It costs the generated pass's work in two calls, so plain rows keep the
   * fused pass. Chunks are summed in order, as there.
   */
  private double[] given(DataMatrix data, Workers workers) {
    int k = model.components();
    int rows = data.rows();
    int chunks = (rows + CHUNK - 1) / CHUNK;
    double[][] partial = new double[chunks][];
    workers.each(0, chunks, c -> {
      double[] resp = new double[CHUNK * k];
      int from = c * CHUNK;
      int to = Math.min(rows, from + CHUNK);
      double[] stats = new double[model.statisticsLength()];
      model.logDensities(data.values(), from, to, resp);
      double ll = 0;
      for (int n = from; n < to; n++) {
        int at = (n - from) * k;
        int label = data.labels() == null ? -1 : data.labels()[n];
        double logp = label < 0 ? bayes(resp, at, k) : oneHot(resp, at, k, label);
        double w = data.weight(n);
        for (int j = 0; j < k; j++) {
          resp[at + j] *= w;
        }
        // A row of weight 0 is not there, even when no component can have produced it.
        ll += w == 0 ? 0 : w * logp;
      }
      model.accumulateGiven(data.values(), from, to, resp, stats);
      stats[EmModel.LOGLIK] += ll;
      partial[c] = stats;
    });
    return Workers.sum(partial);
  }

  /**
   * A labelled row: turns log p(x, z = j), j &lt; k, at {@code lp[at + j]} into the responsibilities
   * 1{j = label} and returns log p(x, z = label).
   */
  private static double oneHot(double[] lp, int at, int k, int label) {
    double logp = lp[at + label];
    Arrays.fill(lp, at, at + k, 0.0);
    lp[at + label] = 1.0;
    return logp;
  }

  @Override
  void posteriors(DataMatrix data, double[] r, double[] logDensities) {
    int k = model.components();
    data.slabs((values, first, rows) -> {
      double[] lp = new double[rows * k];
      model.logDensities(values, 0, rows, lp);
      for (int n = 0; n < rows; n++) {
        logDensities[first + n] = bayes(lp, n * k, k);
      }
      System.arraycopy(lp, 0, r, first * k, rows * k);
    });
  }

  /** Each row's most probable component: with rows independent, that is the most likely path. */
  @Override
  int[] path(DataMatrix data) {
    int k = model.components();
    double[] r = new double[data.rows() * k];
    posteriors(data, r, new double[data.rows()]);
    int[] path = new int[data.rows()];
    for (int n = 0; n < path.length; n++) {
      for (int j = 1; j < k; j++) {
        if (r[n * k + j] > r[n * k + path[n]]) {
          path[n] = j;
        }
      }
    }
    return path;
  }

  /**
   * Bayes' rule for one row: turns log p(x, z = j), j &lt; k, at {@code lp[at + j]} into
   * p(z = j | x) and returns log p(x), by the log-sum-exp about the largest term. A row no
   * component can have produced gets all zeros and −∞.
   */
  static double bayes(double[] lp, int at, int k) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      max = Math.max(max, lp[at + j]);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      Arrays.fill(lp, at, at + k, 0.0);
      return max;
    }
    double sum = 0;
    for (int j = 0; j < k; j++) {
      lp[at + j] = Math.exp(lp[at + j] - max);
      sum += lp[at + j];
    }
    for (int j = 0; j < k; j++) {
      lp[at + j] /= sum;
    }
    return max + Math.log(sum);
  }
}
