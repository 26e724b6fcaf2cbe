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

  /**
   * A vector of the row about a centre, v = a − c, with a read from the row alone (the same for
   * every component) and c a parameter, or c null for v = a: what the row-lane kernels take as a
   * block of the rows' a, transposed once, and c's elements per component.
   */
  record Centred(Expr row, Expr.Sym centre) {
    static Centred of(Expr v) {
      if (v instanceof Expr.Sub s && s.right() instanceof Expr.Sym c && c.symbol().kind() == Symbol.Kind.PARAM
          && c.shape().isVector() && isRowOnly(s.left())) {
        return new Centred(s.left(), c);
      }
      return isRowOnly(v) ? new Centred(v, null) : null;
    }

    private static boolean isRowOnly(Expr a) {
      return a.shape().isVector() && dependsOnRow(a) && !dependsOnComponent(a);
    }
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
    for (Expr c : Expr.children(e)) {
      if (any(c, test, stopAtSumK)) {
        return true;
      }
    }
    return false;
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
      Expr term = t.coefficient() == 1.0 ? t.expr()
          : t.coefficient() == -1.0 ? new Expr.Neg(t.expr())
          : new Expr.Mul(new Expr.Num(t.coefficient()), t.expr());
      total = total == null ? term : new Expr.Add(total, term);
    }
    return total == null ? new Expr.Num(0) : total;
  }
}
