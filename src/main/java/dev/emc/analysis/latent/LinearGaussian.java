package dev.emc.analysis.latent;

import dev.emc.math.Symbol;
import dev.emc.types.Dim;

/**
 * A continuous latent vector h ~ N(0, I) with a child whose mean is linear in it (factor analysis,
 * probabilistic PCA): x ~ N(W h + μ, Ψ), Ψ diagonal (a vector of variances) or one variance for
 * every column. The posterior of h given a row is Gaussian, so the E-step is its mean m_n and
 * covariance G; there is one component. The M-step's statistics, which Normal declares for a mean
 * linear in h, with h's posterior moments m_n and G and the residual r_n = x_n − μ − W m_n:
 * S_r = Σ r_n, S_rr = Σ r_n ∘ r_n, S_h = Σ m_n, S_hh = Σ (G + m_n m_nᵀ), S_rh = Σ r_n m_nᵀ.
 */
public record LinearGaussian(Symbol latent, Symbol data, Symbol loadings, Symbol mean, Symbol noise,
    Symbol regularization, Symbol sr, Symbol srr, Symbol sh, Symbol shh, Symbol srh) implements LatentStructure {
  /** Whether Ψ is one variance for every column (probabilistic PCA). */
  public boolean spherical() {
    return noise.shape().isScalar();
  }

  @Override
  public String name() {
    return latent.name();
  }

  @Override
  public String size() {
    return "1";
  }

  @Override
  public int components() {
    return 1;
  }

  @Override
  public String units() {
    return "factors";
  }

  @Override
  public String eStepSummary() {
    return "EM (factor analysis): " + name() + " is a continuous latent with a linear-Gaussian child; the E-step is"
        + " its Gaussian posterior, mean m_n and covariance G, and the M-step regresses the rows on (m_n, 1):";
  }

  @Override
  public String rowDensity() {
    return "log p(x_n)";
  }

  @Override
  public Dim dimension() {
    return latent.shape().dim();
  }

  @Override
  public boolean finite() {
    return false;
  }

  @Override
  public boolean countsComponents() {
    return false;
  }

  @Override
  public <R> R accept(Visitor<R> v) {
    return v.visitLinearGaussian(this);
  }
}
