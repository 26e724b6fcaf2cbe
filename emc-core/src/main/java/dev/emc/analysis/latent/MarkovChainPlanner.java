package dev.emc.analysis.latent;

import dev.emc.analysis.EmPlan;
import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.analysis.EmPlan.ParamSlot;
import dev.emc.analysis.EmPlan.Statistic;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.math.Simplify;
import dev.emc.math.Symbol;
import dev.emc.semantics.CheckedModel;
import dev.emc.semantics.Role;
import dev.emc.semantics.Stochastic;
import dev.emc.semantics.Term;
import dev.emc.semantics.Variable;
import dev.emc.types.Dim;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A latent chain (a hidden Markov model) is two Categorical statements: {@code first(z) ~
 * Categorical(pi0)} for each sequence's first row and {@code z ~ Categorical(A[prev(z)])} for
 * every later row. The forward–backward pass accounts for those two; the families plan the rest,
 * the emissions, as they would a mixture's.
 */
final class MarkovChainPlanner implements LatentPlanner {
  @Override
  public boolean claims(CheckedModel model, List<Variable> latents) {
    return latents.size() == 1 && !chain(model, latents.get(0).name()).isEmpty();
  }

  @Override
  public Optional<Plan> plan(Planning shared) {
    Variable z = shared.latent();
    List<Stochastic> chain = chain(shared.model(), z.name());
    if (!check(shared, z.name(), chain)) {
      return Optional.empty();
    }
    Dim k = z.type().dim();
    int components = shared.value(k);
    Map<String, ParamSlot> params = shared.params(components);
    Stochastic first = chain.stream().filter(Stochastic::firstRow).findFirst().orElseThrow();
    Stochastic transition = chain.stream().filter(Stochastic::isTransition).findFirst().orElseThrow();
    MarkovChain structure = new MarkovChain(z.name(), k.toString(), components,
        factor(shared, first, z.name(), params), factor(shared, transition, z.name(), params));
    List<Stochastic> emissions = shared.model().distributions().stream().filter(s -> !chain.contains(s)).toList();
    return shared.families(structure, params, emissions);
  }

  /**
   * Whether {@code z} is a latent chain: the structures that compose a finite latent with another
   * (a mixture of factor analysers, a t mixture) enumerate it independently across rows, so they
   * leave a chain alone, and the combination is refused by name.
   */
  static boolean isChain(CheckedModel model, String z) {
    return !chain(model, z).isEmpty();
  }

  /** The latent's first-row and transition statements. */
  private static List<Stochastic> chain(CheckedModel model, String z) {
    return model.distributions().stream()
        .filter(s -> s.lhs().equals(z) && (s.firstRow() || s.isTransition())).toList();
  }

  private static boolean check(Planning shared, String z, List<Stochastic> chain) {
    Optional<Stochastic> first = chain.stream().filter(Stochastic::firstRow).findFirst();
    Optional<Stochastic> transition = chain.stream().filter(Stochastic::isTransition).findFirst();
    String example = "`first(" + z + ") ~ Categorical(pi0); " + z + " ~ Categorical(A[prev(" + z + ")]);`";
    if (first.isEmpty()) {
      shared.diagnostics().error("structure", transition.get().span(), "a latent chain needs the distribution of"
          + " each sequence's first row too: " + example);
      return false;
    }
    if (transition.isEmpty()) {
      shared.diagnostics().error("structure", first.get().span(), "first(" + z + ") is the first row of a latent"
          + " chain, which needs its transition too: " + example);
      return false;
    }
    for (Stochastic s : chain) {
      Term arg = s.args().get(0);
      boolean ok = s.family().name().equals("Categorical") && s.args().size() == 1
          && arg instanceof Term.VarRef r && shared.model().variable(r.name()).role() == Role.PARAM
          && (s.firstRow() ? r.indices().isEmpty() : r.previous() && r.indices().equals(List.of(z)));
      if (!ok) {
        shared.diagnostics().error("structure", s.span(), "a latent chain is written " + example
            + ": probabilities that are parameters, one row of A for each previous value");
        return false;
      }
    }
    return true;
  }

  /**
   * A chain statement as EM sees it. The forward–backward pass adds up its statistics: for the first
   * row, F = Σ_s γ_s1 (expected first states over the sequences); for the transition, T_j = Σ_t ξ_t(j, ·)
   * (expected transitions out of j). They have no per-row formula, so each carries its wording for
   * {@code emc check} and the generated code's comments. The Lagrange multiplier for each simplex
   * gives the updates.
   */
  private static FactorPlan factor(Planning shared, Stochastic s, String z, Map<String, ParamSlot> params) {
    ParamSlot p = params.get(((Term.VarRef) s.args().get(0)).name());
    Expr probabilities = new Expr.Sym(p.symbol());
    Expr k = new Expr.Sym(new Symbol(z, Symbol.Kind.COMPONENT, Shape.SCALAR, false, true));
    Expr probability = new Expr.At(probabilities, k);
    boolean first = s.firstRow();
    Symbol stat = Symbol.statistic((first ? "F_" : "T_") + z, p.symbol().shape(), !first);
    Statistic statistic = new Statistic(stat, null, first
        ? "Σ over the sequences of γ at their first row, the expected first states"
        : "Σ_n ξ_n(k, ·), the expected transitions out of k");
    Expr counts = new Expr.Sym(stat);
    EmPlan.Update update = new EmPlan.Update(p.name(), p.symbol(), Simplify.of(Expr.div(counts, new Expr.Total(counts))),
        first ? "expected first states over the sequences" : "expected transitions out of each state",
        null, probabilities, null, null, null);
    return new FactorPlan(shared.text(s), s.lhs(), "Categorical", s.signature().label(), !first, true,
        probability, Expr.log(probability), List.of(statistic), List.of(update), null, List.of(), null,
        List.of(probabilities));
  }
}
