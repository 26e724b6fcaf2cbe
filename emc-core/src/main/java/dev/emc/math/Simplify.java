package dev.emc.math;

import java.util.ArrayList;
import java.util.List;

/**
 * Folds the arithmetic that numbers from the model leave in formulas: (2 − 1) becomes 1, x·1 and
 * x + 0 become x, 0·1 becomes 0. The code and the derivation both read the folded formula.
 */
public final class Simplify {
  private Simplify() {}

  public static Expr of(Expr e) {
    if (e == null) {
      return null;
    }
    Expr s = rebuild(e);
    return fold(s);
  }

  /**
   * {@code e} with {@code from} replaced by {@code to} wherever it occurs, simplified; where the
   * replacement makes a logarithm log 1 or a factor 0, the term it is in goes. For a formula at a
   * point: a complete-data log-density at w = 1.
   */
  public static Expr substitute(Expr e, Expr from, Expr to) {
    return of(replace(e, from, to));
  }

  private static Expr replace(Expr e, Expr from, Expr to) {
    if (e.equals(from)) {
      return to;
    }
    List<Expr> children = Children.of(e);
    if (children.isEmpty()) {
      return e;
    }
    List<Expr> replaced = new ArrayList<>();
    for (Expr c : children) {
      replaced.add(replace(c, from, to));
    }
    Expr rebuilt = Children.with(e, replaced);
    if (rebuilt instanceof Expr.Apply a && a.function() == Function.LOG && a.args().size() == 1
        && isOne(a.args().get(0))) {
      return new Expr.Num(0);
    }
    if (rebuilt instanceof Expr.Mul m && (isZero(m.left()) || isZero(m.right())) && m.shape().isScalar()) {
      return new Expr.Num(0);
    }
    return rebuilt;
  }

  /** The same node over simplified children. */
  private static Expr rebuild(Expr e) {
    List<Expr> children = Children.of(e);
    if (children.isEmpty()) {
      return e;
    }
    List<Expr> simplified = new ArrayList<>();
    boolean changed = false;
    for (Expr c : children) {
      Expr s = of(c);
      simplified.add(s);
      changed |= s != c;
    }
    return changed ? Children.with(e, simplified) : e;
  }

  private static Expr fold(Expr e) {
    if (e instanceof Expr.Add a) {
      if (isZero(a.right())) {
        return a.left();
      }
      if (isZero(a.left())) {
        return a.right();
      }
      if (a.left() instanceof Expr.Num x && a.right() instanceof Expr.Num y) {
        return new Expr.Num(x.value() + y.value());
      }
    } else if (e instanceof Expr.Sub s) {
      if (isZero(s.right())) {
        return s.left();
      }
      if (s.left() instanceof Expr.Num x && s.right() instanceof Expr.Num y) {
        return new Expr.Num(x.value() - y.value());
      }
    } else if (e instanceof Expr.Mul m) {
      if (m.left() instanceof Expr.Num x && m.right() instanceof Expr.Num y) {
        return new Expr.Num(x.value() * y.value());
      }
      if (m.left() instanceof Expr.Num x && m.right() instanceof Expr.Fill f && f.value() instanceof Expr.Num y) {
        return new Expr.Fill(new Expr.Num(x.value() * y.value()), f.dim());
      }
      if (isOne(m.left())) {
        return m.right();
      }
      if (isOne(m.right())) {
        return m.left();
      }
    } else if (e instanceof Expr.Apply a && a.function() == Function.TIMES_LOG
        && a.args().get(0) instanceof Expr.Num x && x.value() != 0) {
      // A fixed nonzero factor, as a prior's a − 1: the plain product, which may fold further.
      return fold(new Expr.Mul(x, a.args().get(1)));
    } else if (e instanceof Expr.Div d) {
      if (d.left() instanceof Expr.Num x && d.right() instanceof Expr.Num y && y.value() != 0) {
        return new Expr.Num(x.value() / y.value());
      }
      if (isOne(d.right())) {
        return d.left();
      }
    }
    return e;
  }

  private static boolean isZero(Expr e) {
    return e instanceof Expr.Num n && n.value() == 0 || e instanceof Expr.Fill f && isZero(f.value());
  }

  private static boolean isOne(Expr e) {
    return e instanceof Expr.Num n && n.value() == 1;
  }
}
