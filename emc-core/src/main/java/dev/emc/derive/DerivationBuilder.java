package dev.emc.derive;

import dev.emc.analysis.EmPlan;
import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.derive.Derivation.Block;
import dev.emc.derive.Derivation.Equation;
import dev.emc.derive.Derivation.Listing;
import dev.emc.derive.Derivation.Math;
import dev.emc.derive.Derivation.Part;
import dev.emc.derive.Derivation.Prose;
import dev.emc.derive.Derivation.Section;
import dev.emc.derive.Derivation.Words;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.math.Symbol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A derivation being written, and what every latent structure's document writes it with: the
 * sections and their numbered equations, the notation they share (θ, ℓ, p, 𝔼, 𝒩, Q), what the
 * objective adds to the log-likelihood, and the closing argument that EM never lowers it. One
 * subclass per structure writes its document's sections in their order.
 */
abstract class DerivationBuilder {
  static final Expr.Notation P = new Expr.Notation("p", "p", "<mi>p</mi>");

  static final Expr.Notation EXPECT = new Expr.Notation("E", "\\mathbb{E}", "<mi>𝔼</mi>");

  /** 𝒩, for the normal densities that the sections write out themselves. */
  static final Expr.Notation NORMAL = new Expr.Notation("𝒩", "\\mathcal{N}", "<mi>𝒩</mi>");

  /** Q, the function of θ that the M-step maximizes. */
  static final Expr.Notation Q = new Expr.Notation("Q", "Q", "<mi>Q</mi>");

  final EmPlan plan;
  final Expr theta = named("theta");
  final Expr old = named("theta_old");
  final Expr fresh = named("theta_new");
  final Expr n = new Expr.Sym(new Symbol("N", Symbol.Kind.TOTAL, Shape.SCALAR, false, false));
  /** A quadratic form (x_n − μ_k)ᵀ Σ_k⁻¹ (x_n − μ_k) where the information's scores read it. */
  static final Expr DELTA = named("δ_nk");

  private final List<String> titles = new ArrayList<>();
  private final List<List<Block>> contents = new ArrayList<>();
  private final Map<String, Integer> numbers = new LinkedHashMap<>();
  private List<Block> blocks;
  private int next = 1;

  DerivationBuilder(EmPlan plan) {
    this.plan = plan;
  }

  /** Writes the document's sections, in order. */
  abstract void sections();

  final Derivation build() {
    sections();
    List<Section> sections = new ArrayList<>();
    for (int i = 0; i < titles.size(); i++) {
      sections.add(new Section(titles.get(i), contents.get(i)));
    }
    return new Derivation("EM for model " + plan.model(), sections, numbers);
  }

  // -------------------------------------------------------------- writing

  void section(String title) {
    blocks = new ArrayList<>();
    titles.add(title);
    contents.add(blocks);
  }

  void prose(Object... parts) {
    List<Part> out = new ArrayList<>();
    for (Object p : parts) {
      out.add(p instanceof Expr e ? new Math(e) : p instanceof Part part ? part : new Words((String) p));
    }
    blocks.add(new Prose(out));
  }

  void equation(String key, Expr math) {
    int number = next++;
    if (key != null) {
      numbers.put(key, number);
    }
    blocks.add(new Equation(key, number, math));
  }

  /** The number of the equation written under {@code key}. */
  int number(String key) {
    return numbers.get(key);
  }

  /** A block of another kind: a table. */
  void block(Block block) {
    blocks.add(block);
  }

  /** The model's statements, as written. */
  void listing() {
    blocks.add(new Listing(String.join("\n", plan.statements())));
  }

  // -------------------------------------------------------------- standard errors

