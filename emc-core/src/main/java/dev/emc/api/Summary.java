package dev.emc.api;

import dev.emc.analysis.EmPlan;
import dev.emc.math.Expr;
import dev.emc.math.Text;
import dev.emc.semantics.CheckedModel;
import dev.emc.semantics.Constant;
import dev.emc.semantics.Size;
import dev.emc.semantics.Stochastic;
import dev.emc.semantics.Term;
import dev.emc.semantics.Variable;
import dev.emc.syntax.Ast;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The text `emc check` prints: one line per name, then one per statement, then the EM plan. It
 * reads the checked model and the plan, which stay behind the API.
 */
final class Summary {
  private Summary() {}

  static String of(CheckedModel m, EmPlan plan) {
    return of(m) + of(plan);
  }

  private static String of(CheckedModel m) {
    List<String[]> rows = new ArrayList<>();
    for (Constant c : m.constants().values()) {
      if (!m.sizes().containsKey(c.name())) {
        rows.add(new String[] {c.name(), "constant", c.valueText(), origin(c)});
      }
    }
    for (Size s : m.sizes().values()) {
      String value = s.value().isPresent() ? Integer.toString(s.value().getAsInt()) : "?";
      String note = s.value().isPresent() ? s.origin()
          : s.origin().equals("from the data") ? s.origin()
          : s.origin().startsWith("columns") ? s.origin() + ", from the data"
              : s.origin() + ": not set; give it in the model (" + s.name() + " = …;) or with --set "
                  + s.name() + "=…";
      rows.add(new String[] {s.name(), "size", value, note});
    }
    for (Variable v : m.variables().values()) {
      rows.add(new String[] {v.name(), v.role().word(), v.describeType(),
          v.declared() ? "declared" : "inferred"});
    }
    StringBuilder out = new StringBuilder();
    out.append("model ").append(m.name()).append(" (").append(m.source().name()).append(") is well-formed\n\n");
    out.append(table(rows));
    out.append('\n');
    List<String[]> statements = new ArrayList<>();
    for (Stochastic s : m.distributions()) {
      statements.add(new String[] {statement(s), s.signature().label()});
    }
    for (Stochastic s : m.priors()) {
      statements.add(new String[] {statement(s), "prior: " + s.signature().label()});
    }
    out.append(table(statements));
    return out.toString();
  }

  /** The EM structure: the E-step, then each parameter's update and how it is derived. */
  private static String of(EmPlan plan) {
    StringBuilder out = new StringBuilder("\n");
    out.append(plan.latent().eStepSummary()).append("\n\n");
    List<String[]> rows = new ArrayList<>();
    for (EmPlan.Update u : plan.updates()) {
      Expr shown = u.textbook() != null ? u.textbook() : u.value();
      rows.add(new String[] {Text.of(new Expr.Sym(u.target())) + " ← " + Text.of(shown), u.method()});
    }
    out.append(table(rows));
    List<EmPlan.Statistic> stats = plan.statistics();
    if (!stats.isEmpty()) {
      out.append("\ncomputed in one pass per iteration from the expected sufficient statistics\n\n");
      List<String[]> defs = new ArrayList<>();
      if (plan.latent().countsComponents()) {
        defs.add(new String[] {"N_k = Σ_n r_nk"});
      }
      for (EmPlan.Statistic s : stats) {
        defs.add(new String[] {Text.of(new Expr.Sym(s.symbol())) + " = " + s.sum()});
      }
      out.append(table(defs));
    }
    return out.toString();
  }

  private static String origin(Constant c) {
    return c.span().isPresent() ? "" : "set on the command line";
  }

  private static String statement(Stochastic s) {
    String lhs = s.targets().size() == 1 ? s.lhs() : "(" + String.join(", ", s.targets()) + ")";
    if (s.firstRow()) {
      lhs = "first(" + lhs + ")";
    }
    return lhs + " ~ " + s.family().name()
        + s.args().stream().map(Summary::term).collect(Collectors.joining(", ", "(", ")"));
  }

  private static String term(Term t) {
    if (t instanceof Term.Number n) {
      double v = n.value();
      return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
    if (t instanceof Term.ConstRef c) {
      return c.name();
    }
    if (t instanceof Term.VarRef r) {
      List<String> indices = r.previous() ? r.indices().stream().map(i -> "prev(" + i + ")").toList() : r.indices();
      return indices.isEmpty() ? r.name() : r.name() + "[" + String.join(", ", indices) + "]";
    }
    if (t instanceof Term.Arith a) {
      return operand(a.left(), a) + " " + a.op().symbol() + " " + operand(a.right(), a);
    }
    if (t instanceof Term.Negate n) {
      return "-" + term(n.operand());
    }
    if (t instanceof Term.Call c) {
      return c.function() + "(" + term(c.argument()) + ")";
    }
    Term.Dot d = (Term.Dot) t;
    return "dot(" + term(d.left()) + ", " + term(d.right()) + ")";
  }

  /** An operand of arithmetic, in parentheses where the precedence needs them. */
  private static String operand(Term t, Term.Arith parent) {
    boolean additive = t instanceof Term.Arith a && (a.op() == Ast.Op.ADD || a.op() == Ast.Op.SUB);
    boolean product = parent.op() == Ast.Op.MUL || parent.op() == Ast.Op.DIV;
    boolean right = t == parent.right() && parent.op() != Ast.Op.ADD && parent.op() != Ast.Op.MUL;
    return additive && product || right && t instanceof Term.Arith ? "(" + term(t) + ")" : term(t);
  }

  private static String table(List<String[]> rows) {
    int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    int[] widths = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < r.length; i++) {
        line.append(r[i]);
        if (i < r.length - 1) {
          line.append(" ".repeat(widths[i] - r[i].length() + 2));
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
