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

  /** 𝒩, as the derivation writes the family. */
  private static final Expr.Notation NOTATION =
      new Expr.Notation("𝒩", "\\mathcal{N}", "<mi>𝒩</mi>");

  /**
   * log 𝒩(x | μ, Σ) = −½ (D log 2π + log|Σ| + (x − μ)ᵀ Σ⁻¹ (x − μ)), the same formulas for a
   * scalar (D = 1, Σ = σ²) and a vector.
   *
   * <p>The statistics are centred at the current mean c = μ: S1 = Σ r (x − c) and
   * S2 = Σ r (x − c)(x − c)ᵀ. Then μ' = c + S1/N_k and Σ' = (S2 − N_k δδᵀ + Ψ)/N_k with
   * δ = S1/N_k, which is (Σ r (x − μ')(x − μ')ᵀ + Ψ)/N_k exactly, in one pass, without the
   * cancellation that raw moments Σ r x xᵀ/N_k − μμᵀ suffer when the mean is far from 0.
   */
  @Override
  public FactorModel factor(FactorSite site) throws Unsupported {
    Expr x = site.lhs();
    String covName = site.signature().params().get(1).name();
    Arg mean = site.arg("mean");
    Arg cov = site.arg(covName);
    Expr mu = mean.value();
    Expr sigma = cov.value();
    Expr log2pi = Expr.log(Expr.num(2 * Math.PI));
    Expr normalizer = x.shape().isScalar() ? log2pi : Expr.mul(Expr.size(x.shape().dim()), log2pi);
    Expr logDensity = Expr.mul(-0.5, Expr.add(Expr.add(normalizer, new Expr.LogDet(sigma)),
        new Expr.QuadInv(sigma, Expr.sub(x, mu))));
    Expr density = new Expr.Density(NOTATION, x, List.of(mu, sigma));
    if (mean.isFree() && cov.isFree() && !mean.perComponent() && cov.perComponent()) {
      throw new Unsupported("a mean shared by all components with a covariance per component has no"
          + " closed-form M-step; index both by the latent variable, or neither");
    }
    Expr n = site.count();
    Expr zero = Expr.num(0);
    List<Update> updates = new ArrayList<>();
    Expr centred = Expr.sub(x, mu);
    Expr delta = null;
    if (mean.isFree()) {
      Expr s1 = site.statistic("S1", centred);
      delta = Expr.div(s1, n);
      // ∂/∂μ of −½ (x − μ)ᵀ Σ⁻¹ (x − μ) is Σ⁻¹ (x − μ).
      Expr gradient = site.rowSum(solve(sigma, centred));
      updates.add(Update.of("mean", Expr.add(mu, delta), "weighted mean")
          .withTextbook(Expr.div(site.rowSum(x), n))
          .derivedFrom(Expr.mul(-0.5, site.rowSum(new Expr.QuadInv(sigma, centred))),
              new Expr.Relation(Expr.Relation.Op.EQ, gradient, zero),
              "Only the quadratic form involves the mean; its gradient vanishes where the mean is"
                  + " the responsibility-weighted average of the rows."));
    }
    Expr penalty = null;
    if (cov.isFree()) {
      Expr s2 = site.statistic("S2", Expr.square(centred));
      Expr scatter = delta == null ? s2 : Expr.sub(s2, Expr.mul(n, Expr.square(delta)));
      Expr psi = site.covarianceRegularization();
      boolean pooled = !cov.perComponent() && site.perComponent();
      Expr rowScatter = pooled ? site.sumOverComponents(site.rowSum(Expr.square(centred)))
          : site.rowSum(Expr.square(centred));
      Expr rows = pooled ? site.total() : n;
      Expr value = pooled
          ? Expr.div(Expr.add(site.sumOverComponents(scatter), psi), site.total())
          : Expr.div(Expr.add(scatter, psi), n);
      Expr logTerms = Expr.add(new Expr.LogDet(sigma), new Expr.QuadInv(sigma, centred));
      Expr qTerms = Expr.add(
          Expr.mul(-0.5, pooled ? site.sumOverComponents(site.rowSum(logTerms)) : site.rowSum(logTerms)),
          Expr.mul(-0.5, new Expr.TraceInv(psi, sigma)));
      // ∂ log|Σ| / ∂Σ = Σ⁻¹ and ∂ vᵀΣ⁻¹v / ∂Σ = −Σ⁻¹ v vᵀ Σ⁻¹ (and tr(ΨΣ⁻¹) likewise).
      Expr stationarity = new Expr.Relation(Expr.Relation.Op.EQ, Expr.add(
          Expr.mul(-0.5, Expr.mul(rows, inverse(sigma))),
          Expr.mul(0.5, sandwich(sigma, Expr.add(rowScatter, psi)))), zero);
      updates.add(Update.of(covName, value, "weighted scatter about the new mean")
          .withTextbook(Expr.div(Expr.add(rowScatter, psi), rows))
          .derivedFrom(qTerms, stationarity,
              "Multiplied by the " + spread(x) + " on both sides, the derivative vanishes where the count"
                  + " times the " + spread(x) + " is the responsibility-weighted scatter of the rows"
                  + " about the mean (the new mean: its update does not involve the " + spread(x)
                  + "), plus the regularization:"));
      Expr trace = new Expr.TraceInv(psi, sigma);
      penalty = Expr.mul(-0.5, cov.perComponent() ? site.sumOverComponents(trace) : trace);
    }
    return new FactorModel(density, logDensity, updates, penalty);
  }

  private static String spread(Expr x) {
    return x.shape().isScalar() ? "variance" : "covariance";
  }

  /** Σ⁻¹ v, or v / σ² for scalars. */
  private static Expr solve(Expr sigma, Expr v) {
    return sigma.shape().isScalar() ? Expr.div(v, sigma) : new Expr.MatMul(new Expr.Inv(sigma), v);
  }

  /** Σ⁻¹, or 1 / σ². */
  private static Expr inverse(Expr sigma) {
    return sigma.shape().isScalar() ? Expr.div(Expr.num(1), sigma) : new Expr.Inv(sigma);
  }

  /** Σ⁻¹ A Σ⁻¹, or a / (σ²)². */
  private static Expr sandwich(Expr sigma, Expr a) {
    return sigma.shape().isScalar() ? Expr.div(a, Expr.square(sigma))
        : new Expr.MatMul(new Expr.MatMul(new Expr.Inv(sigma), a), new Expr.Inv(sigma));
  }
}