  /** What {@code emc fit --se} computes for this model, and from which formulas; or why it cannot. */
  void information() {
    section("The information matrix (emc fit --se)");
    dev.emc.analysis.Scores scores;
    // A plain Gaussian mixture's information has a closed form, which emc takes where the scores are not written.
    var gaussian = dev.emc.analysis.GaussianMixture.of(plan)
        .filter(g -> dev.emc.analysis.GaussianMixture.tooLarge(g) == null);
    // And so has a plain t mixture's with full scale matrices.
    var student = dev.emc.analysis.TMixture.of(plan).filter(g -> dev.emc.analysis.TMixture.tooLarge(g) == null);
    try {
      scores = dev.emc.analysis.Scores.of(plan);
    } catch (dev.emc.math.Derivative.Unsupported e) {
      if (gaussian.isEmpty() && student.isEmpty()) {
        String why = dev.emc.analysis.GaussianMixture.of(plan).map(dev.emc.analysis.GaussianMixture::tooLarge)
            .or(() -> dev.emc.analysis.TMixture.of(plan).map(dev.emc.analysis.TMixture::tooLarge))
            .orElse(e.getMessage());
        prose("emc fit --se: " + why + ". " + dev.emc.analysis.Scores.COVERS + ".");
        return;
      }
      scores = null;
    }
    boolean chain = plan.latent().bySequence();
    if (chain) {
      prose("The standard errors are the square roots of the diagonal of I⁻¹, where I is the observed"
          + " information: minus the Hessian of the observed-data log-likelihood ℓ(θ) = Σ_sequences log p(x_1, …,"
          + " x_N) at the fit. The rows of a sequence are not independent, so Louis' identity row by row does"
          + " not apply (and the empirical information, the outer products of the sequences' scores, is only"
          + " an approximation, which emc does not use). emc takes I exactly by carrying the forward"
          + " recursion to first and second derivatives (Lystig and Hughes 2002): with u_1(k) = pi0_k,"
          + " u_n(k) = Σ_j α_n−1(j) A_jk and α_n(k) = u_n(k) b_n(k), b_n(k) = p(x_n | z_n = k),"
          + " ∂α_n(k) = b_n(k) [∂u_n(k) + u_n(k) s_nk] and ∂²α_n(k) = b_n(k) [∂²u_n(k) + ∂u_n(k) s_nkᵀ +"
          + " s_nk ∂u_n(k)ᵀ + u_n(k) (H_nk + s_nk s_nkᵀ)], where ∂u carries ∂A_jk = 1 and ∂pi0_k = 1 at their"
          + " own coordinates; then ∂ℓ = Σ_k ∂α_N(k) / L and ∂²ℓ = Σ_k ∂²α_N(k) / L − ∂ℓ ∂ℓᵀ, L = Σ_k α_N(k)."
          + " Each step divides α, ∂α and ∂²α by Σ_k α_n(k), which leaves these ratios as they are.");
      prose("emc writes s_nk = ∂/∂θ log p(x_n | z_n = k) and H_nk = ∂²/∂θ∂θᵀ log p(x_n | z_n = k), the"
          + " emission density's, by differentiating it as the E-step evaluates it, one number of θ at a time."
          + " The score of state k" + sizes() + ":");
    } else {
      prose("The standard errors are the square roots of the diagonal of I⁻¹, where I is the observed"
          + " information: minus the Hessian of the observed-data log-likelihood ℓ(θ) = Σ_n log p(x_n) at the"
          + " fit. For a finite mixture Louis' identity gives it exactly from the complete-data score"
          + " s_nk = ∂/∂θ log p(x_n, z = k) and Hessian H_nk = ∂²/∂θ∂θᵀ log p(x_n, z = k), log φ_k included:"
          + " I = Σ_n [Σ_k r_nk (−H_nk) − Σ_k r_nk s_nk s_nkᵀ + s_n s_nᵀ], with s_n = Σ_k r_nk s_nk, the score"
          + " of row n. (Σ_n s_n s_nᵀ alone, the empirical information, is a cheaper approximation that emc"
          + " does not use.) One pass over the rows adds it up at the fitted parameters.");
      integratedOut();
      if (scores != null) {
        prose("emc writes s_nk and H_nk by differentiating log p(x_n, z = k), as the E-step evaluates it, one"
            + " number of θ at a time; a covariance's log-determinant, its quadratic form vᵀΣ⁻¹v, w = Σ⁻¹v and"
            + " the entries of Σ⁻¹ are differentiated by the rules of matrix calculus. The score of component k"
            + sizes() + ":");
      }
    }
    if (scores != null) {
      listScores(scores);
    }
    parametrization(chain, scores == null ? List.of() : scores.centred());
    boolean written = scores != null;
    gaussian.ifPresent(g -> prose(closedForm(g, written)));
    student.ifPresent(g -> prose(closedForm(g, written)));
  }

