package dev.emc.derive;

import dev.emc.analysis.EmPlan;
import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.analysis.EmPlan.Statistic;
import dev.emc.analysis.latent.LinearGaussian;
import dev.emc.math.Expr.Relation.Op;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.math.Symbol;
import dev.emc.types.Dim;
import java.util.List;

/**
 * The derivation of EM for a continuous latent with a linear-Gaussian child, factor analysis and
 * probabilistic PCA ({@link LinearGaussian}): the model, the marginal likelihood by the Woodbury
 * identity, the factors' Gaussian posterior, the M-step as a regression on the factors' moments,
 * and its statistics. It follows Bishop's Pattern Recognition and Machine Learning, §12.2.2 and
 * §12.2.4, and Ghahramani & Hinton (1996), with the mean estimated jointly with W.
 */
final class FactorSection extends DerivationBuilder {
  private final LinearGaussian lg;
  /** h ~ N(0, I), and x given h. */
  private final FactorPlan latent;
  private final FactorPlan child;
  /** A mixture's z ~ Categorical(φ); null for one factor analyser. */
  private final FactorPlan weights;
  /** Given z = k, in a mixture: "k", else nothing. */
  private final String k;
  private final Expr h;
  private final Expr x;
  private final Expr w;
  private final Expr mu;
  private final Dim q;
  private final Dim d;
  private final Expr wt;
  /** Ψ as the matrix it stands for: diagonal, or σ²I. */
  private final Expr psiMatrix;
  private final Expr psiInv;
  /** The factors' posterior covariance. */
  private final Expr g;
  /** A row's e = x − μ, b = WᵀΨ⁻¹e and the factors' posterior mean m = G b. */
  private final Expr e;
  private final Expr b;
  private final Expr m;

  FactorSection(EmPlan plan, LinearGaussian lg) {
    super(plan);
    this.lg = lg;
    this.latent = plan.factors().stream().filter(f -> f.lhs().equals(lg.latent().name())).findFirst().orElseThrow();
    this.child = plan.factors().stream().filter(f -> f.lhs().equals(lg.data().name())).findFirst().orElseThrow();
    this.weights = lg.mixed()
        ? plan.factors().stream().filter(f -> f.lhs().equals(lg.name())).findFirst().orElseThrow() : null;
    this.h = new Expr.Sym(lg.latent());
    this.x = new Expr.Sym(lg.data());
    this.w = new Expr.Sym(lg.loadings());
    this.mu = new Expr.Sym(lg.mean());
    this.q = lg.latent().shape().dim();
    this.d = lg.data().shape().dim();
    this.wt = new Expr.Transpose(w);
    this.k = lg.mixed() ? "k" : "";
    this.psiMatrix = lg.spherical() ? Expr.mul(new Expr.Sym(lg.noise()), new Expr.Identity(d))
        : new Expr.Sym(new Symbol(lg.noise().name(), Symbol.Kind.PARAM, Shape.matrix(d), false,
            lg.noise().perComponent()));
    this.psiInv = new Expr.Inv(psiMatrix);
    boolean mixed = lg.mixed();
    // Given z = k in a mixture: component k's G_k, and the row's e_nk, b_nk and m_nk.
    Symbol.Kind rowKind = mixed ? Symbol.Kind.RESPONSIBILITY : Symbol.Kind.DATA;
    this.g = new Expr.Sym(new Symbol(mixed ? "G_k" : "G", Symbol.Kind.NAME, Shape.matrix(q), false, false));
    this.e = new Expr.Sym(new Symbol("e", rowKind, Shape.vector(d), true, mixed));
    this.b = new Expr.Sym(new Symbol("b", rowKind, Shape.vector(q), true, mixed));
    this.m = new Expr.Sym(new Symbol("m", rowKind, Shape.vector(q), true, mixed));
  }

  @Override
  void sections() {
    model();
    likelihood();
    eStep();
    mStep();
    statistics();
    monotonicity();
    information();
  }

  /** The information matrix of the marginal Gaussian, not of generated scores: a factor model has none. */
  @Override
  void information() {
    section("The information matrix (emc fit --se)");
    informationParagraphs(lg).forEach(p -> prose(p));
  }

