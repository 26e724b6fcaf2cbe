package dev.emc.runtime.fit;

import java.util.Arrays;

/**
 * What fitted parameters say about each row of some data: its posterior over the components and
 * its log-density.
 *
 * @param responsibilities r_nk = p(z_n = k | x) at {@code [n * K + k]}; for a latent chain, given
 *     all the rows of the row's sequence
 * @param logDensities log p(x_n); for a latent chain, log p(x_n | the rows before it in its
 *     sequence), so that a sequence's add up to its log-likelihood
 */
public record Prediction(int components, double[] responsibilities, double[] logDensities, Scores scores) {
  public Prediction(int components, double[] responsibilities, double[] logDensities) {
    this(components, responsibilities, logDensities, null);
  }

  /**
   * A continuous latent's posterior (factor analysis; null for a finite latent): each row's mean
   * E[h | x_n] at {@code means[n * Q + a]}, and the covariance, Q×Q, the same for every row. In a
   * mixture of factor analysers, the mean given the row's most likely component k, E[h | x_n, z = k],
   * and the covariance of each component, K blocks of Q×Q: a row's is its component's.
   */
  public record Scores(String latent, int factors, double[] means, double[] covariance) {}

  public int rows() {
    return logDensities.length;
  }

  /** Row n's posterior over the K components. */
  public double[] responsibilities(int n) {
    return Arrays.copyOfRange(responsibilities, n * components, (n + 1) * components);
  }

  /** Row n's most likely component, 0-based; ties go to the lower. */
  public int component(int n) {
    int best = 0;
    for (int k = 1; k < components; k++) {
      if (responsibilities[n * components + k] > responsibilities[n * components + best]) {
        best = k;
      }
    }
    return best;
  }

  /**
   * How unsure row n's most likely component is: 1 − max_k r_nk (mclust's {@code uncertainty}),
   * from 0 for a row surely in one component to 1 − 1/K for one the components share equally.
   */
  public double uncertainty(int n) {
    return 1 - responsibilities[n * components + component(n)];
  }

  /** Σ_n log p(x_n): the data's log-likelihood. */
  public double logLikelihood() {
    double sum = 0;
    for (double v : logDensities) {
      sum += v;
    }
    return sum;
  }
}
