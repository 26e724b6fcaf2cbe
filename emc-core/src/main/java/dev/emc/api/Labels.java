package dev.emc.api;

import dev.emc.analysis.EmPlan;
import dev.emc.math.Expr;
import dev.emc.math.Symbol;
import dev.emc.runtime.fit.Relabelling;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads from the plan how the finite latent labels the parameters ({@link Relabelling}): besides
 * the parameters with one value per component, which the runtime knows, the probabilities the
 * latent itself is drawn from. Its statements ({@code z ~ Categorical(phi)}; a chain's {@code
 * first(z) ~ Categorical(pi0)} and {@code z ~ Categorical(A[prev(z)])}) say which: a parameter
 * that is the statement's whole argument is a distribution over the components. Any other argument
 * must be built from parameters with one value per component (softmax(g_kᵀu), an expert's), so
 * that component k's probability moves with component k; one built from a shared parameter
 * cannot be renamed safely, and is refused.
 */
final class Labels {
  private Labels() {}

  static Relabelling of(EmPlan plan) {
    String z = plan.latent().name();
    Set<String> over = new LinkedHashSet<>();
    List<EmPlan.FactorPlan> own = Stream.concat(plan.factors().stream(),
        plan.latents().stream().flatMap(l -> l.ownFactors().stream()))
        .filter(f -> f.lhsIsLatent() && f.lhs().equals(z)).toList();
    for (EmPlan.FactorPlan f : own) {
      Expr arg = f.args().get(0);
      if (arg instanceof Expr.Sym s && s.symbol().kind() == Symbol.Kind.PARAM) {
        over.add(s.symbol().name());
        continue;
      }
      for (Symbol p : params(arg, new ArrayList<>())) {
        if (!p.perComponent()) {
          return new Relabelling(over, "the components of model " + plan.model() + " cannot be renamed safely: `"
              + f.statement() + "` gives them probabilities through " + p.name() + ", which they share");
        }
      }
    }
    return new Relabelling(over, null);
  }

  private static List<Symbol> params(Expr e, List<Symbol> out) {
    if (e instanceof Expr.Sym s && s.symbol().kind() == Symbol.Kind.PARAM) {
      out.add(s.symbol());
    }
    for (Expr c : Expr.children(e)) {
      params(c, out);
    }
    return out;
  }
}