  /**
   * The paragraphs on the information matrix of {@code lg}, in its parameters' names: with the
   * factors integrated out a row is Gaussian, so the observed information has a closed form
   * ({@code runtime.fit.FactorInformation}), and W is identified only up to a rotation.
   */
  private static List<String> informationParagraphs(LinearGaussian lg) {
    String w = lg.loadings().name();
    String mu = lg.mean().name();
    String psi = lg.noise().name();
    boolean mixed = lg.mixed();
    String k = mixed ? "_k" : "";
    String c = mixed ? "C_k" : "C";
    String n = lg.noisePerComponent() ? "_k" : "";
    String noise = lg.spherical() ? psi + n + " I" : "diag(" + psi + n + ")";
    String likelihood = mixed
        ? "ℓ(θ) = Σ_n log Σ_k " + lg.mixture().weights().name() + "_k N(x_n; " + mu + "_k, C_k), C_k = " + w + "_k "
            + w + "_kᵀ + " + noise
        : "ℓ(θ) = Σ_n log N(x_n; " + mu + ", C), C = " + w + " " + w + "ᵀ + " + noise;
    String scores = "With e = x_n − " + mu + k + ", P = " + c + "⁻¹ and α = P e, the score of log N(x_n; " + mu + k
        + ", " + c + ") is ∂/∂" + mu + k + " = α, ∂/∂" + w + k + " = (α αᵀ − P) " + w + k + " and "
        + (lg.spherical() ? "∂/∂" + psi + n + " = ½ (αᵀα − tr P)" : "∂/∂(" + psi + n + ")_d = ½ (α_d² − P_dd)")
        + ". For a number θ_a that moves the mean by m_a and the covariance by C_a (and C_ab, nonzero only for two"
        + " entries of one column of " + w + "), ∂_a log N = m_aᵀα − ½ tr(P C_a) + ½ αᵀC_aα and ∂_ab log N ="
        + " ½ tr(P C_a P C_b) − ½ tr(P C_ab) − m_aᵀP m_b − m_aᵀP C_b α − m_bᵀP C_a α − αᵀC_a P C_b α + ½ αᵀC_ab α."
        + " The rows enter these only through α, so summed over the rows they read Σ α and Σ α αᵀ"
        + (mixed ? " (each weighted by r_nk), and Louis' identity adds the outer products row by row" : "")
        + ": one pass over the rows.";
    String exact = mixed
        ? "The standard errors are the square roots of the diagonal of I⁻¹, where I is the observed information:"
            + " minus the Hessian of the observed-data log-likelihood. With the factors integrated out, a row of"
            + " component k is Gaussian, so " + likelihood + ". I is exact, by Louis' identity with (x_n, z) as the"
            + " complete data and the factors integrated out in closed form: I = Σ_n [Σ_k r_nk (−H_nk) − Σ_k r_nk"
            + " s_nk s_nkᵀ + s_n s_nᵀ], s_n = Σ_k r_nk s_nk, where s_nk and H_nk are the score and Hessian of log "
            + lg.mixture().weights().name() + "_k"
            + " + log N(x_n; " + mu + "_k, C_k)."
        : "The standard errors are the square roots of the diagonal of I⁻¹, where I is the observed information:"
            + " minus the Hessian of the observed-data log-likelihood. With the factors integrated out a row is"
            + " Gaussian, so " + likelihood + ", and I is its exact Hessian, in closed form.";
    String identified = "The coordinates: " + (mixed ? "the weights' first K − 1 entries (the last is 1 minus their"
        + " sum), " : "") + mu + ", the entries of " + w + ", and log " + psi + " (positive, on the log scale; the"
        + " delta method maps its variance back). The likelihood is unchanged by " + w + k + " → " + w + k + " R for"
        + " any orthogonal R: along the Q(Q − 1)/2 directions " + w + k + " A, A skew-symmetric, I is singular, and "
        + w + "'s entries are not identified. emc takes I on the orthonormal complement of those directions, inverts"
        + " it there and reports what the rotations leave as it is: " + mu + ", " + psi + (mixed ? ", the weights" : "")
        + " and " + w + " " + w + "ᵀ (its distinct entries, " + w + " " + w + "ᵀ_ij for i ≤ j), whose standard errors"
        + " come by the delta method from those of " + w + "'s entries on the complement. " + w + "'s own entries get"
        + " none (with Q = 1 the only ambiguity is a sign, and they do). So the free numbers are " + (mixed ? "K − 1 +"
        + " K (" : "") + "D + DQ − Q(Q − 1)/2" + (mixed && !lg.noisePerComponent() ? ") + " : " + ")
        + (lg.spherical() ? "1" : "D") + (lg.noisePerComponent() ? ")" : "") + ", as BIC counts them.";
    String warnings = "A noise variance below 10⁻⁴ of " + (lg.spherical() ? "the columns' mean variance"
        : "its column's variance") + " is a Heywood case: it is on the boundary"
        + " of its range, named in a warning, and gets no standard error; the others are taken with it fixed. A"
        + " number that I does not pin down given the others (a pivot of its Cholesky factor below 10⁻¹⁰ of its"
        + " diagonal: more factors than the data identify" + (mixed ? ", an empty component" : "")
        + ") is named in a warning and gets no"
        + " standard error. The 95% intervals are Wald intervals, on the log scale for a positive parameter (and"
        + " a diagonal entry of " + w + " " + w + "ᵀ)" + (mixed ? " and the logit scale for a weight" : "")
        + ". The regularization is not"
        + " part of ℓ: the information is the likelihood's.";
    return List.of(exact, scores, identified, warnings);
  }

