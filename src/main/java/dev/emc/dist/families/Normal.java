package dev.emc.dist.families;

import dev.emc.dist.Arg;
import dev.emc.dist.Family;
import dev.emc.dist.FactorModel;
import dev.emc.dist.FactorSite;
import dev.emc.dist.Param;
import dev.emc.dist.Signature;
import dev.emc.dist.Unsupported;
import dev.emc.dist.Update;
import dev.emc.dist.Use;
import dev.emc.math.Expr;
import dev.emc.types.Dim;
import dev.emc.types.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The normal distribution, parameterized by mean and variance (a covariance for vectors). */
public final class Normal implements Family {
  private static final Dim D = Dim.of("D");

  @Override
  public String name() {
    return "Normal";
  }

  /** The vector form comes first: undeclared data are as wide as the data file says. */
  @Override
  public List<Signature> signatures() {
    return List.of(
        Signature.of("multivariate normal, full covariance", Type.vector(D),
            new Param("mean", Type.vector(D)), new Param("covariance", Type.cov(D))),
        Signature.of("univariate normal", Type.REAL,
            new Param("mean", Type.REAL), new Param("variance", Type.POSITIVE)));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.DATA, Use.PRIOR);
  }

  /**
   * log N(x | μ, Σ) = −½ (D log 2π + log|Σ| + (x − μ)ᵀ Σ⁻¹ (x − μ)), the same formulas for a
   * scalar (D = 1, Σ = σ²) and a vector.
   *
   * <p>The statistics are centred at the current mean c = μ: S1 = Σ r (x − c) and
   * S2 = Σ r (x − c)(x − c)ᵀ. Then μ' = c + S1/N_k and Σ' = (S2 − N_k δδᵀ + Ψ)/N_k with
   * δ = S1/N_k, which is Σ r (x − μ')(x − μ')ᵀ/N_k exactly, in one pass, without the
   * cancellation that raw moments Σ r x xᵀ/N_k − μμᵀ suffer when the mean is far from 0.
   */
  @Override
  public FactorModel factor(FactorSite site) throws Unsupported {
    Expr x = site.lhs();
    Arg mean = site.arg("mean");
    Arg cov = site.arg(site.signature().params().get(1).name());
    Expr mu = mean.value();
    Expr sigma = cov.value();
    Expr log2pi = Expr.log(Expr.num(2 * Math.PI));
    Expr normalizer = x.shape().isScalar() ? log2pi : Expr.mul(Expr.size(x.shape().dim()), log2pi);
    Expr logDensity = Expr.mul(-0.5, Expr.add(Expr.add(normalizer, new Expr.LogDet(sigma)),
        new Expr.QuadInv(sigma, Expr.sub(x, mu))));
    if (mean.isFree() && cov.isFree() && !mean.perComponent() && cov.perComponent()) {
      throw new Unsupported("a mean shared by all components with a covariance per component has no"
          + " closed-form M-step; index both by the latent variable, or neither");
    }
    Expr n = site.count();
    List<Update> updates = new ArrayList<>();
    Expr centred = Expr.sub(x, mu);
    Expr delta = null;
    if (mean.isFree()) {
      Expr s1 = site.statistic("S1", centred);
      delta = Expr.div(s1, n);
      updates.add(new Update("mean", Expr.add(mu, delta), "weighted mean",
          Expr.div(site.rowSum(x), n)));
    }
    Expr penalty = null;
    if (cov.isFree()) {
      Expr s2 = site.statistic("S2", Expr.square(centred));
      Expr scatter = delta == null ? s2 : Expr.sub(s2, Expr.mul(n, Expr.square(delta)));
      Expr psi = site.covarianceRegularization();
      Expr value;
      if (cov.perComponent() || !site.perComponent()) {
        value = Expr.div(Expr.add(scatter, psi), n);
      } else {
        // Tied: one covariance from every component's scatter about its own mean.
        value = Expr.div(Expr.add(site.sumOverComponents(scatter), psi), site.total());
      }
      Expr textbook = cov.perComponent() || !site.perComponent()
          ? Expr.div(Expr.add(site.rowSum(Expr.square(centred)), psi), n)
          : Expr.div(Expr.add(site.sumOverComponents(site.rowSum(Expr.square(centred))), psi),
              site.total());
      updates.add(new Update(site.signature().params().get(1).name(), value,
          "weighted scatter about the new mean", textbook));
      Expr perComponentPenalty = Expr.mul(-0.5, new Expr.TraceInv(psi, sigma));
      penalty = cov.perComponent() ? site.sumOverComponents(perComponentPenalty) : perComponentPenalty;
    }
    return new FactorModel(logDensity, updates, penalty);
  }
}
