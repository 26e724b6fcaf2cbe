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

  /** The same node over simplified children. */
  private static Expr rebuild(Expr e) {
    List<Expr> children = Expr.children(e);
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
    return changed ? withChildren(e, simplified) : e;
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

  /** A node of the same kind over new children, in {@link Expr#children}'s order. */
  static Expr withChildren(Expr e, List<Expr> c) {
    if (e instanceof Expr.Neg) {
      return new Expr.Neg(c.get(0));
    } else if (e instanceof Expr.Add) {
      return new Expr.Add(c.get(0), c.get(1));
    } else if (e instanceof Expr.Sub) {
      return new Expr.Sub(c.get(0), c.get(1));
    } else if (e instanceof Expr.Mul) {
      return new Expr.Mul(c.get(0), c.get(1));
    } else if (e instanceof Expr.Div) {
      return new Expr.Div(c.get(0), c.get(1));
    } else if (e instanceof Expr.Apply a) {
      return new Expr.Apply(a.function(), c);
    } else if (e instanceof Expr.Hadamard) {
      return new Expr.Hadamard(c.get(0), c.get(1));
    } else if (e instanceof Expr.Total) {
      return new Expr.Total(c.get(0));
    } else if (e instanceof Expr.Dot) {
      return new Expr.Dot(c.get(0), c.get(1));
    } else if (e instanceof Expr.Outer) {
      return new Expr.Outer(c.get(0), c.get(1));
    } else if (e instanceof Expr.QuadInv) {
      return new Expr.QuadInv(c.get(0), c.get(1));
    } else if (e instanceof Expr.LogDet) {
      return new Expr.LogDet(c.get(0));
    } else if (e instanceof Expr.TraceInv) {
      return new Expr.TraceInv(c.get(0), c.get(1));
    } else if (e instanceof Expr.Diag) {
      return new Expr.Diag(c.get(0));
    } else if (e instanceof Expr.At) {
      return new Expr.At(c.get(0), c.get(1));
    } else if (e instanceof Expr.OneHot o) {
      return new Expr.OneHot(c.get(0), o.dim());
    } else if (e instanceof Expr.SumK s) {
      return new Expr.SumK(c.get(0), s.index());
    } else if (e instanceof Expr.RowSum r) {
      return new Expr.RowSum(c.get(0), r.weighted());
    } else if (e instanceof Expr.Sum s) {
      return new Expr.Sum(s.index(), s.from(), s.to(), c.get(0));
    } else if (e instanceof Expr.Fill f) {
      return new Expr.Fill(c.get(0), f.dim());
    } else if (e instanceof Expr.Relation r) {
      return new Expr.Relation(r.op(), c.get(0), c.get(1));
    } else if (e instanceof Expr.Partial) {
      return new Expr.Partial(c.get(0), c.get(1));
    } else if (e instanceof Expr.Density d) {
      return new Expr.Density(d.notation(), c.get(0), c.subList(1, c.size()));
    } else if (e instanceof Expr.Inv) {
      return new Expr.Inv(c.get(0));
    } else if (e instanceof Expr.MatMul) {
      return new Expr.MatMul(c.get(0), c.get(1));
    } else if (e instanceof Expr.Transpose) {
      return new Expr.Transpose(c.get(0));
    } else if (e instanceof Expr.Solve) {
      return new Expr.Solve(c.get(0), c.get(1));
    }
    throw new IllegalArgumentException("a leaf has no children: " + e);
  }
}