  private void model() {
    section("The model");
    listing();
    prose("Each row n has ", named("Q"), " factors ", h, ", unobserved and standard normal; given them, its ",
        named("D"), " values ", x, " are normal about ", Expr.add(new Expr.MatMul(w, h), mu), ", with "
        + (lg.spherical() ? "one noise variance for every column (probabilistic PCA)" : "a noise variance of its own"
            + " in each column (Ψ is diagonal)") + (lg.mixed() ? "; the component " + lg.name() + " of the row, one of "
            + lg.size() + " drawn with probabilities φ, picks the loadings, the mean"
            + (lg.noisePerComponent() ? " and the noise" : " (the noise is the same in every component)")
            + ": a mixture of factor analysers (Ghahramani & Hinton 1996). The joint density of a row, its component"
            + " and its factors is" : ". The joint density of a row and its factors is"));
    if (lg.mixed()) {
      equation("joint", new Expr.Relation(Op.EQ, Expr.mul(Expr.mul(new Expr.Density(P, zk(), List.of()),
          new Expr.Density(P, h, List.of())), new Expr.Density(P, x, List.of(h, zk()))),
          Expr.mul(Expr.mul(weights.density(), latent.density()), child.density())));
      return;
    }
    equation("joint", new Expr.Relation(Op.EQ, Expr.mul(new Expr.Density(P, h, List.of()),
        new Expr.Density(P, x, List.of(h))), Expr.mul(latent.density(), child.density())));
  }

  /** z = k, the condition of a mixture's component. */
  private Expr zk() {
    return new Expr.Relation(Op.EQ, new Expr.Sym(new Symbol(lg.name(), Symbol.Kind.DATA, Shape.SCALAR, true, false)),
        new Expr.Sym(new Symbol("k", Symbol.Kind.COMPONENT, Shape.SCALAR, false, true)));
  }

  /** φ_k p(x_n | z_n = k): the row's joint density with its component, in a mixture. */
  private Expr joint() {
    return Expr.mul(weights.density(), new Expr.Density(P, x, given()));
  }

  /** What a row's density is given: z = k in a mixture, nothing for one factor analyser. */
  private List<Expr> given() {
    return lg.mixed() ? List.of(zk()) : List.of();
  }