  /** The paragraph on a plain t mixture's closed-form information, in the parameters' names. */
  private static String closedForm(dev.emc.analysis.TMixture.Plain p, boolean written) {
    String mu = p.mean();
    String sigma = p.covariance() + (p.tied() ? "" : "_k");
    String nu = p.nu() == null ? "ν" : p.nu() + (p.nuPerComponent() ? "_k" : "");
    String nus = p.nu() == null ? "" : p.nuPerComponent() ? "K + " : "1 + ";
    String how = "I is the same, exact, in closed form: with e = x_n − " + mu + "_k, P = " + sigma + "⁻¹, α = P e,"
        + " δ = eᵀα and u = (ν + D)/(ν + δ) (E[w] given the row and k), log t_ν = c(ν) − ½ log|" + sigma + "| −"
        + " ((ν + D)/2) log(1 + δ/ν) has ∂/∂" + mu + "_k = u α, ∂/∂σ_ij = c_ij (u α_i α_j − P_ij) (c_ij = 1 off the"
        + " diagonal, ½ on it)" + (p.nu() == null ? "" : " and ∂/∂" + nu + " = ½ [ψ((ν + D)/2) − ψ(ν/2) − log(1 +"
        + " δ/ν) + (δ − D)/(ν + δ)]") + "; its Hessian over " + mu + "_k and " + sigma + " is a normal's"
        + " (as for a Gaussian mixture, a factor model's with C = " + sigma + ") with the terms that come from δ"
        + " scaled by u, plus 2u²/(ν + D) v vᵀ, v = (α; c_ij α_i α_j)"
        + (p.nu() == null ? "" : ", and in " + nu + " it has (δ − D)/(ν + δ)² v with them and ¼ [ψ′((ν + D)/2) −"
        + " ψ′(ν/2)] + ½ [δ/(ν(ν + δ)) − (δ − D)/(ν + δ)²] with itself") + ". Summed over the rows, the normal's"
        + " terms read them only through Σ_n r_nk u, Σ_n r_nk u α and Σ_n r_nk u α αᵀ; the rest and the outer"
        + " products of Louis' identity are added row by row: O(N E²) for E = K − 1 + " + nus + "K D + "
        + (p.tied() ? "" : "K ") + "D(D + 1)/2 free numbers, the same coordinates and map back as above.";
    return pastGenerated(written, "a full scale matrix from D = 5 on", how);
  }

  /** The paragraph on a plain Gaussian mixture's closed-form information, in the parameters' names. */
  private static String closedForm(dev.emc.analysis.GaussianMixture.Plain p, boolean written) {
    String phi = p.weights();
    String mu = p.mean();
    String sigma = p.covariance() + (p.tied() ? "" : "_k");
    String how = "I is the same, exact, in closed form: with e = x_n − " + mu + "_k, P = " + sigma + "⁻¹ and α = P e,"
        + " a number θ_a that moves " + mu + "_k by m_a and " + sigma + " by C_a (E_ij + E_ji for an entry σ_ij"
        + " off the diagonal, E_ii on it) has ∂_a log N = m_aᵀα − ½ tr(P C_a) + ½ αᵀC_aα and ∂_ab log N ="
        + " ½ tr(P C_a P C_b) − m_aᵀP m_b − m_aᵀP C_b α − m_bᵀP C_a α − αᵀC_a P C_b α, as for a factor"
        + " model with C = " + sigma + ". Summed over the rows, Σ_n r_nk H_nk reads them only through Σ_n r_nk,"
        + " Σ_n r_nk α and Σ_n r_nk α αᵀ, and Louis' identity adds the outer products of the scores row by"
        + " row: O(N E²) for E = K − 1 + K D + " + (p.tied() ? "" : "K ") + "D(D + 1)/2 free numbers ("
        + phi + "'s first K − 1, each " + mu + "_k, " + (p.tied() ? "the shared " : "each ") + p.covariance()
        + (p.tied() ? "" : "_k") + "'s distinct entries), the same coordinates and map back as above.";
    return pastGenerated(written, "a full covariance from D = 7 on", how);
  }

