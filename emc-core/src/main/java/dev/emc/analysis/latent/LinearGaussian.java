package dev.emc.analysis.latent;

import dev.emc.math.Symbol;
import dev.emc.types.Dim;

/**
 * A continuous latent vector h ~ N(0, I) with a child whose mean is linear in it (factor analysis,
 * probabilistic PCA): x ~ N(W h + μ, Ψ), Ψ diagonal (a vector of variances) or one variance for
 * every column. The posterior of h given a row is Gaussian, so the E-step is its mean m_n and
 * covariance G. The M-step's statistics, which Normal declares for a mean linear in h, with h's
 * posterior moments m_n and G and the residual r_n = x_n − μ − W m_n:
 * S_r = Σ r_n, S_rr = Σ r_n ∘ r_n, S_h = Σ m_n, S_hh = Σ (G + m_n m_nᵀ), S_rh = Σ r_n m_nᵀ.
 *
 * <p>With a finite latent z above h ({@link Mixture}: a mixture of factor analysers, W[z] and
 * mu[z], Ψ per component or shared) the E-step composes: it enumerates z, and given z = k h's
 * posterior is that of component k's factor analysis, m_nk and G_k; the statistics are those
 * moments weighted by r_nk. Without z there is one component.
 */
public record LinearGaussian(Symbol latent, Symbol data, Symbol loadings, Symbol mean, Symbol noise,
    Symbol regularization, Symbol sr, Symbol srr, Symbol sh, Symbol shh, Symbol srh, Mixture mixture)
    implements LatentStructure {
  /**
   * The finite latent z ~ Categorical(φ) whose value picks the row's factor analyser.
   *
   * @param name z
   * @param size K as the model names it
   * @param components K's value
   * @param weights φ
   * @param sharedNoise whether Ψ is one for every component (Ghahramani &amp; Hinton's form)
   */
  public record Mixture(String name, String size, int components, Symbol weights, boolean sharedNoise) {}

  /** Whether Ψ is one variance for every column (probabilistic PCA). */
  public boolean spherical() {
    return noise.shape().isScalar();
  }

  /** Whether a finite latent picks the row's factor analyser. */
  public boolean mixed() {
    return mixture != null;
  }

  /** Whether Ψ has a value for each component. */
  public boolean noisePerComponent() {
    return mixed() && !mixture.sharedNoise();
  }

  @Override
  public String name() {
    return mixed() ? mixture.name() : latent.name();
  }

  @Override
  public String size() {
    return mixed() ? mixture.size() : "1";
  }

  @Override
  public int components() {
    return mixed() ? mixture.components() : 1;
  }

  @Override
  public String units() {
    return mixed() ? "components" : "factors";
  }

  @Override
  public String eStepSummary() {
    if (mixed()) {
      return "EM (mixture of factor analysers): the E-step enumerates " + mixture.name() + " ∈ 1.." + mixture.size()
          + " (r_nk by Bayes' rule, each component's density by the Woodbury identity), then given "
          + mixture.name() + " = k " + latent.name() + "'s Gaussian posterior, mean m_nk and covariance G_k; the"
          + " M-step regresses each component's rows, weighted by r_nk, on (m_nk, 1):";
    }
    return "EM (factor analysis): " + name() + " is a continuous latent with a linear-Gaussian child; the E-step is"
        + " its Gaussian posterior, mean m_n and covariance G, and the M-step regresses the rows on (m_n, 1):";
  }

  @Override
  public String rowDensity() {
    return mixed() ? "log p(x_n, z = k)" : "log p(x_n)";
  }

  @Override
  public Dim dimension() {
    return latent.shape().dim();
  }

  @Override
  public boolean finite() {
    return mixed();
  }

  @Override
  public boolean countsComponents() {
    return mixed();
  }

  @Override
  public <R> R accept(Visitor<R> v) {
    return v.visitLinearGaussian(this);
  }
}