  private void likelihood() {
    section("The likelihood");
    Expr identity = new Expr.Identity(q);
    prose("Integrating the factors out, each row is normal with a covariance of rank-", named("Q"),
        " structure plus the noise" + (lg.mixed() ? ", given its component:" : ":"));
    equation("fa-marginal", new Expr.Relation(Op.EQ, new Expr.Density(P, x, given()),
        new Expr.Density(NORMAL, x, List.of(mu, Expr.add(new Expr.MatMul(w, wt), psiMatrix)))));
    prose("The ", named("D"), "×", named("D"), " covariance is never formed. With ",
        new Expr.Relation(Op.EQ, e, Expr.sub(x, mu)), ", ",
        new Expr.Relation(Op.EQ, b, new Expr.MatMul(new Expr.MatMul(wt, psiInv), e)), ", ",
        new Expr.Relation(Op.EQ, m, new Expr.MatMul(g, b)), " and the ", named("Q"), "×", named("Q"), " matrix");
    equation("fa-posterior-cov", new Expr.Relation(Op.EQ, g,
        new Expr.Inv(Expr.add(identity, new Expr.MatMul(new Expr.MatMul(wt, psiInv), w)))));
    prose("the Woodbury identity, ", new Expr.Relation(Op.EQ, new Expr.Inv(Expr.add(new Expr.MatMul(w, wt), psiMatrix)),
        Expr.sub(psiInv, new Expr.MatMul(new Expr.MatMul(new Expr.MatMul(new Expr.MatMul(psiInv, w), g), wt),
            psiInv))), ", and the matrix determinant lemma, ",
        new Expr.Relation(Op.EQ, new Expr.LogDet(Expr.add(new Expr.MatMul(w, wt), psiMatrix)),
            Expr.sub(new Expr.LogDet(psiMatrix), new Expr.LogDet(g))),
        ", give each row's log-density in O(DQ) operations:");
    equation("fa-loglik", new Expr.Relation(Op.EQ, Expr.log(new Expr.Density(P, x, given())),
        Expr.mul(-0.5, Expr.add(Expr.sub(Expr.add(Expr.mul(Expr.size(d), Expr.log(Expr.num(2 * java.lang.Math.PI))),
            new Expr.LogDet(psiMatrix)), new Expr.LogDet(g)), Expr.add(new Expr.QuadInv(psiMatrix,
            Expr.sub(e, new Expr.MatMul(w, m))), new Expr.Dot(m, m))))));
    prose("The quadratic form is ", Expr.sub(new Expr.QuadInv(psiMatrix, e), new Expr.Dot(b, new Expr.MatMul(g, b))),
        " rearranged about the residual: that difference cancels two large numbers when a column's variance is far"
        + " above its noise, and the residual's form does not.");
    if (lg.mixed()) {
      prose("With the component's probability, each row's joint log-density with its component, which the E-step"
          + " computes for every k, and the log-likelihood, a log-sum-exp over the components:");
      equation("mfa-joint", new Expr.Relation(Op.EQ, Expr.log(joint()), Expr.add(Expr.log(weights.density()),
          Expr.log(new Expr.Density(P, x, given())))));
      equation("loglik", new Expr.Relation(Op.EQ, ell(theta), new Expr.RowSum(Expr.log(new Expr.SumK(joint())),
          false)));
      return;
    }
    equation("loglik", new Expr.Relation(Op.EQ, ell(theta), new Expr.RowSum(Expr.log(new Expr.Density(P, x,
        List.of())), false)));
  }

  private void eStep() {
    section("E-step");
    List<Expr> rowGiven = lg.mixed() ? List.of(x, zk()) : List.of(x);
    if (lg.mixed()) {
      Expr r = new Expr.Sym(new Symbol("r", Symbol.Kind.RESPONSIBILITY, Shape.SCALAR, true, true));
      prose("The posterior composes: first the component, by Bayes' rule over its ", lg.size(), " values with the"
          + " factors integrated out (the joint density above), in log space by the log-sum-exp;");
      equation("mfa-responsibility", new Expr.Relation(Op.EQ, r, Expr.div(joint(), new Expr.SumK(joint(), "j"))));
      prose("then, given the component, the factors, as in one factor analysis with component k's parameters.");
    }
    prose("The factors enter the row's mean linearly and are normal, so their posterior is normal too"
        + " (Bishop §2.3.3). Its covariance is ", g, ", the same for every row, and its mean is (solved with the"
        + " Cholesky factor of ", new Expr.Inv(g), ", not multiplied by ", g, ")");
    equation("fa-posterior-mean", new Expr.Relation(Op.EQ, new Expr.Density(EXPECT, h, rowGiven),
        new Expr.Relation(Op.EQ, m, new Expr.MatMul(g, b))));
    prose("The M-step needs the factors' first and second moments under it:");
    equation("fa-second-moment", new Expr.Relation(Op.EQ, new Expr.Density(EXPECT, Expr.outer(h, h), rowGiven),
        Expr.add(g, Expr.outer(m, m))));
    if (lg.mixed()) {
      prose("Q is the expected complete-data log-likelihood, each component's term weighted by its responsibility:"
          + " the component's probability and the data's terms involve the parameters:");
      equation("fa-q", new Expr.Relation(Op.EQ, new Expr.Density(Q, theta, List.of()), Expr.add(Expr.add(
          new Expr.SumK(new Expr.RowSum(Expr.log(weights.density()), true)),
          new Expr.SumK(new Expr.RowSum(new Expr.Density(EXPECT, Expr.log(child.density()), rowGiven), true))),
          named("const"))));
      return;
    }
    prose("Q is the expected complete-data log-likelihood; only the data's term involves the parameters:");
    equation("fa-q", new Expr.Relation(Op.EQ, new Expr.Density(Q, theta, List.of()), Expr.add(
        new Expr.RowSum(new Expr.Density(EXPECT, Expr.log(child.density()), List.of(x)), false), named("const"))));
  }

