package dev.emc.dist.families;

import dev.emc.dist.Arg;
import dev.emc.dist.FactorModel;
import dev.emc.dist.FactorSite;
import dev.emc.dist.Family;
import dev.emc.dist.Formulas;
import dev.emc.dist.Param;
import dev.emc.dist.Prior;
import dev.emc.dist.Signature;
import dev.emc.dist.Unsupported;
import dev.emc.dist.Update;
import dev.emc.dist.Use;
import dev.emc.math.Expr;
import dev.emc.types.Dim;
import dev.emc.types.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The normal distribution, parameterized by mean and variance: a covariance matrix for a vector,
 * or its diagonal ({@code positive[D]}), or one variance for every coordinate ({@code positive}).
 * Each may be one per component or tied (not indexed by the latent variable). A mean linear in a
 * continuous latent, W h + μ, is factor analysis ({@link NormalFactors}).
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
    Expr spread = site.arg(site.signature().params().get(1).name()).value();
    if (spread instanceof Expr.Div d && site.scale(d.right()).isPresent()) {
      return scaled(site, d.left(), d.right(), site.scale(d.right()).get());
    }
    Terms t = Terms.of(site);
    Expr logDensity = logDensity(t.x, t.sigma, t.logDet, t.centred);
    Expr density = new Expr.Density(NOTATION, t.x, List.of(t.mu, t.sigma));
    if (t.mean.isFree() && t.mu instanceof Expr.Dot predictor) {
      return regression(t, predictor, logDensity, density);
    }
    if (NormalFactors.linear(t.mu)) {
      return NormalFactors.factor(site, t.cov, t.spreadName, logDensity, density);
    }
    if (t.mean.isFree() && t.cov.isFree() && !t.mean.perComponent() && t.cov.perComponent()) {
      throw new Unsupported("a mean shared by all components with a covariance per component has no"
          + " closed-form M-step; index both by the latent variable, or neither");
    }
    Priors priors = priors(t);
    List<Update> updates = new ArrayList<>();
    Expr s1 = t.mean.isFree() ? site.statistic("S1", t.centred) : null;
    Expr delta = s1 == null ? null : Expr.div(s1, t.n);
    Expr newMean = null;
    if (s1 != null) {
      Update meanUpdate = meanUpdate(t, priors, s1, delta);
      updates.add(meanUpdate);
      newMean = meanUpdate.value();
    }
    Expr s2 = t.cov.isFree() ? site.statistic("S2", square(t.form, t.centred)) : null;
    Expr penalty = null;
    if (s2 != null) {
      Scatter scatter = scatter(t, priors, s1, s2, delta, newMean);
      if (priors.spread().isEmpty()) {
        // Only without a prior: asking for Ψ makes it a setting of the fit.
        Expr trace = new Expr.TraceInv(t.form == Form.FULL ? new Expr.Diag(site.regularization())
            : site.regularization(), t.sigma);
        updates.add(regularizedSpread(t, scatter, trace));
        penalty = Expr.mul(-0.5, t.cov.perComponent() ? site.sumOverComponents(trace) : trace);
      } else if (priors.niw()) {
        updates.add(niwSpread(t, priors.spread().get(), scatter, delta));
      } else if (t.form == Form.FULL) {
        updates.add(inverseWishartSpread(t, priors.spread().get(), scatter));
      } else {
        updates.add(inverseGammaSpread(t, priors.spread().get(), scatter));
      }
    }
    FactorModel model = new FactorModel(density, logDensity, updates, penalty);
    // Empty cells of x integrate out to a conditional Gaussian: the E-step needs μ and Σ by name
    // and, when Σ is estimated, its scatter statistic (the pass adds the cells' conditional
    // covariance to it). Only when the statistics are per component, as the pass keeps them.
    boolean named = t.mu instanceof Expr.Sym && t.sigma instanceof Expr.Sym;
    return named && site.perComponent() ? model.withGaussian(new FactorModel.Gaussian(t.mu, t.sigma, s2)) : model;
  }

  /**
   * x ~ 𝒩(μ, Σ/w) with w a latent scale the E-step infers given the row and its component (a t
   * distribution: w ~ Gamma(ν/2, ν/2)). As a function of w the density is
   * w^(D/2) e^(−w δ/2) times what does not involve w, δ = (x − μ)ᵀ Σ⁻¹ (x − μ): the kernel w's
   * Gamma posterior adds to its prior. The complete-data terms of Q are those of a normal whose rows
   * weigh E[w]: with the statistics centred at the current mean, S0 = Σ r E[w], S1 = Σ r E[w] (x − μ)
   * and S2 = Σ r E[w] of the centred squares, μ' = μ + S1/S0 and the weighted scatter about μ' is
   * S2 − S0 dd ᵀ with d = S1/S0, divided by N_k (Peel and McLachlan 2000), plus the regularization.
   */
  private static FactorModel scaled(FactorSite site, Expr sigma, Expr w, FactorSite.Scale scale) throws Unsupported {
    String spreadName = site.signature().params().get(1).name();
    Arg mean = site.arg("mean");
    Arg cov = site.arg(spreadName);
    Expr x = site.lhs();
    Expr mu = mean.value();
    if (!(mu instanceof Expr.Sym) || !mean.isFree() || !cov.isFree()) {
      throw new Unsupported("with a latent scale the mean and the " + spreadName + " are parameters, both fitted");
    }
    if (!mean.perComponent() && site.perComponent()) {
      throw new Unsupported("with a latent scale each component has its own mean: index it by the latent variable");
    }
    Form form = form(x, sigma);
    Expr centred = Expr.sub(x, mu);
    Expr dims = x.shape().isScalar() ? Formulas.ONE : Expr.size(x.shape().dim());
    Expr delta = new Expr.QuadInv(sigma, centred);
    Expr logDet = logDet(form, x, sigma);
    Expr log2pi = Expr.log(Expr.num(2 * Math.PI));
    Expr logDensity = Expr.mul(-0.5, Expr.add(Expr.sub(Expr.add(Expr.mul(dims, log2pi), logDet),
        Expr.mul(dims, Expr.log(w))), Expr.mul(w, delta)));
    Expr density = new Expr.Density(NOTATION, x, List.of(mu, Expr.div(sigma, w)));
    scale.kernel(Expr.div(dims, Expr.num(2)), Expr.div(delta, Expr.num(2)));
    Expr u = scale.mean();
    Expr n = site.count();
    Expr weight = site.statistic("S0", u);
    Expr s1 = site.statistic("S1", Expr.mul(u, centred));
    Expr d = Expr.div(s1, weight);
    Update meanUpdate = Update.of("mean", Expr.add(mu, d), "weighted mean, each row weighed by E[w]")
        .withTextbook(Expr.div(site.rowSum(Expr.mul(u, x)), site.rowSum(u)))
        .derivedFrom(Expr.mul(-0.5, site.rowSum(Expr.mul(u, delta))),
            new Expr.Relation(Expr.Relation.Op.EQ, site.rowSum(Expr.mul(u, solve(form, sigma, centred))),
                Expr.num(0)),
            "Only the quadratic form involves the mean; its gradient vanishes where the mean is the average of"
                + " the rows weighed by r E[w].");
    Expr s2 = site.statistic("S2", Expr.mul(u, square(form, centred)));
    boolean pooled = !cov.perComponent() && site.perComponent();
    Expr about = Expr.sub(s2, Expr.mul(weight, square(form, d)));
    Expr total = pooled ? site.sumOverComponents(about) : about;
    Expr rows = pooled ? site.total() : n;
    Expr divisor = form == Form.SPHERICAL ? Expr.mul(Expr.size(x.shape().dim()), rows) : rows;
    Expr psi = regularization(form, site.regularization());
    Expr trace = new Expr.TraceInv(form == Form.FULL ? new Expr.Diag(site.regularization())
        : site.regularization(), sigma);
    Expr scatter = site.rowSum(Expr.mul(u, square(form, centred)));
    Update spreadUpdate = Update.of(spreadName, Expr.div(Expr.add(total, psi), divisor),
            "scatter weighed by E[w] about the new mean")
        .withTextbook(Expr.div(Expr.add(pooled ? site.sumOverComponents(scatter) : scatter, psi), divisor))
        .derivedFrom(Expr.mul(-0.5, site.rowSum(Expr.add(logDet, Expr.mul(u, delta)))), null,
            "As for a normal whose rows weigh r E[w] in the scatter and r in the count: the count times the "
                + spreadWord(form) + " is the weighted scatter about the new mean, plus the regularization.");
    Expr penalty = Expr.mul(-0.5, cov.perComponent() ? site.sumOverComponents(trace) : trace);
    return new FactorModel(density, logDensity, List.of(meanUpdate, spreadUpdate), penalty);
  }

  /**
   * What the mean's and the spread's updates of one statement share, worked out once: its two
   * arguments, the spread's form, the row centred at the current mean, N_k and log|Σ|.
   */
  private record Terms(FactorSite site, Arg mean, Arg cov, String spreadName, Form form, Expr x, Expr mu,
      Expr sigma, Expr centred, Expr n, Expr logDet) {
    static Terms of(FactorSite site) {
      Expr x = site.lhs();
      String spreadName = site.signature().params().get(1).name();
      Arg mean = site.arg("mean");
      Arg cov = site.arg(spreadName);
      Form form = Normal.form(x, cov.value());
      return new Terms(site, mean, cov, spreadName, form, x, mean.value(), cov.value(),
          Expr.sub(x, mean.value()), site.count(), Normal.logDet(form, x, cov.value()));
    }

    /** One spread for every component of per-component statistics: its update sums over them. */
    boolean pooled() {
      return cov.isFree() && !cov.perComponent() && site.perComponent();
    }
  }

  /** log|Σ| in the spread's shape: D log σ² for one variance shared by D coordinates. */
  private static Expr logDet(Form form, Expr x, Expr sigma) {
    return form == Form.SPHERICAL
        ? Expr.mul(Expr.size(x.shape().dim()), new Expr.LogDet(sigma)) : new Expr.LogDet(sigma);
  }

  /** −½ (D log 2π + log|Σ| + (x − μ)ᵀ Σ⁻¹ (x − μ)), given log|Σ| and x − μ. */
  private static Expr logDensity(Expr x, Expr sigma, Expr logDet, Expr centred) {
    Expr log2pi = Expr.log(Expr.num(2 * Math.PI));
    Expr normalizer = x.shape().isScalar() ? log2pi : Expr.mul(Expr.size(x.shape().dim()), log2pi);
    return Expr.mul(-0.5, Expr.add(Expr.add(normalizer, logDet), new Expr.QuadInv(sigma, centred)));
  }

  /** The priors on the mean and on the spread, if any; {@code niw} when one prior covers both. */
  private record Priors(Optional<Prior> mean, Optional<Prior> spread, boolean niw) {}

  /** Asks for the mean's prior, then the spread's, and refuses a Normal-Inverse-Wishart misplaced. */
  private static Priors priors(Terms t) throws Unsupported {
    Optional<Prior> meanPrior = t.mean.isFree() ? t.site.prior("mean") : Optional.empty();
    Optional<Prior> covPrior = t.cov.isFree() ? t.site.prior(t.spreadName) : Optional.empty();
    boolean niw = meanPrior.filter(p -> p.family().equals("NormalInverseWishart")).isPresent()
        || covPrior.filter(p -> p.family().equals("NormalInverseWishart")).isPresent();
    if (niw && (meanPrior.isEmpty() || covPrior.isEmpty() || meanPrior.get() != covPrior.get())) {
      throw new Unsupported("a Normal-Inverse-Wishart prior covers the mean and the covariance together:"
          + " `(mean, covariance) ~ NormalInverseWishart(…)`");
    }
    if (niw && (t.pooled() || t.form == Form.DIAGONAL || t.form == Form.SPHERICAL)) {
      throw new Unsupported("a Normal-Inverse-Wishart prior needs a full covariance (or a variance) per"
          + " component");
    }
    return new Priors(meanPrior, covPrior, niw);
  }

  /** μ's update from S1 and δ = S1/N_k: the weighted mean, or the posterior mode under its prior. */
  private static Update meanUpdate(Terms t, Priors priors, Expr s1, Expr delta) throws Unsupported {
    FactorSite site = t.site;
    Expr n = t.n;
    // Σ_n r x = N_k μ + S1: the statistics are centred at the current mean.
    Expr rowTotal = Expr.add(Expr.mul(n, t.mu), s1);
    if (priors.mean().isEmpty()) {
      Expr gradient = site.rowSum(solve(t.form, t.sigma, t.centred));
      return Update.of("mean", Expr.add(t.mu, delta), "weighted mean")
          .withTextbook(Expr.div(site.rowSum(t.x), n))
          .derivedFrom(Expr.mul(-0.5, site.rowSum(new Expr.QuadInv(t.sigma, t.centred))),
              new Expr.Relation(Expr.Relation.Op.EQ, gradient, Expr.num(0)),
              "Only the quadratic form involves the mean; its gradient vanishes where the mean is the"
                  + " responsibility-weighted average of the rows.");
    }
    if (priors.niw()) {
      Prior p = priors.mean().get();
      Expr kappa = p.arg("kappa");
      Expr m0 = p.arg("location");
      return Update.of("mean", Expr.div(Expr.add(rowTotal, Expr.mul(kappa, m0)), Expr.add(n, kappa)),
              "posterior mode (Normal-Inverse-Wishart prior)")
          .withTextbook(Expr.div(Expr.add(site.rowSum(t.x), Expr.mul(kappa, m0)), Expr.add(n, kappa)))
          .derivedFrom(null, null, "The prior counts as κ rows at the location m: the mean is their"
              + " responsibility-weighted average with the data's rows.");
    }
    Prior p = Formulas.conjugate(priors.mean().get(), "Normal", "a normal mean", "Normal(location, variance)");
    return Update.of("mean", posteriorMean(t.form, p, t.sigma, n, rowTotal),
            "posterior mode (Normal prior; conditional on the covariance)")
        .derivedFrom(null, null, "With the covariance at its current value the Normal prior is"
            + " conjugate: the mean's update is the precision-weighted average of the prior's location"
            + " and the rows (an ECM step: the covariance then updates about the new mean).");
  }

  /**
   * The scatter about the new mean, per component and (when pooled) summed over them, as a textbook
   * writes it, and the rows it is divided by (times D for one variance of D coordinates).
   */
  private record Scatter(Expr about, Expr total, Expr textbook, Expr rows, Expr divisor) {}

  private static Scatter scatter(Terms t, Priors priors, Expr s1, Expr s2, Expr delta, Expr newMean) {
    Expr about;
    if (delta == null) {
      about = s2;
    } else if (priors.mean().isEmpty() || priors.niw()) {
      // About the weighted mean x̄ = μ + δ: S2 − N_k δδᵀ.
      about = Expr.sub(s2, Expr.mul(t.n, square(t.form, delta)));
    } else {
      // About the new mean μ + d: S2 − S1 dᵀ − d S1ᵀ + N_k d dᵀ.
      Expr d = Expr.sub(newMean, t.mu);
      about = Expr.add(Expr.sub(s2, cross(t.form, s1, d)), Expr.mul(t.n, square(t.form, d)));
    }
    boolean pooled = t.pooled();
    Expr textbook = pooled ? t.site.sumOverComponents(t.site.rowSum(square(t.form, t.centred)))
        : t.site.rowSum(square(t.form, t.centred));
    Expr rows = pooled ? t.site.total() : t.n;
    Expr divisor = t.form == Form.SPHERICAL ? Expr.mul(Expr.size(t.x.shape().dim()), rows) : rows;
    return new Scatter(about, pooled ? t.site.sumOverComponents(about) : about, textbook, rows, divisor);
  }

  /** Without a prior: (scatter + Ψ) / count, the maximum of Q plus −½ tr(Ψ Σ⁻¹). */
  private static Update regularizedSpread(Terms t, Scatter s, Expr trace) {
    FactorSite site = t.site;
    Form form = t.form;
    Expr psi = regularization(form, site.regularization());
    Expr value = Expr.div(Expr.add(s.total(), psi), s.divisor());
    Expr logTerms = Expr.add(t.logDet, new Expr.QuadInv(t.sigma, t.centred));
    Expr qTerms = Expr.add(
        Expr.mul(-0.5, t.pooled() ? site.sumOverComponents(site.rowSum(logTerms)) : site.rowSum(logTerms)),
        Expr.mul(-0.5, trace));
    // ∂ log|Σ| / ∂Σ = Σ⁻¹ and ∂ vᵀΣ⁻¹v / ∂Σ = −Σ⁻¹ v vᵀ Σ⁻¹ (and tr(ΨΣ⁻¹) likewise).
    Expr stationarity = new Expr.Relation(Expr.Relation.Op.EQ, Expr.add(
        Expr.mul(-0.5, Expr.mul(s.divisor(), inverse(form, t.sigma))),
        Expr.mul(0.5, sandwich(form, t.sigma, Expr.add(s.textbook(), psi)))), Expr.num(0));
    return Update.of(t.spreadName, value, "weighted scatter about the new mean")
        .withTextbook(Expr.div(Expr.add(s.textbook(), psi), s.divisor()))
        .derivedFrom(qTerms, stationarity,
            "Multiplied by the " + spreadWord(form) + " on both sides, the derivative vanishes where"
                + " the count times the " + spreadWord(form) + " is the responsibility-weighted"
                + " scatter of the rows about the mean (the new mean: its update does not involve the "
                + spreadWord(form) + "), plus the regularization:");
  }

  /** The mode of the Normal-Inverse-Wishart posterior, given δ = S1/N_k. */
  private static Update niwSpread(Terms t, Prior p, Scatter s, Expr delta) {
    Expr n = t.n;
    Expr kappa = p.arg("kappa");
    Expr dof = p.arg("dof");
    Expr scale = p.arg("scale");
    Expr gap = Expr.sub(Expr.add(t.mu, delta), p.arg("location"));
    Expr shrink = Expr.div(Expr.mul(kappa, n), Expr.add(kappa, n));
    Expr dims = t.x.shape().isScalar() ? Formulas.ONE : Expr.size(t.x.shape().dim());
    Expr value = Expr.div(Expr.add(Expr.add(s.about(), Expr.mul(shrink, square(t.form, gap))), scale),
        Expr.add(Expr.add(n, dof), Expr.add(dims, Expr.num(2))));
    return Update.of(t.spreadName, value, "posterior mode (Normal-Inverse-Wishart prior)")
        .derivedFrom(null, null, "The mode of the Normal-Inverse-Wishart posterior: the scatter about the"
            + " weighted mean, the prior's scale Ψ, and the gap between the weighted mean and the"
            + " prior's location, weighted κN_k/(κ + N_k), over N_k + ν + D + 2.");
  }

  /** A full covariance's mode under an inverse-Wishart prior. */
  private static Update inverseWishartSpread(Terms t, Prior prior, Scatter s) throws Unsupported {
    Prior p = Formulas.conjugate(prior, "InverseWishart", "a covariance", "InverseWishart(dof, scale)");
    Expr d = Expr.size(t.x.shape().dim());
    Expr value = Expr.div(Expr.add(s.total(), p.arg("scale")),
        Expr.add(Expr.add(s.rows(), p.arg("dof")), Expr.add(d, Formulas.ONE)));
    return Update.of(t.spreadName, value, "posterior mode (inverse-Wishart prior)")
        .withTextbook(Expr.div(Expr.add(s.textbook(), p.arg("scale")),
            Expr.add(Expr.add(s.rows(), p.arg("dof")), Expr.add(d, Formulas.ONE))))
        .derivedFrom(null, null, "The inverse-Wishart prior adds its scale Ψ to the scatter and ν + D + 1"
            + " to the count.");
  }

  /** A variance's (or each diagonal variance's) mode under an inverse-gamma prior. */
  private static Update inverseGammaSpread(Terms t, Prior prior, Scatter s) throws Unsupported {
    Prior p = Formulas.conjugate(prior, "InverseGamma", "a variance", "InverseGamma(shape, scale)");
    Expr a = p.arg("shape");
    Expr b = p.arg("scale");
    Expr twoB = Formulas.fill(Expr.mul(2, b), t.form == Form.DIAGONAL ? t.sigma : Formulas.ZERO);
    Expr count = Expr.add(s.divisor(), Expr.add(Expr.mul(2, a), Expr.num(2)));
    return Update.of(t.spreadName, Expr.div(Expr.add(s.total(), twoB), count),
            "posterior mode (inverse-gamma prior)")
        .withTextbook(Expr.div(Expr.add(s.textbook(), twoB), count))
        .derivedFrom(null, null, "The inverse-gamma prior adds 2b to the scatter and 2a + 2 to the count.");
  }

  /**
   * A normal regression, y ~ 𝒩(βᵀu, σ²) with u covariates: weighted least squares. The statistics
   * are centred at the current coefficients, as the mean's are: with the residual e = y − βᵀu,
   * S_uu = Σ r u uᵀ, S_ue = Σ r u e and S_ee = Σ r e². The normal equations S_uu d = S_ue give
   * β' = β + d, and the scatter of the residuals about β' is S_ee − dᵀ S_ue (S_uu d = S_ue removes
   * the quadratic term), so one pass suffices and no raw second moment of y is ever formed.
   */
  private static FactorModel regression(Terms t, Expr.Dot predictor, Expr logDensity, Expr density)
      throws Unsupported {
    FactorSite site = t.site;
    Expr y = t.x;
    Expr beta = predictor.left();
    Expr u = predictor.right();
    if (!y.shape().isScalar()) {
      throw new Unsupported("a regression's response must be one number per row; dot(β, u) is one number");
    }
    if (t.cov.isFree() && !t.mean.perComponent() && t.cov.perComponent()) {
      throw new Unsupported("coefficients shared by all components with a variance per component have no"
          + " closed-form M-step; index both by the latent variable, or neither");
    }
    Expr zero = Expr.num(0);
    Expr residual = Expr.sub(y, predictor);
    Expr suu = site.statistic("Suu", Expr.square(u));
    Expr sue = site.statistic("Sue", Expr.mul(residual, u));
    Expr step = new Expr.Solve(suu, sue);
    List<Update> updates = new ArrayList<>();
    updates.add(Update.of("mean", Expr.add(beta, step), "weighted least squares")
        .withTextbook(new Expr.Solve(site.rowSum(Expr.square(u)), site.rowSum(Expr.mul(y, u))))
        .derivedFrom(Expr.mul(-0.5, site.rowSum(Expr.div(Expr.square(residual), t.sigma))),
            new Expr.Relation(Expr.Relation.Op.EQ, site.rowSum(Expr.mul(residual, u)), zero),
            "Only the squared residuals involve the coefficients; their gradient vanishes at the normal"
                + " equations of least squares with the responsibilities as weights."));
    Expr penalty = null;
    if (t.cov.isFree()) {
      Expr see = site.statistic("See", Expr.square(residual));
      boolean pooled = t.pooled();
      Expr scatter = Expr.sub(see, new Expr.Dot(step, sue));
      Expr total = pooled ? site.sumOverComponents(scatter) : scatter;
      Expr rows = pooled ? site.total() : t.n;
      Expr psi = site.regularization();
      // As the textbook writes it, β_k in the residual is the new coefficients.
      Expr rowScatter = pooled ? site.sumOverComponents(site.rowSum(Expr.square(residual)))
          : site.rowSum(Expr.square(residual));
      Expr trace = new Expr.TraceInv(psi, t.sigma);
      Expr logTerms = Expr.add(new Expr.LogDet(t.sigma), new Expr.QuadInv(t.sigma, residual));
      updates.add(Update.of(t.spreadName, Expr.div(Expr.add(total, psi), rows),
              "weighted mean squared residual about the new coefficients")
          .withTextbook(Expr.div(Expr.add(rowScatter, psi), rows))
          .derivedFrom(Expr.add(
                  Expr.mul(-0.5, pooled ? site.sumOverComponents(site.rowSum(logTerms)) : site.rowSum(logTerms)),
                  Expr.mul(-0.5, trace)),
              new Expr.Relation(Expr.Relation.Op.EQ, Expr.add(
                  Expr.mul(-0.5, Expr.div(rows, t.sigma)),
                  Expr.mul(0.5, Expr.div(Expr.add(rowScatter, psi), Expr.square(t.sigma)))), zero),
              "Multiplied by twice the variance squared, the derivative vanishes where the count times the"
                  + " variance is the responsibility-weighted sum of squared residuals (about the new"
                  + " coefficients: their update does not involve the variance), plus the regularization:"));
      penalty = Expr.mul(-0.5, t.cov.perComponent() ? site.sumOverComponents(trace) : trace);
    }
    return new FactorModel(density, logDensity, updates, penalty);
  }

  /** S dᵀ + d Sᵀ in the spread's shape: the cross terms of a scatter about a shifted centre. */
  private static Expr cross(Form form, Expr s, Expr d) {
    return switch (form) {
      case FULL -> Expr.add(Expr.outer(s, d), Expr.outer(d, s));
      case DIAGONAL -> Expr.mul(2, new Expr.Hadamard(s, d));
      case SPHERICAL -> Expr.mul(2, new Expr.Dot(s, d));
      case UNIVARIATE -> Expr.mul(2, Expr.mul(s, d));
    };
  }

  /**
   * The mean's posterior mode under a Normal(m, S) prior with the covariance at its current value:
   * (S⁻¹ + N_k Σ⁻¹)⁻¹ (S⁻¹ m + Σ⁻¹ Σ_n r x). With S = s·I and a full Σ this is
   * (Σ/s + N_k I)⁻¹ (Σ m / s + Σ_n r x), which needs no inverse of Σ; elementwise otherwise.
   */
  private static Expr posteriorMean(Form form, Prior p, Expr sigma, Expr n, Expr rowTotal) throws Unsupported {
    Expr m0 = p.args().get(0);
    Expr s0 = p.args().get(1);
    if (form == Form.FULL) {
      if (!(s0 instanceof Expr.Mul m && m.right() instanceof Expr.Identity)) {
        throw new Unsupported("a Normal prior on a mean with a full covariance needs a prior covariance"
            + " that is a number times I");
      }
      Expr c = ((Expr.Mul) s0).left();
      return new Expr.Solve(Expr.add(Expr.div(sigma, c), Expr.mul(n, new Expr.Identity(sigma.shape().dim()))),
          Expr.add(Expr.div(new Expr.MatMul(sigma, m0), c), rowTotal));
    }
    Expr priorPrecision = s0 instanceof Expr.Mul m && m.right() instanceof Expr.Identity
        ? Expr.div(Formulas.ONE, m.left()) : new Expr.Inv(s0);
    if (form == Form.DIAGONAL) {
      Expr precision = new Expr.Inv(sigma);
      Expr numerator = Expr.add(times(priorPrecision, m0), new Expr.Hadamard(rowTotal, precision));
      Expr denominator = Expr.add(Formulas.fill(priorPrecision, sigma), Expr.mul(n, precision));
      return new Expr.Hadamard(numerator, new Expr.Inv(denominator));
    }
    Expr numerator = Expr.add(times(priorPrecision, m0), Expr.div(rowTotal, sigma));
    return Expr.div(numerator, Expr.add(priorPrecision.shape().isScalar() ? priorPrecision
        : new Expr.Total(priorPrecision), Expr.div(n, sigma)));
  }

  private static Expr times(Expr a, Expr b) {
    return a.shape().isVector() && b.shape().isVector() ? new Expr.Hadamard(a, b) : Expr.mul(a, b);
  }

  /**
   * As a prior on a mean: log 𝒩(μ | m, S), the same formula with the parameter in place of the
   * data.
   */
  @Override
  public Expr priorLogDensity(Signature form, List<Expr> values, List<Expr> args) {
    Expr value = values.get(0);
    Expr m = args.get(0);
    Expr s = args.get(1);
    return logDensity(value, s, logDet(form(value, s), value, s), Expr.sub(value, m));
  }

  @Override
  public void sample(Signature form, List<double[]> args, java.util.random.RandomGenerator rng, double[] out) {
    double[] m = args.get(0);
    double[] s = args.get(1);
    int d = out.length;
    if (s.length == d * d && d > 1) {
      double[] l = new double[d * d];
      if (!dev.emc.runtime.Linalg.cholesky(s, 0, d, l, 0)) {
        throw new IllegalArgumentException("the covariance is not positive definite");
      }
      double[] z = new double[d];
      for (int i = 0; i < d; i++) {
        z[i] = rng.nextGaussian();
      }
      for (int i = 0; i < d; i++) {
        double v = m[i];
        for (int j = 0; j <= i; j++) {
          v += l[i * d + j] * z[j];
        }
        out[i] = v;
      }
      return;
    }
    for (int i = 0; i < d; i++) {
      double variance = s.length == d ? s[i] : s[0];
      out[i] = m[i] + Math.sqrt(variance) * rng.nextGaussian();
    }
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
      case FULL, DIAGONAL -> new Expr.Inv(sigma);
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