  /**
   * A closed form's paragraph, introduced by where it takes over: past what the generated scores
   * hold ({@code from}), or at these sizes when they were not written at all.
   */
  private static String pastGenerated(boolean written, String from, String how) {
    return written
        ? "Where writing H_nk out entry by entry would pass what the generated code holds (" + from + "), " + how
        : "emc does not write s_nk and H_nk out entry by entry at these sizes (they would pass what the generated"
            + " code holds); " + how;
  }

  /** Each coordinate's score, as {@code emc fit --se} writes it for component k. */
  private void listScores(dev.emc.analysis.Scores scores) {
    // A quadratic form the scores read itself (a t's log(ν/2 + δ/2)) prints as δ_nk, defined once.
    List<Symbol> forms = scores.quadraticFormsRead();
    for (int a = 0; a < scores.coordinates().size(); a++) {
      Expr score = scores.score().get(a);
      if (forms.size() == 1) {
        score = dev.emc.math.Simplify.substitute(score, new Expr.Sym(forms.get(0)), DELTA);
      }
      prose("∂/∂", scores.coordinates().get(a).leaf(), ": ", score);
    }
    if (forms.size() == 1) {
      String form = forms.get(0).name();
      prose("where ", DELTA, " = " + form.substring(1, form.length() - 1) + ", the quadratic form, which the"
          + " code computes once per row and component.");
    }
    if (!scores.softmaxLeaves().isEmpty()) {
      prose("The weights' log-normalizer log Σ_j exp η_j reads every component's coefficients: its"
          + " derivative by η_j is the softmax π_j = exp(η_j) / Σ_i exp(η_i), and π_j's is π_j ([i = j] − π_i)"
          + " by η_i, so the score of component k by G_j is ([k = j] − π_j) u_n. The code takes π_j with the"
          + " largest η subtracted, so that no exp overflows.");
    }
    if (!plan.priors().isEmpty()) {
      prose("With a prior the fit is the posterior's mode (MAP), and the standard errors are those of the"
          + " normal approximation to the posterior there (Laplace): I is minus the Hessian of the log"
          + " posterior, the observed information above less the Hessian of the log prior, ∂²/∂θ∂θᵀ log p(θ),"
          + " which emc writes by differentiating each prior's log-density in the same coordinates ("
          + String.join(" ", plan.priors().stream().map(EmPlan.PriorPlan::statement).toList()) + ").");
    }
  }

  /** How the information is parametrized, inverted and mapped back, and what a warning says. */
  private void parametrization(boolean chain, List<String> centredParams) {
    String centred = centredParams.isEmpty() ? ""
        : " The softmax does not change when every component's " + String.join(" and ", centredParams)
            + " moves by the same amount, so only K − 1 components' values are identified: each moves"
            + " against the last component's, and the fit keeps them centred (Σ_k g_k = 0), to which the"
            + " covariance is mapped back.";
    prose("The parametrization: a simplex's first K − 1 entries are free and its last is 1 minus their sum"
        + (chain ? " (each row of A is a simplex)" : "") + ";"
        + " a covariance's free numbers are its distinct entries σ_ij, i ≤ j, each moving σ_ji with it; every"
        + " other number is free as stored. I is inverted there, and the covariance of the estimates is"
        + " mapped back (the map is linear, so exactly) to every number of the model's own parameters: the"
        + " last simplex entry's variance is that of minus the sum of the others. The 95% intervals are Wald"
        + " intervals, on the log scale for a positive parameter and on the logit scale for a probability"
        + " (the delta method maps the standard error there)." + centred + " A number that I does not pin down"
        + " given the others (a pivot of its Cholesky factor below 10⁻¹⁰ of its diagonal: an empty component, a"
        + " parameter not identified) is named in a warning and gets no standard error; below 10⁻⁶ it is"
        + " named as ill-conditioned." + (plan.priors().isEmpty()
            ? " The regularization and any prior are not part of ℓ: the information is the likelihood's."
            : " A regularization, unlike a prior, is not part of I."));
  }

