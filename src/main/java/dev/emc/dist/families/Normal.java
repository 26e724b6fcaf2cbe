package dev.emc.dist.families;

import dev.emc.dist.Arg;
import dev.emc.dist.FactorModel;
import dev.emc.dist.FactorSite;
import dev.emc.dist.Family;
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

/**
 * The normal distribution, parameterized by mean and variance: a covariance matrix for a vector,
 * or its diagonal ({@code positive[D]}), or one variance for every coordinate ({@code positive}).
 * Each may be one per component or tied (not indexed by the latent variable).
 */
public final class Normal implements Family {
  private static final Dim D = Dim.of("D");

  /** 𝒩, as the derivation writes the family. */
  private static final Expr.Notation NOTATION =
      new Expr.Notation("𝒩", "\\mathcal{N}", "<mi>𝒩</mi>");

  @Override
  public String name() {
    return "Normal";
  }

  /** The vector forms come first: undeclared data are as wide as the data file says. */
  @Override
  public List<Signature> signatures() {
    return List.of(
        Signature.of("multivariate normal, full covariance", Type.vector(D),
            new Param("mean", Type.vector(D)), new Param("covariance", Type.cov(D))),
        Signature.of("multivariate normal, diagonal covariance", Type.vector(D),
            new Param("mean", Type.vector(D)), new Param("variances", Type.POSITIVE.vectorOf(D))),
        Signature.of("multivariate normal, spherical covariance", Type.vector(D),
            new Param("mean", Type.vector(D)), new Param("variance", Type.POSITIVE)),
        Signature.of("univariate normal", Type.REAL,
            new Param("mean", Type.REAL), new Param("variance", Type.POSITIVE)));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.DATA, Use.PRIOR);
  }

  /** How the spread is parameterized, which decides the shapes of its formulas. */
  private enum Form {
    /** Σ, a matrix. */
    FULL,
    /** diag(σ²), a vector of variances. */
    DIAGONAL,
    /** σ² I, one variance. */
    SPHERICAL,
    /** σ², for a scalar x. */
    UNIVARIATE
  }

  private static Form form(Expr x, Expr sigma) {
    if (x.shape().isScalar()) {
      return Form.UNIVARIATE;
    }
    return sigma.shape().isMatrix() ? Form.FULL : sigma.shape().isVector() ? Form.DIAGONAL : Form.SPHERICAL;
  }

  /**
   * log 𝒩(x | μ, Σ) = −½ (D log 2π + log|Σ| + (x − μ)ᵀ Σ⁻¹ (x − μ)), where log|Σ| and the quadratic
   * form take the shape of Σ: a matrix, a diagonal, or a multiple of I.
   *
   * <p>The statistics are centred at the current mean c = μ: S1 = Σ r (x − c) and S2 = Σ r of the
   * centred squares (outer products for a full covariance, element squares for a diagonal, their
   * total for a spherical one). Then μ' = c + S1/N_k, and the scatter about μ' is S2 − N_k δδᵀ with
   * δ = S1/N_k: exact, in one pass, without the cancellation of raw moments.
   */
  @Override
  public FactorModel factor(FactorSite site) throws Unsupported {
    Expr x = site.lhs();
    String spreadName = site.signature().params().get(1).name();
    Arg mean = site.arg("mean");
    Arg cov = site.arg(spreadName);
    Expr mu = mean.value();
    Expr sigma = cov.value();
    Form form = form(x, sigma);
    Expr log2pi = Expr.log(Expr.num(2 * Math.PI));
    Expr normalizer = x.shape().isScalar() ? log2pi : Expr.mul(Expr.size(x.shape().dim()), log2pi);
    Expr logDet = form == Form.SPHERICAL
        ? Expr.mul(Expr.size(x.shape().dim()), new Expr.LogDet(sigma)) : new Expr.LogDet(sigma);
    Expr centred = Expr.sub(x, mu);
    Expr logDensity = Expr.mul(-0.5, Expr.add(Expr.add(normalizer, logDet), new Expr.QuadInv(sigma, centred)));
    Expr density = new Expr.Density(NOTATION, x, List.of(mu, sigma));
    if (mean.isFree() && cov.isFree() && !mean.perComponent() && cov.perComponent()) {
      throw new Unsupported("a mean shared by all components with a covariance per component has no"
          + " closed-form M-step; index both by the latent variable, or neither");
    }
    Expr n = site.count();
    Expr zero = Expr.num(0);
    List<Update> updates = new ArrayList<>();
    Expr delta = null;
    if (mean.isFree()) {
      Expr s1 = site.statistic("S1", centred);
      delta = Expr.div(s1, n);
      // ∂/∂μ of −½ (x − μ)ᵀ Σ⁻¹ (x − μ) is Σ⁻¹ (x − μ).
      Expr gradient = site.rowSum(solve(form, sigma, centred));
      updates.add(Update.of("mean", Expr.add(mu, delta), "weighted mean")
          .withTextbook(Expr.div(site.rowSum(x), n))
          .derivedFrom(Expr.mul(-0.5, site.rowSum(new Expr.QuadInv(sigma, centred))),
              new Expr.Relation(Expr.Relation.Op.EQ, gradient, zero),
              "Only the quadratic form involves the mean; its gradient vanishes where the mean is the"
                  + " responsibility-weighted average of the rows."));
    }
    Expr penalty = null;
    if (cov.isFree()) {
      Expr s2 = site.statistic("S2", square(form, centred));
      Expr scatter = delta == null ? s2 : Expr.sub(s2, Expr.mul(n, square(form, delta)));
      Expr psi = regularization(form, site.regularization());
      boolean pooled = !cov.perComponent() && site.perComponent();
      Expr rowScatter = pooled ? site.sumOverComponents(site.rowSum(square(form, centred)))
          : site.rowSum(square(form, centred));
      // Rows, times D for one variance shared by D coordinates.
      Expr rows = pooled ? site.total() : n;
      Expr divisor = form == Form.SPHERICAL ? Expr.mul(Expr.size(x.shape().dim()), rows) : rows;
      Expr value = Expr.div(Expr.add(pooled ? site.sumOverComponents(scatter) : scatter, psi), divisor);
      Expr logTerms = Expr.add(logDet, new Expr.QuadInv(sigma, centred));
      Expr trace = new Expr.TraceInv(form == Form.FULL ? new Expr.Diag(site.regularization()) : site.regularization(),
          sigma);
      Expr qTerms = Expr.add(
          Expr.mul(-0.5, pooled ? site.sumOverComponents(site.rowSum(logTerms)) : site.rowSum(logTerms)),
          Expr.mul(-0.5, trace));
      // ∂ log|Σ| / ∂Σ = Σ⁻¹ and ∂ vᵀΣ⁻¹v / ∂Σ = −Σ⁻¹ v vᵀ Σ⁻¹ (and tr(ΨΣ⁻¹) likewise).
      Expr stationarity = new Expr.Relation(Expr.Relation.Op.EQ, Expr.add(
          Expr.mul(-0.5, Expr.mul(form == Form.SPHERICAL ? divisor : rows, inverse(form, sigma))),
          Expr.mul(0.5, sandwich(form, sigma, Expr.add(rowScatter, psi)))), zero);
      updates.add(Update.of(spreadName, value, "weighted scatter about the new mean")
          .withTextbook(Expr.div(Expr.add(rowScatter, psi), divisor))
          .derivedFrom(qTerms, stationarity,
              "Multiplied by the " + spreadWord(form) + " on both sides, the derivative vanishes where"
                  + " the count times the " + spreadWord(form) + " is the responsibility-weighted"
                  + " scatter of the rows about the mean (the new mean: its update does not involve the "
                  + spreadWord(form) + "), plus the regularization:"));
      penalty = Expr.mul(-0.5, cov.perComponent() ? site.sumOverComponents(trace) : trace);
    }
    return new FactorModel(density, logDensity, updates, penalty);
  }

  /** The square that the spread's statistic sums: vvᵀ, v ∘ v, ‖v‖², or v². */
  private static Expr square(Form form, Expr v) {
    return switch (form) {
      case FULL, UNIVARIATE -> Expr.square(v);
      case DIAGONAL -> new Expr.Hadamard(v, v);
      case SPHERICAL -> new Expr.Total(new Expr.Hadamard(v, v));
    };
  }

  /** Ψ in the spread's shape: diag(ψ) for a matrix, ψ for a diagonal, tr Ψ for one variance. */
  private static Expr regularization(Form form, Expr psi) {
    return switch (form) {
      case FULL -> new Expr.Diag(psi);
      case DIAGONAL, UNIVARIATE -> psi;
      case SPHERICAL -> new Expr.Total(psi);
    };
  }

  private static String spreadWord(Form form) {
    return switch (form) {
      case FULL -> "covariance";
      case DIAGONAL -> "variances";
      default -> "variance";
    };
  }

  /** Σ⁻¹ v: a matrix solve, or a division. */
  private static Expr solve(Form form, Expr sigma, Expr v) {
    return form == Form.FULL ? new Expr.MatMul(new Expr.Inv(sigma), v)
        : form == Form.DIAGONAL ? new Expr.Hadamard(new Expr.Inv(sigma), v)
        : Expr.div(v, sigma);
  }

  /** Σ⁻¹. */
  private static Expr inverse(Form form, Expr sigma) {
    return switch (form) {
      case FULL -> new Expr.Inv(sigma);
      case DIAGONAL -> new Expr.Inv(sigma);
      default -> Expr.div(Expr.num(1), sigma);
    };
  }

  /** Σ⁻¹ A Σ⁻¹: a matrix sandwich, or a division by the square. */
  private static Expr sandwich(Form form, Expr sigma, Expr a) {
    return switch (form) {
      case FULL -> new Expr.MatMul(new Expr.MatMul(new Expr.Inv(sigma), a), new Expr.Inv(sigma));
      case DIAGONAL -> new Expr.Hadamard(a, new Expr.Inv(new Expr.Hadamard(sigma, sigma)));
      default -> Expr.div(a, Expr.square(sigma));
    };
  }
}