  private void mStep() {
    section("M-step");
    Expr y = Expr.sub(Expr.sub(x, mu), new Expr.MatMul(w, h));
    Expr wg = new Expr.MatMul(w, g);
    Expr ones = new Expr.Sym(new Symbol("1_" + q, Symbol.Kind.NAME, Shape.vector(q), false, false));
    // In a mixture, component k's regression: its rows weighted by r_nk, N_k of them, given z = k.
    boolean mixed = lg.mixed();
    Expr rows = mixed ? count() : n;
    List<Expr> rowGiven = mixed ? List.of(x, zk()) : List.of(x);
    prose("Q is the log-likelihood of a" + (mixed ? " component's" : "") + " least-squares regression of ", x, " on ", h, " and a constant, with"
        + " coefficients ", w, " and ", mu, ", and the factors' expected moments in place of their unknown values."
        + " Its gradients in ", w, " and ", mu, " vanish at the normal equations, which centring at the means of"
        + " the rows and of the factors solves; then the noise is the mean squared residual of each column. emc"
        + " regresses the current fit's residual ", y, " in place of ", x, ": the coefficients are then the changes"
        + " in ", w, " and ", mu, ", and a residual is of the noise's size where ", e, " may be orders of magnitude"
        + " larger, so that the noise's update does not cancel large numbers. With the statistics of the next"
        + " section, ", new Expr.Relation(Op.EQ, new Expr.RowSum(new Expr.Density(EXPECT, Expr.outer(y, h),
            rowGiven), mixed), Expr.sub(new Expr.Sym(lg.srh()), Expr.mul(rows, wg))), " and ",
        new Expr.Relation(Op.EQ, new Expr.RowSum(new Expr.Density(EXPECT, new Expr.Hadamard(y, y), rowGiven), mixed),
            Expr.add(new Expr.Sym(lg.srr()), Expr.mul(rows, new Expr.MatMul(new Expr.Hadamard(wg, w), ones)))), ":");
    for (EmPlan.Update u : child.updates()) {
      equation("update:" + u.param(), new Expr.Relation(Op.ASSIGN, u.written(), u.value()));
    }
    if (lg.mixed()) {
      prose("Each component's regression weighs its rows by their responsibilities, so ", count(), " = Σ_n r_nk"
          + " of them" + (lg.noisePerComponent() ? "" : "; the noise, the same in every component, pools the"
          + " components' squared residuals over all the rows") + ". The components' probabilities are "
          + weights.family() + "'s update:");
      for (EmPlan.Update u : weights.updates()) {
        equation("update:" + u.param(), new Expr.Relation(Op.ASSIGN, u.written(), u.value()));
      }
    }
    prose(named("ΔW"), " is the change in the loadings that the first update adds, and ", ones, " the vector of ",
        named("Q"), " ones: ", new Expr.MatMul(new Expr.Sym(new Symbol("M", Symbol.Kind.NAME, Shape.matrix(d, q), false, false)), ones), " adds up each row of a matrix M, and ",
        new Expr.MatMul(new Expr.Hadamard(wg, w), ones), " is the diagonal of ", new Expr.MatMul(wg, wt),
        ". emc's regularization (--reg R, with R > 0) is ", new Expr.Sym(lg.regularization()),
        ", R times each column's variance, added to the residual: it keeps every noise variance above 0 (the"
        + " Heywood case of factor analysis), and the objective is the log-likelihood plus ", child.logPenalty(), ".");
  }

  private static Expr count() {
    return new Expr.Sym(new Symbol("N", Symbol.Kind.COUNT, Shape.SCALAR, false, true));
  }

  private void statistics() {
    section("Statistics");
    prose("One pass over the rows gives them all, from each row's ", m, " and its residual at them, ",
        Expr.sub(e, new Expr.MatMul(w, m)), ":");
    for (Statistic st : child.statistics()) {
      equation(st == child.statistics().get(0) ? "fa-statistics" : null, new Expr.Relation(Op.EQ,
          new Expr.Sym(st.symbol()), new Expr.RowSum(st.perRow(), lg.mixed())));
    }
    if (lg.spherical()) {
      prose("The fit starts at probabilistic PCA's maximum (Tipping & Bishop 1999): the covariance matrix's ",
          named("Q"), " leading eigenvectors scaled by the square roots of their eigenvalues above the mean of the"
          + " others, which is the noise variance.");
    } else {
      prose("The fit starts from the data's principal components: on the correlation matrix, the ", named("Q"),
          " leading eigenvectors scaled by the square roots of their eigenvalues above the mean of the others,"
          + " back on each column's scale; the noise is what remains of each column's variance.");
    }
  }
}