  /** What a latent integrated out given the component makes of the scores, in words; nothing by default. */
  void integratedOut() {}

  /** ", written for D = 2", the sizes other than the components' that the scores are written out for. */
  private String sizes() {
    List<String> each = new ArrayList<>();
    plan.sizes().forEach((name, value) -> {
      if (!name.equals(plan.latent().size())) {
        each.add(name + " = " + value);
      }
    });
    return each.isEmpty() ? "" : ", written out for " + String.join(", ", each)
        + " (emc compile and emc fit write it for the data's sizes)";
  }

  // -------------------------------------------------------------- the closing section

  void monotonicity() {
    section("Why EM never lowers the objective");
    Expr penalty = penalty();
    prose("After the E-step the bound equals the log-likelihood at ", old, ". The M-step raises Q, and"
        + " with it the bound (they differ by a term without ", theta, "). Since the bound is below the"
        + " log-likelihood everywhere, the log-likelihood at ", fresh, " is at least the bound at ",
        fresh, ", which is at least the bound at ", old, ", which is the log-likelihood at ", old, "."
        + (penalty == null ? "" : " With the regularization the same argument holds for the"
            + " objective that emc climbs,"));
    if (penalty != null) {
      equation("objective", Expr.add(ell(theta), penalty));
    }
    List<Object> stepped = new ArrayList<>();
    for (EmPlan.Update u : plan.updates()) {
      if (u.isStep()) {
        stepped.add(stepped.isEmpty() ? "The update of " : " and of ");
        stepped.add(new Expr.Sym(u.target()));
      }
    }
    if (!stepped.isEmpty()) {
      stepped.add(" is a step toward the maximum of its terms of Q, not the maximum, and a whole step can"
          + " overshoot it and lower Q. Its direction is Newton's on concave terms, an ascent direction,"
          + " so a short enough step along it raises Q, and the argument above needs only that Q rises"
          + " (generalized EM). So when the objective falls after the M-step, emc takes a part t of the"
          + " step, θ_old + t (θ_new − θ_old) with t = ½, ¼, … (up to 2⁻³⁰), and runs the E-step again,"
          + " until it does not.");
      prose(stepped.toArray());
    }
    prose("emc checks this at every iteration and stops with an error if the objective falls by"
        + " more than rounding (10⁻⁹ of its size): a fall would mean a wrong update.");
  }

  // -------------------------------------------------------------- formulas

  /** What the objective adds to the log-likelihood: regularization terms and log priors. */
  Expr penalty() {
    Expr sum = null;
    for (FactorPlan f : plan.factors()) {
      if (f.logPenalty() != null) {
        sum = sum == null ? f.logPenalty() : Expr.add(sum, f.logPenalty());
      }
    }
    for (EmPlan.PriorPlan p : plan.priors()) {
      sum = sum == null ? p.logDensity() : Expr.add(sum, p.logDensity());
    }
    return sum;
  }

  static Expr ell(Expr argument) {
    return new Expr.Density(new Expr.Notation("ℓ", "\\ell", "<mi>ℓ</mi>"), argument, List.of());
  }

  /**
   * The first of {@code candidates} that names nothing of the model (a size, a parameter, a data
   * variable, a latent), for a symbol of the derivation's own: an HMM's scaling constants c_n must
   * not read as a data variable c.
   */
  String own(String... candidates) {
    java.util.Set<String> taken = new java.util.HashSet<>(plan.sizes().keySet());
    plan.params().forEach(p -> taken.add(p.name()));
    plan.data().forEach(d -> taken.add(d.name()));
    plan.latents().forEach(l -> taken.add(l.name()));
    return dev.emc.analysis.CodeNames.firstNotIn(taken, candidates);
  }

  static Expr named(String name) {
    return new Expr.Sym(Symbol.name(name));
  }
}
