package dev.emc.analysis.latent;

import dev.emc.analysis.EmPlan.DataSlot;
import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.analysis.EmPlan.ParamSlot;
import dev.emc.analysis.EmPlan.SettingSlot;
import dev.emc.analysis.EmPlan.Statistic;
import dev.emc.diag.Diagnostics;
import dev.emc.dist.FactorSite;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.math.Simplify;
import dev.emc.math.Symbol;
import dev.emc.semantics.CheckedModel;
import dev.emc.semantics.Stochastic;
import dev.emc.semantics.Term;
import dev.emc.semantics.Variable;
import dev.emc.types.Kind;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A continuous latent vector with a linear-Gaussian child, factor analysis:
 *
 * <pre>
 * h ~ Normal(0, 1);              // h : vector[Q], N(0, I)
 * x ~ Normal(W * h + mu, Psi);   // Psi diagonal (positive[D]), or one variance (PPCA)
 * </pre>
 *
 * <p>The posterior of h given a row is Gaussian, so the E-step is its mean and covariance, and
 * the M-step is the regression of the rows on their expected factors (and a constant): the
 * normal equations with E[h] and E[h hᵀ] in place of h and h hᵀ. This recognizes the structure,
 * refuses what it cannot fit, plans h's own factor and names the E-step's symbols, h's posterior
 * mean m_n and covariance G. x's density, statistics and updates are its family's, Normal's for a
 * mean linear in h, written with those symbols; the code writer of the structure and the
 * derivation read them from the plan.
 *
 * <p>A finite latent above h makes a mixture of factor analysers:
 *
 * <pre>
 * z ~ Categorical(phi);
 * h ~ Normal(0, 1);
 * x ~ Normal(W[z] * h + mu[z], Psi[z]);   // or Psi: one noise for every component
 * </pre>
 *
 * <p>The E-step composes the two: z is enumerated, and given z = k h's posterior is component k's,
 * m_nk and G_k. Normal then plans its statistics per component, and z's statement is planned by
 * its family, Categorical, whose update gives φ. With no z there is one component, and the plan
 * is factor analysis's as it was.
 */
final class LinearGaussianPlanner implements LatentPlanner {
  private static final Expr.Notation NORMAL = new Expr.Notation("𝒩", "\\mathcal{N}", "<mi>𝒩</mi>");
  private static final String EXAMPLE = "`h ~ Normal(0, 1); x ~ Normal(W * h + mu, Psi);`";
  private static final String MIXTURE = "`z ~ Categorical(phi); h ~ Normal(0, 1); x ~ Normal(W[z] * h + mu[z],"
      + " Psi[z]);`";

  /**
   * A continuous vector alone, or with a finite latent independent across rows above it (a
   * mixture of factor analysers). A chain's latent ({@code first(z)}, {@code prev(z)}) is not
   * enumerated row by row, so a chain with a continuous latent is left unclaimed.
   */
  @Override
  public boolean claims(CheckedModel model, List<Variable> latents) {
    long vectors = latents.stream().filter(v -> v.type().kind() == Kind.VECTOR).count();
    List<Variable> finite = latents.stream().filter(v -> v.type().kind() == Kind.CATEGORY).toList();
    return vectors == 1 && (latents.size() == 1 || latents.size() == 2 && finite.size() == 1
        && !MarkovChainPlanner.isChain(model, finite.get(0).name()));
  }

