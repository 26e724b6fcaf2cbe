package dev.emc.analysis;

import dev.emc.analysis.EmPlan.ParamSlot;
import dev.emc.diag.Diagnostics;
import dev.emc.dist.Prior;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.semantics.Stochastic;
import dev.emc.semantics.Term;
import dev.emc.types.Kind;
import dev.emc.types.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A prior statement, with its hyperparameters as formulas, waiting for its family to use it: a
 * family that asks for it ({@link dev.emc.dist.FactorSite#prior}) consumes it, and
 * {@link FamilyPlanner} refuses one that no family consumed.
 */
final class PriorSite implements Prior {
  final Stochastic statement;
  final List<String> targets;
  final Map<String, Expr> args = new LinkedHashMap<>();
  final List<Expr> argList = new ArrayList<>();
  final List<Expr> targetSymbols = new ArrayList<>();
  boolean consumed;

  private PriorSite(Stochastic statement, List<String> targets) {
    this.statement = statement;
    this.targets = targets;
  }

  @Override
  public String family() {
    return statement.family().name();
  }

  @Override
  public Expr arg(String name) {
    Expr e = args.get(name);
    if (e == null) {
      throw new IllegalArgumentException(family() + " has no argument " + name);
    }
    return e;
  }

  @Override
  public List<Expr> args() {
    return argList;
  }

  @Override
  public List<Expr> targets() {
    return targetSymbols;
  }

  /** The prior {@code p} on these parameters; empty after a located error. */
  static Optional<PriorSite> of(Stochastic p, Map<String, ParamSlot> params, Diagnostics diagnostics) {
    PriorSite site = new PriorSite(p, p.targets());
    for (String t : p.targets()) {
      site.targetSymbols.add(new Expr.Sym(params.get(t).symbol()));
    }
    Shape shape = params.get(p.targets().get(0)).symbol().shape();
    for (int i = 0; i < p.args().size(); i++) {
      var param = p.signature().params().get(i);
      Term t = p.args().get(i);
      if (!(t instanceof Term.Number || t instanceof Term.ConstRef)) {
        diagnostics.error("unsupported", t.span(), "a prior whose arguments are parameters (a hierarchy)"
            + " is not supported yet; give numbers or constants");
        return Optional.empty();
      }
      double v = t instanceof Term.Number n ? n.value() : ((Term.ConstRef) t).value();
      Expr number = new Expr.Num(v);
      Type wanted = param.type();
      Expr value = wanted.kind() == Kind.COV ? new Expr.Mul(number, new Expr.Identity(shape.dim()))
          : wanted.isScalar() || shape.isScalar() ? number
          : new Expr.Fill(number, shape.dim());
      site.args.put(param.name(), value);
      site.argList.add(value);
    }
    return Optional.of(site);
  }
}
