package dev.emc.analysis.latent;

import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.diag.Diagnostics;
import dev.emc.dist.FactorSite;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.math.Symbol;
import dev.emc.semantics.CheckedModel;
import dev.emc.semantics.Stochastic;
import dev.emc.semantics.Term;
import dev.emc.semantics.Variable;
import dev.emc.types.Dim;
import dev.emc.types.Kind;
import java.util.List;
import java.util.Optional;

/**
 * A finite latent with, given each of its values, a latent positive scale: a mixture of t
 * distributions as scale mixtures of normals,
 *
 * <pre>
 * z ~ Categorical(phi);
 * w ~ Gamma(nu[z] / 2, nu[z] / 2);    // nu per component, tied (nu) or a number
 * x ~ Normal(mu[z], Sigma[z] / w);
 * </pre>
 *
 * <p>The E-step composes: z is enumerated ({@link Enumerated}), and given z = k, w has a Gamma
 * posterior ({@link GammaScale}). This recognizes the pattern and refuses what it cannot fit; the
 * families plan every statement, w's prior (Gamma: the ν step) and its child (Normal: statistics
 * weighed by E[w], and w's kernel), through the scale's symbols ({@link FactorSite#scale}).
 */
final class ScaleMixturePlanner implements LatentPlanner {
  private static final String EXAMPLE = "`w ~ Gamma(nu[z] / 2, nu[z] / 2); x ~ Normal(mu[z], Sigma[z] / w);`";

  @Override
  public boolean claims(CheckedModel model, List<Variable> latents) {
    List<Variable> finite = latents.stream().filter(v -> v.type().kind() == Kind.CATEGORY).toList();
    return latents.size() == 2 && finite.size() == 1 && latents.stream().anyMatch(ScaleMixturePlanner::isScale)
        && !MarkovChainPlanner.isChain(model, finite.get(0).name());
  }

  private static boolean isScale(Variable v) {
    return v.type().kind() == Kind.POSITIVE && v.type().isScalar();
  }

  @Override
  public Optional<Plan> plan(Planning shared) {
    CheckedModel model = shared.model();
    Diagnostics diagnostics = shared.diagnostics();
    Variable z = shared.latent();
    Variable w = shared.latents().stream().filter(ScaleMixturePlanner::isScale).findFirst().orElseThrow();
    Stochastic prior = model.distributions().stream().filter(s -> s.lhs().equals(w.name())).findFirst().orElseThrow();
    List<Stochastic> children = model.distributions().stream()
        .filter(s -> s.args().stream().anyMatch(t -> mentions(t, w.name()))).toList();
    if (!prior.family().name().equals("Gamma")) {
      diagnostics.error("structure", prior.span(), "the latent scale " + w.name() + " has a Gamma prior, whose"
          + " posterior given the row is Gamma too: " + EXAMPLE);
      return Optional.empty();
    }
    if (children.isEmpty()) {
      diagnostics.error("structure", w.span(), "the latent scale " + w.name() + " divides no spread; a t mixture"
          + " is written " + EXAMPLE);
      return Optional.empty();
    }
    if (children.size() > 1) {
      diagnostics.error("structure", children.get(1).span(), "the latent scale " + w.name() + " divides the spread"
          + " of one statement, `" + shared.text(children.get(0)) + "`; a second is not supported yet");
      return Optional.empty();
    }
    Stochastic child = children.get(0);
    Dim k = z.type().dim();
    int components = shared.value(k);
    // w_n is unobserved, but a value per row like the data: the derivation writes it as it writes x_n.
    Symbol latent = new Symbol(w.name(), Symbol.Kind.DATA, Shape.SCALAR, true, false);
    Kernel scale = new Kernel(new Symbol("u", Symbol.Kind.NAME, Shape.SCALAR, true, true),
        new Symbol("ulog", Symbol.Kind.NAME, Shape.SCALAR, true, true));
    Enumerated plain = new Enumerated(z.name(), k.toString(), components);
    Optional<Plan> families = shared.families(plain, shared.params(components), model.distributions(), latent,
        scale);
    if (families.isEmpty()) {
      return Optional.empty();
    }
    if (scale.shape == null) {
      diagnostics.error("unsupported", child.span(), "cannot fit `" + shared.text(child) + "`: " + child.family().name()
          + " has no form with a spread divided by a latent scale; a t mixture is written " + EXAMPLE);
      return Optional.empty();
    }
    Plan p = families.get();
    FactorPlan priorPlan = factor(p, w.name());
    FactorPlan childPlan = factor(p, child.lhs());
    GammaScale gamma = new GammaScale(latent, shared.text(prior), shared.text(child), child.lhs(),
        priorPlan.args().get(0), priorPlan.args().get(1), scale.shape, scale.rate, priorPlan.logDensity(),
        childPlan.logDensity(), scale.mean, scale.meanLog);
    Enumerated structure = new Enumerated(z.name(), k.toString(), components, List.of(gamma));
    return Optional.of(new Plan(structure, p.params(), p.settings(), p.factors(), p.priors()));
  }

  private static FactorPlan factor(Plan p, String lhs) {
    return p.factors().stream().filter(f -> f.lhs().equals(lhs)).findFirst().orElseThrow();
  }

  /** Whether a term reads the variable {@code name}. */
  private static boolean mentions(Term t, String name) {
    return t instanceof Term.VarRef r && r.name().equals(name)
        || t instanceof Term.Arith a && (mentions(a.left(), name) || mentions(a.right(), name));
  }

  /** The scale's moments, as the families see them, and the kernel its child declares. */
  private static final class Kernel implements FactorSite.Scale {
    final Symbol mean;
    final Symbol meanLog;
    Expr shape;
    Expr rate;

    Kernel(Symbol mean, Symbol meanLog) {
      this.mean = mean;
      this.meanLog = meanLog;
    }

    @Override
    public Expr mean() {
      return new Expr.Sym(mean);
    }

    @Override
    public Expr meanLog() {
      return new Expr.Sym(meanLog);
    }

    @Override
    public void kernel(Expr shape, Expr rate) {
      if (this.shape != null) {
        throw new IllegalStateException("a latent scale's kernel declared twice");
      }
      this.shape = shape;
      this.rate = rate;
    }
  }
}