  @Override
  public Optional<Plan> plan(Planning shared) {
    CheckedModel model = shared.model();
    Diagnostics diagnostics = shared.diagnostics();
    Variable h = shared.latents().stream().filter(v -> v.type().kind() == Kind.VECTOR).findFirst().orElseThrow();
    // The finite latent above h, whose value picks the row's factor analyser; null for one.
    Variable z = shared.latents().stream().filter(v -> v.type().kind() == Kind.CATEGORY).findFirst().orElse(null);
    Stochastic prior = null;
    Stochastic child = null;
    Stochastic choice = null;
    for (Stochastic s : model.distributions()) {
      if (s.lhs().equals(h.name())) {
        prior = s;
      } else if (z != null && s.lhs().equals(z.name())) {
        choice = s;
      } else if (child == null) {
        child = s;
      } else {
        diagnostics.error("structure", s.span(), "factor analysis models one data vector given the factors, as in "
            + EXAMPLE + "; a second distribution of data is not supported yet");
        return Optional.empty();
      }
    }
    if (!model.priors().isEmpty()) {
      diagnostics.error("unsupported", model.priors().get(0).span(), "priors on the parameters of factor"
          + " analysis are not supported yet");
      return Optional.empty();
    }
    if (child == null) {
      diagnostics.error("structure", h.span(), "the continuous latent " + h.name() + " is the mean of no data;"
          + " factor analysis is written " + EXAMPLE);
      return Optional.empty();
    }
    if (!standardNormal(prior)) {
      diagnostics.error("structure", prior.span(), "a continuous latent is standard normal, `" + h.name()
          + " ~ Normal(0, 1);` (N(0, I)): the loadings and the mean give the data their scale and location");
      return Optional.empty();
    }
    // Without z, one component: no parameter has a value per component of a continuous latent.
    int components = z == null ? 1 : shared.value(z.type().dim());
    Map<String, ParamSlot> params = shared.params(components);
    Optional<Linear> linear = linear(shared, child, h.name(), z == null ? null : z.name(), params);
    if (linear.isEmpty()) {
      return Optional.empty();
    }
    Linear l = linear.get();
    String observed = child.lhs();
    DataSlot x = shared.data().stream().filter(slot -> slot.name().equals(observed)).findFirst().orElseThrow();
    if (shared.data().size() != 1) {
      diagnostics.error("structure", child.span(), "factor analysis models one data vector given the factors;"
          + " covariates are not supported with it yet");
      return Optional.empty();
    }
    Shape q = Shape.vector(h.type().dim());
    // h_n is unobserved, but a value per row like the data: the derivation writes it as it writes x_n.
    Symbol latent = new Symbol(h.name(), Symbol.Kind.DATA, q, true, false);
    // The E-step's: h's posterior mean m_n, a value per row as the row's data is, and covariance G;
    // in a mixture, given z = k: m_nk and G_k.
    boolean mixed = z != null;
    FactorSite.Moments moments = new FactorSite.Moments(
        new Expr.Sym(new Symbol("m", mixed ? Symbol.Kind.RESPONSIBILITY : Symbol.Kind.DATA, q, true, mixed)),
        new Expr.Sym(new Symbol(mixed ? "G_k" : "G", Symbol.Kind.NAME, Shape.matrix(q.dim()), false, false)));
    Optional<Planning.FamilyFactor> family = shared.family(params, child, latent, moments);
    if (family.isEmpty()) {
      return Optional.empty();
    }
    FactorPlan data = family.get().factor();
    // Ψ is the noise here, and its regularization keeps it above 0 (the Heywood case).
    List<SettingSlot> settings = family.get().settings().stream()
        .map(s -> new SettingSlot(s.symbol(), s.data(), "noise regularization of " + s.data())).toList();
    Symbol reg = settings.stream().map(SettingSlot::symbol).findFirst().orElseThrow(() -> new IllegalStateException(
        data.family() + " declares no regularization for `" + data.statement() + "`"));
    LinearGaussian.Mixture mixture = null;
    FactorPlan weights = null;
    if (z != null) {
      Optional<FactorPlan> chosen = choice(shared, z, choice, params);
      if (chosen.isEmpty()) {
        return Optional.empty();
      }
      weights = chosen.get();
      ParamSlot phi = params.get(((Expr.Sym) weights.args().get(0)).symbol().name());
      mixture = new LinearGaussian.Mixture(z.name(), z.type().dim().toString(), components, phi.symbol(),
          !l.noise.perComponent());
    }
    LinearGaussian lg = new LinearGaussian(latent, x.symbol(), l.loadings.symbol(), l.mean.symbol(),
        l.noise.symbol(), reg, stat(data, "S_r"), stat(data, "S_rr"), stat(data, "S_h"), stat(data, "S_hh"),
        stat(data, "S_rh"), mixture);
    // The finite latent's own statement first, as a mixture's plan has it: its weights' update is
    // its family's (φ_k = N_k / N for a Categorical).
    List<FactorPlan> factors = weights == null ? List.of(latentFactor(shared, prior, lg), data)
        : List.of(weights, latentFactor(shared, prior, lg), data);
    String copies = z == null ? "1" : ParamSlot.size(z.type().dim());
    return Optional.of(new Plan(lg, counted(params, l, x.width(), components, ParamSlot.size(x.type().dim()), copies),
        settings, factors, List.of()));
  }

