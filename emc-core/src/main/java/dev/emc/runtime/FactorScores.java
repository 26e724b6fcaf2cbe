package dev.emc.runtime;

/**
 * What a model with a continuous latent h ~ N(0, I_Q) (factor analysis) says about each row: the
 * posterior mean E[h | x_n], its factor scores, and the posterior covariance, which is the same
 * for every row. Generated code implements it beside {@link EmModel}.
 */
public interface FactorScores {
  /**
   * E[h | x_n] for rows [from, to) at the prepared parameters, into {@code out[(n − from) * Q + a]};
   * in a mixture of factor analysers, E[h | x_n, z = k] for the row's most probable component k.
   */
  void scores(double[] data, int from, int to, double[] out);

  /**
   * Cov[h | x_n], Q×Q row-major, at the prepared parameters: a copy. In a mixture, each
   * component's Cov[h | x_n, z = k], K blocks of Q×Q.
   */
  double[] posteriorCovariance();
}
