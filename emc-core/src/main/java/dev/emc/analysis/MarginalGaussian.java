package dev.emc.analysis;

import dev.emc.analysis.latent.LinearGaussian;

/**
 * The standard errors of a factor model (factor analysis, probabilistic PCA, a mixture of factor
 * analysers): with its factors integrated out a row is Gaussian, x ~ N(μ, WWᵀ + Ψ), so the
 * observed information has a closed form that the runtime takes without generated scores
 * ({@code runtime.fit.FactorInformation}); no {@link Scores} are written for it. What it can say is
 * limited by what the likelihood identifies: W only up to a rotation.
 */
public final class MarginalGaussian {
  private MarginalGaussian() {}

  /** Whether the plan's standard errors are a marginal Gaussian's. */
  public static boolean covers(EmPlan plan) {
    return plan.latent() instanceof LinearGaussian;
  }
}
