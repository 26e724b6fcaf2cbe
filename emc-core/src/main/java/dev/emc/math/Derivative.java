package dev.emc.math;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Symbolic differentiation of a scalar formula with respect to one number of a parameter: how the
 * compiler writes a row's complete-data score ∂/∂θ log p(x_n, z = k) and its second derivatives
 * from the same log-density the E-step evaluates.
 *
 * <p>It works in two steps. {@link #expand} writes a scalar formula over its vectors' elements,
 * for sizes known at compile time: Σ_d (x_d − μ_d)² / σ²_d for a diagonal quadratic form, Σ_d β_d
 * u_d for βᵀu. Each number of a parameter is then a leaf, {@code At(μ, d)} (its element d,
 * 1-based as a category value is) or the scalar itself, and {@link #of} differentiates by the
 * rules of the calculus of one variable, folding the 0s and 1s that the rules leave.
 *
 * <p>What it cannot write out (a full covariance's inverse, a sum over the components inside a
 * row's density) it refuses with {@link Unsupported}: then the model has no analytic score, and
 * says so, rather than a wrong one.
 */
public final class Derivative {
  private Derivative() {}

  /** A formula this unit cannot expand or differentiate, and why. */
  public static final class Unsupported extends Exception {
    public Unsupported(String message) {
      super(message);
    }
  }

  // ------------------------------------------------------------------ expansion to elements

  /**
   * {@code e}, a scalar, written over scalars only: every vector read element by element, every
   * reduction (a total, a dot product, a diagonal quadratic form or log-determinant) a sum of
   * its terms. {@code size} gives each named size's value.
   */
  public static Expr expand(Expr e, ToIntFunction<String> size) throws Unsupported {
    return new Expansion(size).scalar(e);
  }

  /** Element {@code i} (1-based) of a vector symbol: the leaf a number of a parameter is. */
  public static Expr element(Symbol vector, int i) {
    return new Expr.At(new Expr.Sym(vector), new Expr.Num(i));
  }

  private record Expansion(ToIntFunction<String> size) {
    int length(Expr vector) {
      return length(vector.shape().dim());
    }

    int length(dev.emc.types.Dim d) {
      return d instanceof dev.emc.types.Dim.Known k ? k.value()
          : size.applyAsInt(((dev.emc.types.Dim.Named) d).name());
    }

    // An instanceof chain, not a visitor: a node it does not know is refused here, which means
    // "no analytic score for this model", never a wrong one.
    Expr scalar(Expr e) throws Unsupported {
      if (e instanceof Expr.Num || e instanceof Expr.Sym) {
        return e;
      }
      if (e instanceof Expr.Size s) {
        return new Expr.Num(length(s.dim()));
      }
      if (e instanceof Expr.Neg n) {
        return neg(scalar(n.operand()));
      }
      if (e instanceof Expr.Add a) {
        return add(scalar(a.left()), scalar(a.right()));
      }
      if (e instanceof Expr.Sub s) {
        return sub(scalar(s.left()), scalar(s.right()));
      }
      if (e instanceof Expr.Mul m) {
        return mul(scalar(m.left()), scalar(m.right()));
      }
      if (e instanceof Expr.Div d) {
        return div(scalar(d.left()), scalar(d.right()));
      }
      if (e instanceof Expr.Outer o) {
        Expr l = scalar(o.left());
        Expr r = scalar(o.right());
        return l.equals(r) ? new Expr.Outer(l, r) : mul(l, r);
      }
      if (e instanceof Expr.Inv v && v.matrix().shape().isScalar()) {
        return div(new Expr.Num(1), scalar(v.matrix()));
      }
      if (e instanceof Expr.Apply a) {
        List<Expr> args = new ArrayList<>();
        for (Expr x : a.args()) {
          args.add(scalar(x));
        }
        return new Expr.Apply(a.function(), args);
      }
      if (e instanceof Expr.At at && at.vector() instanceof Expr.Sym
          && at.index() instanceof Expr.Sym i && i.symbol().kind() == Symbol.Kind.COMPONENT) {
        // φ_k: a number of a parameter, which one depends on the component.
        return e;
      }
      if (e instanceof Expr.Total t) {
        return sum(length(t.vector()), i -> elem(t.vector(), i));
      }
      if (e instanceof Expr.Dot d) {
        return sum(length(d.left()), i -> mul(elem(d.left(), i), elem(d.right(), i)));
      }
      if (e instanceof Expr.QuadInv q && !q.matrix().shape().isMatrix()) {
        if (q.vector().shape().isScalar() && q.matrix().shape().isScalar()) {
          Expr v = scalar(q.vector());
          return div(new Expr.Outer(v, v), scalar(q.matrix()));
        }
        boolean diagonal = q.matrix().shape().isVector();
        return sum(length(q.vector()), i -> {
          Expr v = elem(q.vector(), i);
          return div(new Expr.Outer(v, v), diagonal ? elem(q.matrix(), i) : scalar(q.matrix()));
        });
      }
      if (e instanceof Expr.LogDet l && !l.matrix().shape().isMatrix()) {
        if (l.matrix().shape().isScalar()) {
          return log(scalar(l.matrix()));
        }
        return sum(length(l.matrix()), i -> log(elem(l.matrix(), i)));
      }
      throw new Unsupported("cannot write " + Text.of(e) + " number by number");
    }

    interface Term {
      Expr at(int i) throws Unsupported;
    }

    Expr sum(int n, Term term) throws Unsupported {
      Expr total = new Expr.Num(0);
      for (int i = 1; i <= n; i++) {
        total = add(total, term.at(i));
      }
      return total;
    }

    /** Element i (1-based) of a vector formula, as a scalar formula. */
    Expr elem(Expr v, int i) throws Unsupported {
      if (v instanceof Expr.Sym s) {
        return element(s.symbol(), i);
      }
      if (v instanceof Expr.Fill f) {
        return scalar(f.value());
      }
      if (v instanceof Expr.Neg n) {
        return neg(elem(n.operand(), i));
      }
      if (v instanceof Expr.Add a) {
        return add(elem(a.left(), i), elem(a.right(), i));
      }
      if (v instanceof Expr.Sub s) {
        return sub(elem(s.left(), i), elem(s.right(), i));
      }
      if (v instanceof Expr.Mul m) {
        return m.left().shape().isScalar() ? mul(scalar(m.left()), elem(m.right(), i))
            : mul(elem(m.left(), i), scalar(m.right()));
      }
      if (v instanceof Expr.Div d) {
        return div(elem(d.left(), i), scalar(d.right()));
      }
      if (v instanceof Expr.Hadamard h) {
        return mul(elem(h.left(), i), elem(h.right(), i));
      }
      if (v instanceof Expr.Inv inv) {
        return div(new Expr.Num(1), elem(inv.matrix(), i));
      }
      if (v instanceof Expr.Outer o && o.left().shape().isScalar()) {
        return scalar(o);
      }
      if (v instanceof Expr.Apply a) {
        List<Expr> args = new ArrayList<>();
        for (Expr x : a.args()) {
          args.add(x.shape().isVector() ? elem(x, i) : scalar(x));
        }
        return new Expr.Apply(a.function(), args);
      }
      if (v instanceof Expr.OneHot h && h.index() instanceof Expr.Num n) {
        return new Expr.Num(n.value() == i ? 1 : 0);
      }
      throw new Unsupported("cannot write " + Text.of(v) + " element by element");
    }
  }

  // ------------------------------------------------------------------ differentiation

  /**
   * ∂e/∂x for an expanded scalar formula {@code e} (see {@link #expand}) and a leaf {@code x} of
   * it: a scalar parameter's symbol or an element {@code At(v, i)} or {@code At(φ, k)}.
   */
  public static Expr of(Expr e, Expr x) throws Unsupported {
    if (e.equals(x)) {
      return new Expr.Num(1);
    }
    if (e instanceof Expr.Num || e instanceof Expr.Sym || e instanceof Expr.At) {
      return new Expr.Num(0);
    }
    if (e instanceof Expr.Neg n) {
      return neg(of(n.operand(), x));
    }
    if (e instanceof Expr.Add a) {
      return add(of(a.left(), x), of(a.right(), x));
    }
    if (e instanceof Expr.Sub s) {
      return sub(of(s.left(), x), of(s.right(), x));
    }
    if (e instanceof Expr.Mul m) {
      return add(mul(of(m.left(), x), m.right()), mul(m.left(), of(m.right(), x)));
    }
    if (e instanceof Expr.Outer o && o.left().equals(o.right())) {
      // (v²)' = 2 v v'
      return mul(new Expr.Num(2), mul(o.left(), of(o.left(), x)));
    }
    if (e instanceof Expr.Div d) {
      // (a / b)' = a'/b − a b' / b²
      Expr da = of(d.left(), x);
      Expr db = of(d.right(), x);
      return sub(div(da, d.right()), div(mul(d.left(), db), new Expr.Outer(d.right(), d.right())));
    }
    if (e instanceof Expr.Apply a) {
      return apply(a, x);
    }
    throw new Unsupported("cannot differentiate " + Text.of(e));
  }

  private static Expr apply(Expr.Apply a, Expr x) throws Unsupported {
    Function f = a.function();
    if (f == Function.TIMES_LOG) {
      // a log b, written with log b as its second argument: the product rule.
      Expr u = a.args().get(0);
      Expr logB = a.args().get(1);
      Expr du = of(u, x);
      Expr dLog = of(logB, x);
      return add(isZero(du) ? du : mul(du, logB), mul(u, dLog));
    }
    if (a.args().size() != 1) {
      for (Expr arg : a.args()) {
        if (!isZero(of(arg, x))) {
          throw new Unsupported("cannot differentiate " + f.text() + " of " + Text.of(arg));
        }
      }
      return new Expr.Num(0);
    }
    Expr u = a.arg();
    Expr du = of(u, x);
    if (isZero(du)) {
      return du;
    }
    Expr outer;
    if (f == Function.LOG) {
      outer = div(new Expr.Num(1), u);
    } else if (f == Function.EXP) {
      outer = a;
    } else if (f == Function.SQRT) {
      outer = div(new Expr.Num(0.5), a);
    } else if (f == Function.LOG_GAMMA) {
      outer = new Expr.Apply(Function.DIGAMMA, u);
    } else if (f == Function.LOGISTIC) {
      outer = mul(a, sub(new Expr.Num(1), a));
    } else if (f == Function.LOG1P_EXP) {
      outer = new Expr.Apply(Function.LOGISTIC, u);
    } else {
      throw new Unsupported("no derivative of " + f.text() + " yet");
    }
    return mul(outer, du);
  }

  // ------------------------------------------------------------------ folding builders

  private static boolean isZero(Expr e) {
    return e instanceof Expr.Num n && n.value() == 0;
  }

  private static boolean isOne(Expr e) {
    return e instanceof Expr.Num n && n.value() == 1;
  }

  static Expr add(Expr a, Expr b) {
    if (isZero(a)) {
      return b;
    }
    if (isZero(b)) {
      return a;
    }
    if (a instanceof Expr.Num x && b instanceof Expr.Num y) {
      return new Expr.Num(x.value() + y.value());
    }
    if (b instanceof Expr.Neg n) {
      return sub(a, n.operand());
    }
    if (b instanceof Expr.Mul m && m.left() instanceof Expr.Num c && c.value() < 0) {
      return sub(a, mul(new Expr.Num(-c.value()), m.right()));
    }
    return new Expr.Add(a, b);
  }

  static Expr sub(Expr a, Expr b) {
    if (isZero(b)) {
      return a;
    }
    if (isZero(a)) {
      return neg(b);
    }
    if (a instanceof Expr.Num x && b instanceof Expr.Num y) {
      return new Expr.Num(x.value() - y.value());
    }
    if (b instanceof Expr.Neg n) {
      return add(a, n.operand());
    }
    if (b instanceof Expr.Mul m && m.left() instanceof Expr.Num c && c.value() < 0) {
      return add(a, mul(new Expr.Num(-c.value()), m.right()));
    }
    return new Expr.Sub(a, b);
  }

  static Expr neg(Expr a) {
    if (a instanceof Expr.Num x) {
      return new Expr.Num(-x.value());
    }
    if (a instanceof Expr.Neg n) {
      return n.operand();
    }
    if (a instanceof Expr.Mul m && m.left() instanceof Expr.Num c) {
      return mul(new Expr.Num(-c.value()), m.right());
    }
    return new Expr.Neg(a);
  }

  /** A product with its number first: −2 (x − μ), not (x − μ) · (−2). */
  static Expr mul(Expr a, Expr b) {
    if (isZero(a) || isZero(b)) {
      return new Expr.Num(0);
    }
    if (isOne(a)) {
      return b;
    }
    if (isOne(b)) {
      return a;
    }
    if (b instanceof Expr.Num && !(a instanceof Expr.Num)) {
      return mul(b, a);
    }
    if (a instanceof Expr.Num x) {
      if (b instanceof Expr.Num y) {
        return new Expr.Num(x.value() * y.value());
      }
      if (b instanceof Expr.Mul m && m.left() instanceof Expr.Num y) {
        return mul(new Expr.Num(x.value() * y.value()), m.right());
      }
      if (b instanceof Expr.Neg n) {
        return mul(new Expr.Num(-x.value()), n.operand());
      }
      if (x.value() == -1) {
        return new Expr.Neg(b);
      }
    }
    if (b instanceof Expr.Mul m && m.left() instanceof Expr.Num y) {
      return mul(y, mul(a, m.right()));
    }
    if (a instanceof Expr.Neg n) {
      return neg(mul(n.operand(), b));
    }
    if (b instanceof Expr.Neg n) {
      return neg(mul(a, n.operand()));
    }
    return new Expr.Mul(a, b);
  }

  static Expr div(Expr a, Expr b) {
    if (isZero(a)) {
      return a;
    }
    if (isOne(b)) {
      return a;
    }
    if (a instanceof Expr.Num x && b instanceof Expr.Num y && y.value() != 0) {
      return new Expr.Num(x.value() / y.value());
    }
    if (a instanceof Expr.Mul m && m.left() instanceof Expr.Num c) {
      return mul(c, div(m.right(), b));
    }
    if (a instanceof Expr.Neg n) {
      return neg(div(n.operand(), b));
    }
    return new Expr.Div(a, b);
  }

  static Expr log(Expr a) {
    return new Expr.Apply(Function.LOG, a);
  }
}