  /**
   * z ~ Categorical(φ), planned by its family: the component's prior probability, whose log the
   * E-step adds to each component's log-density; empty after a located error.
   */
  private static Optional<FactorPlan> choice(Planning shared, Variable z, Stochastic choice,
      Map<String, ParamSlot> params) {
    String example = "`" + z.name() + " ~ Categorical(phi);`";
    if (choice == null) {
      shared.diagnostics().error("structure", z.span(), "the finite latent " + z.name() + " has no distribution;"
          + " a mixture of factor analysers picks each row's component with " + example);
      return Optional.empty();
    }
    if (!choice.family().name().equals("Categorical") || choice.args().size() != 1
        || !(choice.args().get(0) instanceof Term.VarRef r) || !r.indices().isEmpty()
        || !params.containsKey(r.name())) {
      shared.diagnostics().error("structure", choice.span(), "cannot fit `" + shared.text(choice) + "` with factors:"
          + " a mixture of factor analysers picks each row's component with " + example + ", phi a parameter");
      return Optional.empty();
    }
    return shared.families(null, params, List.of(choice)).map(p -> p.factors().get(0));
  }

  /** h ~ N(0, I), which has nothing to fit. */
  private static FactorPlan latentFactor(Planning shared, Stochastic prior, LinearGaussian lg) {
    Shape q = lg.latent().shape();
    Expr hn = new Expr.Sym(lg.latent());
    Expr zero = new Expr.Sym(new Symbol("0", Symbol.Kind.NAME, q, false, false));
    Expr prior0 = new Expr.Density(NORMAL, hn, List.of(zero, new Expr.Identity(q.dim())));
    Expr priorLog = Expr.mul(-0.5, Expr.add(Expr.mul(Expr.size(q.dim()), Expr.log(Expr.num(2 * Math.PI))),
        new Expr.Dot(hn, hn)));
    return new FactorPlan(shared.text(prior), prior.lhs(), "Normal", prior.signature().label(), false, true,
        prior0, Simplify.of(priorLog), List.of(), List.of(), null, List.of(), null,
        List.of(new Expr.Fill(Expr.num(0), q.dim()), new Expr.Fill(Expr.num(1), q.dim())));
  }

