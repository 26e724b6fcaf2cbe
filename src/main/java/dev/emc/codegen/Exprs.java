package dev.emc.codegen;

import dev.emc.math.Expr;
import dev.emc.math.Symbol;
import java.util.ArrayList;
import java.util.List;

/** Questions the generator asks of a formula. */
final class Exprs {
  private Exprs() {}

  /** Whether it reads the row's data. */
  static boolean dependsOnRow(Expr e) {
    return any(e, s -> s.perRow(), false);
  }

  /** Whether it differs between components (outside any Σ_k, which binds its own). */
  static boolean dependsOnComponent(Expr e) {
    return any(e, Symbol::perComponent, true);
  }

  private interface Test {
    boolean test(Symbol s);
  }

  private static boolean any(Expr e, Test test, boolean stopAtSumK) {
    if (e instanceof Expr.Sym s) {
      return test.test(s.symbol());
    }
    if (stopAtSumK && e instanceof Expr.SumK) {
      return false;
    }
    for (Expr c : children(e)) {
      if (any(c, test, stopAtSumK)) {
        return true;
      }
    }
    return false;
  }

  static List<Expr> children(Expr e) {
    if (e instanceof Expr.Neg n) {
      return List.of(n.operand());
    } else if (e instanceof Expr.Add a) {
      return List.of(a.left(), a.right());
    } else if (e instanceof Expr.Sub s) {
      return List.of(s.left(), s.right());
    } else if (e instanceof Expr.Mul m) {
      return List.of(m.left(), m.right());
    } else if (e instanceof Expr.Div d) {
      return List.of(d.left(), d.right());
    } else if (e instanceof Expr.Apply a) {
      return List.of(a.arg());
    } else if (e instanceof Expr.Dot d) {
      return List.of(d.left(), d.right());
    } else if (e instanceof Expr.Outer o) {
      return List.of(o.left(), o.right());
    } else if (e instanceof Expr.QuadInv q) {
      return List.of(q.matrix(), q.vector());
    } else if (e instanceof Expr.LogDet l) {
      return List.of(l.matrix());
    } else if (e instanceof Expr.TraceInv t) {
      return List.of(t.weight(), t.matrix());
    } else if (e instanceof Expr.Diag d) {
      return List.of(d.vector());
    } else if (e instanceof Expr.At a) {
      return List.of(a.vector(), a.index());
    } else if (e instanceof Expr.OneHot o) {
      return List.of(o.index());
    } else if (e instanceof Expr.SumK s) {
      return List.of(s.body());
    } else if (e instanceof Expr.RowSum r) {
      return List.of(r.body());
    } else if (e instanceof Expr.Fill f) {
      return List.of(f.value());
    }
    return List.of();
  }

  /** One term of a sum: coefficient × expression. */
  record Term(double coefficient, Expr expr) {}

  /**
   * A scalar as a sum of terms, distributing numeric factors over + and −: −½(a + b + c) is
   * −½a − ½b − ½c, so that the E-step can move the terms that do not read the row to prepare().
   */
  static List<Term> terms(Expr e) {
    List<Term> out = new ArrayList<>();
    terms(e, 1.0, out);
    return out;
  }

  private static void terms(Expr e, double c, List<Term> out) {
    if (e instanceof Expr.Add a) {
      terms(a.left(), c, out);
      terms(a.right(), c, out);
    } else if (e instanceof Expr.Sub s) {
      terms(s.left(), c, out);
      terms(s.right(), -c, out);
    } else if (e instanceof Expr.Neg n) {
      terms(n.operand(), -c, out);
    } else if (e instanceof Expr.Mul m && m.left() instanceof Expr.Num n) {
      terms(m.right(), c * n.value(), out);
    } else if (e instanceof Expr.Mul m && m.right() instanceof Expr.Num n) {
      terms(m.left(), c * n.value(), out);
    } else {
      out.add(new Term(c, e));
    }
  }

  /** Σ c_i e_i as one formula again. */
  static Expr sum(List<Term> terms) {
    Expr total = null;
    for (Term t : terms) {
      Expr term = t.coefficient() == 1.0 ? t.expr() : new Expr.Mul(new Expr.Num(t.coefficient()), t.expr());
      total = total == null ? term : new Expr.Add(total, term);
    }
    return total == null ? new Expr.Num(0) : total;
  }
}