  /**
   * One of the statistics Normal declares for a mean linear in h: the code writer of factor analysis
   * reads each by what it is.
   */
  private static Symbol stat(FactorPlan data, String name) {
    return data.statistics().stream().map(Statistic::symbol).filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException(data.family() + " declares no " + name + " for `"
            + data.statement() + "`"));
  }

  /**
   * The parameters, with as many of W's numbers free as a full covariance leaves room for: W, μ
   * and Ψ together are never more free numbers than a mean and a full covariance, D(D + 3)/2. Past
   * that (for diagonal Ψ, the Ledermann bound (D − Q)² &lt; D + Q) the model is just a full
   * covariance, and BIC counts it as one.
   */
  private static List<ParamSlot> counted(Map<String, ParamSlot> params, Linear l, int d, int components,
      String dCount, String copies) {
    // In a mixture, each component's: its W_k and μ_k, and its Ψ_k or the shared Ψ.
    int noise = l.noise.perComponent() ? l.noise.free() / components : l.noise.free();
    int excess = (l.loadings.free() + l.mean.free()) / components + noise - d * (d + 3) / 2;
    ParamSlot w = l.loadings;
    // The same in the sizes' names, for any of their values.
    String perCopy = copies.equals("1") ? "" : ") / " + copies;
    String noiseCount = l.noise.perComponent() && !perCopy.isEmpty() ? "(" + l.noise.count() + perCopy : l.noise.count();
    String excessCount = (perCopy.isEmpty() ? "" : "(") + l.loadings.count() + " + " + l.mean.count() + perCopy
        + " + " + noiseCount + " - " + dCount + " * (" + dCount + " + 3) / 2";
    String count = w.count() + " - " + (perCopy.isEmpty() ? "" : copies + " * ") + "max(0, " + excessCount + ")";
    return params.values().stream().map(p -> !p.name().equals(w.name()) ? p
        : new ParamSlot(w.name(), w.type(), w.symbol(), w.perComponent(), w.elements(),
            excess <= 0 ? w.free() : w.free() - excess * components, count)).toList();
  }

  /** {@code h ~ Normal(0, 1)}: a mean of 0 and a variance (or covariance) of 1. */
  private static boolean standardNormal(Stochastic s) {
    return s.family().name().equals("Normal") && s.args().size() == 2 && number(s.args().get(0), 0)
        && number(s.args().get(1), 1);
  }

  private static boolean number(Term t, double v) {
    return t instanceof Term.Number n && n.value() == v || t instanceof Term.ConstRef c && c.value() == v;
  }

  /** The loadings, mean and noise of {@code x ~ Normal(W * h + mu, Psi)}, each a parameter of its own. */
  private record Linear(ParamSlot loadings, ParamSlot mean, ParamSlot noise) {}

  private static Optional<Linear> linear(Planning shared, Stochastic s, String h, String z,
      Map<String, ParamSlot> params) {
    String shape = z == null ? "factor analysis is written " + EXAMPLE + ", with W, mu and Psi parameters shared by"
        + " every row" : "a mixture of factor analysers is written " + MIXTURE + ", with W and mu of each"
        + " component, and Psi of each (Psi[" + z + "]) or one for all";
    if (!s.family().name().equals("Normal") || s.args().size() != 2
        || !(s.args().get(0) instanceof Term.Arith sum) || !sum.isSum()) {
      shared.diagnostics().error("structure", s.span(), "cannot fit `" + shared.text(s) + "`: " + shape);
      return Optional.empty();
    }
    Term product = sum.left() instanceof Term.Arith a && a.isProduct() ? sum.left() : sum.right();
    Term offset = product == sum.left() ? sum.right() : sum.left();
    ParamSlot w = product instanceof Term.Arith a && a.isProduct() && a.right() instanceof Term.VarRef r
        && r.name().equals(h) && r.indices().isEmpty() ? param(a.left(), params, z) : null;
    ParamSlot mu = param(offset, params, z);
    ParamSlot psi = param(s.args().get(1), params, z);
    if (w == null || mu == null || psi == null) {
      shared.diagnostics().error("structure", s.span(), "cannot fit `" + shared.text(s) + "`: " + shape);
      return Optional.empty();
    }
    if (z != null && !(w.perComponent() && mu.perComponent())) {
      // W shared with μ per component is a Gaussian mixture with one low-rank covariance: a model of
      // its own, whose M-step couples the components' regressions; not this one's.
      Term shared1 = w.perComponent() ? offset : ((Term.Arith) product).left();
      shared.diagnostics().error("unsupported", shared1.span(), "cannot fit `" + shared.text(s) + "`: in a mixture"
          + " of factor analysers each component has loadings and a mean of its own, W[" + z + "] and mu[" + z
          + "]; one shared by all components is not supported yet");
      return Optional.empty();
    }
    if (psi.symbol().shape().isMatrix()) {
      shared.diagnostics().error("structure", s.args().get(1).span(), "factor analysis needs noise of its own in each"
          + " column: declare `param " + psi.name() + (psi.perComponent() ? "[" + z + "]" : "") + " : positive[D];` (or `positive` for probabilistic PCA);"
          + " with a full covariance the factors explain nothing");
      return Optional.empty();
    }
    return Optional.of(new Linear(w, mu, psi));
  }

  /** The parameter a term names, unindexed or (in a mixture) indexed by the finite latent z. */
  private static ParamSlot param(Term t, Map<String, ParamSlot> params, String z) {
    return t instanceof Term.VarRef r && (r.indices().isEmpty() || r.indices().equals(List.of(String.valueOf(z))))
        ? params.get(r.name()) : null;
  }
}
