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
 * for sizes known at compile time: Σ_d β_d u_d for βᵀu. Each number of a parameter is then a
 * leaf, {@code At(μ, d)} (its element d, 1-based as a category value is) or the scalar itself,
 * and {@link #of} differentiates by the rules of the calculus of one variable, folding the 0s and
 * 1s that the rules leave.
 *
 * <p>A covariance matrix Σ is not written out. log|Σ| stays one leaf, and so does a quadratic
 * form q = vᵀΣ⁻¹v, beside leaves for the entries of w = Σ⁻¹v and of Σ⁻¹, which the code computes
 * once per row and component. Their derivatives are matrix calculus's (∂Σ⁻¹ = −Σ⁻¹(∂Σ)Σ⁻¹), by
 * the distinct entries σ_ij = σ_ji (i ≤ j) that a covariance's free numbers are, moving both Σ_ij
 * and Σ_ji, and by any other θ through v:
 *
 * <pre>
 *   ∂log|Σ|/∂σ_ij = (2 − δ_ij) (Σ⁻¹)_ij          ∂q/∂σ_ij = −(2 − δ_ij) w_i w_j
 *   ∂w_a/∂σ_ij = −(Σ⁻¹)_ai w_j − (1 − δ_ij) (Σ⁻¹)_aj w_i
 *   ∂(Σ⁻¹)_ab/∂σ_ij = −(Σ⁻¹)_ai (Σ⁻¹)_jb − (1 − δ_ij) (Σ⁻¹)_aj (Σ⁻¹)_ib
 *   ∂q/∂θ = 2 Σ_a w_a ∂v_a/∂θ                     ∂w_a/∂θ = Σ_b (Σ⁻¹)_ab ∂v_b/∂θ
 * </pre>
 *
 * So the score of −½(log|Σ| + vᵀΣ⁻¹v) comes out as the textbook's Σ⁻¹v and ½(2 − δ_ij)(w_i w_j −
 * (Σ⁻¹)_ij), and its Hessian as their derivatives, a few terms an entry whatever the size.
 *
 * <p>A quadratic form in a diagonal or spherical spread, δ = Σ_d (x_d − μ_d)² / σ²_d, is one leaf
 * too, differentiated as that sum ({@link #writtenOut}): where a derivative keeps δ itself (a t's
 * log(ν/2 + δ/2)), the sum written out there instead would repeat its D terms in every entry.
 *
 * <p>What it cannot write out (a sum over the components inside a row's density, a function
 * whose derivative it does not know) it refuses with {@link Unsupported}: then the model has no
 * analytic score, and says so, rather than a wrong one.
 */
public final class Derivative {
  /** The covariance leaves of the expanded formula: log|Σ|, (Σ⁻¹)_ab, and σ_ij as coordinates. */
  private final java.util.Map<Symbol, MatrixLeaf> leaves = new java.util.LinkedHashMap<>();
  private final Expr formula;
  /** The leaves of a softmax's log-normalizer and of the entries of other components it reads. */
  private final java.util.Map<Symbol, SoftmaxLeaf> softmax = new java.util.LinkedHashMap<>();
  private final java.util.Map<Symbol, ComponentLeaf> components = new java.util.LinkedHashMap<>();
  /** Set when two quadratic forms would share their leaves' names: refused, not confused. */
  private String conflict;

  /** The size the components run over, as the model names it; null where no sum over them is written out. */
  private final String componentsSize;

  private Derivative(Expr e, ToIntFunction<String> size, String componentsSize) throws Unsupported {
    this.componentsSize = componentsSize;
    this.formula = Simplify.of(new Expansion(size, this).scalar(e));
    if (conflict != null) {
      throw new Unsupported(conflict);
    }
  }

  /**
   * A leaf of a softmax over the components, log Σ_j exp η_j (a mixture of experts' gate): the
   * log-normalizer itself, or π_j = exp(η_j − log Σ_i exp η_i), each η_j expanded over {@link
   * ComponentLeaf}s. The code computes them once per row with the largest η subtracted, so that
   * large scores do not overflow; their derivatives are the softmax's:
   *
   * <pre>
   *   ∂ log Σ_j exp η_j / ∂θ = Σ_j π_j ∂η_j/∂θ        ∂π_j/∂θ = π_j (∂η_j/∂θ − Σ_i π_i ∂η_i/∂θ)
   * </pre>
   *
   * @param j the component of π_j, 0-based; −1 for the log-normalizer
   * @param etas η_1 … η_K
   */
  public record SoftmaxLeaf(int j, List<Expr> etas) {}

  /**
   * Element {@code element} (0-based) of component {@code component}'s value of a per-component
   * parameter, read by a row's density whatever its own component: G_j inside Σ_j exp(G_jᵀu).
   * The component's own value, G_k, is the same number when j = k: ∂G_k[p]/∂G_j[p] = [k = j].
   */
  public record ComponentLeaf(Symbol param, int component, int element) {}

  /** The softmax leaves of {@link #formula}, by their symbols. */
  public java.util.Map<Symbol, SoftmaxLeaf> softmaxLeaves() {
    return java.util.Collections.unmodifiableMap(softmax);
  }

  /** The leaves of {@link #formula} that are other components' parameters, by their symbols. */
  public java.util.Map<Symbol, ComponentLeaf> componentLeaves() {
    return java.util.Collections.unmodifiableMap(components);
  }

  /**
   * A leaf that stands for something of a covariance matrix: its log-determinant, an entry of its
   * inverse, or one of its distinct entries σ_ij (a coordinate to differentiate by). i ≤ j for
   * an entry; i and j 0-based. A quadratic form's {@code matrix} may be a diagonal spread (a
   * vector) or a spherical one (a scalar).
   */
  public record MatrixLeaf(Symbol matrix, Kind kind, int i, int j, List<Expr> vector) {
    public enum Kind {
      LOG_DET, INVERSE, ENTRY,
      /** vᵀΣ⁻¹v, of {@code vector}'s elements v_a. */
      QUAD,
      /** (Σ⁻¹v)_i, of {@code vector}'s elements. */
      SOLVED
    }
  }

  /** The leaves of {@link #formula} that stand for covariance quantities, by their symbols. */
  public java.util.Map<Symbol, MatrixLeaf> matrixLeaves() {
    return java.util.Collections.unmodifiableMap(leaves);
  }

  /** The expanded formula. */
  public Expr formula() {
    return formula;
  }

  /** The leaf of the distinct entry σ_ij (0-based, i ≤ j) of a covariance: a coordinate. */
  public Expr entry(Symbol matrix, int i, int j) {
    return leaf(matrix, MatrixLeaf.Kind.ENTRY, Math.min(i, j), Math.max(i, j));
  }

  private Expr leaf(Symbol matrix, MatrixLeaf.Kind kind, int i, int j) {
    return leaf(matrix, kind, i, j, null, null);
  }

  /** {@code written}: how a quadratic form's leaves print, the form itself. */
  private Expr leaf(Symbol matrix, MatrixLeaf.Kind kind, int i, int j, List<Expr> vector, String written) {
    String m = Text.name(matrix.name());
    String name = switch (kind) {
      case LOG_DET -> "log|" + m + "|";
      case INVERSE -> m + "⁻¹[" + (i + 1) + "," + (j + 1) + "]";
      case ENTRY -> m + "[" + (i + 1) + "," + (j + 1) + "]";
      case QUAD -> "(" + written + ")";
      case SOLVED -> "w[" + (i + 1) + "]";
    };
    Symbol s = new Symbol(name, Symbol.Kind.NAME, Shape.SCALAR, false, matrix.perComponent());
    MatrixLeaf known = leaves.get(s);
    if (known != null && !java.util.Objects.equals(known.vector(), vector)) {
      conflict = "two quadratic forms in " + m + " in one row's density";
    }
    leaves.put(s, new MatrixLeaf(matrix, kind, i, j, vector));
    return new Expr.Sym(s);
  }

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
  public static Derivative expand(Expr e, ToIntFunction<String> size) throws Unsupported {
    return new Derivative(e, size, null);
  }

  /**
   * The same, for a component's log-density that may read every component through a softmax over
   * them, log Σ_j exp η_j, written out for the {@code components} (the size K, as the model names
   * it) that the components run over: see {@link SoftmaxLeaf}.
   */
  public static Derivative expand(Expr e, ToIntFunction<String> size, String components) throws Unsupported {
    return new Derivative(e, size, components);
  }

  private dev.emc.types.Dim componentsDim() {
    return componentsSize.matches("[0-9]+") ? dev.emc.types.Dim.of(Integer.parseInt(componentsSize))
        : dev.emc.types.Dim.of(componentsSize);
  }

  /**
   * log Σ_j exp η_j as a leaf, η_j written out for each component j: {@code eta}, expanded, with
   * each per-component parameter's own value replaced by component j's ({@link ComponentLeaf}).
   */
  private Expr logNormalizer(Expr written, Expr eta, Expansion x) throws Unsupported {
    if (componentsSize == null) {
      throw new Unsupported("cannot write " + Text.of(written) + " number by number");
    }
    Expr expanded = Simplify.of(x.scalar(eta));
    List<Expr> etas = new ArrayList<>();
    for (int j = 0; j < x.length(componentsDim()); j++) {
      etas.add(atComponent(expanded, j));
    }
    Symbol s = new Symbol("log Σ_j exp η_j", Symbol.Kind.NAME, Shape.SCALAR, false, false);
    SoftmaxLeaf leaf = new SoftmaxLeaf(-1, etas);
    SoftmaxLeaf known = softmax.get(s);
    if (known != null && !known.equals(leaf)) {
      conflict = "two softmaxes over " + Text.of(eta) + " in one row's density";
    }
    softmax.put(s, leaf);
    return new Expr.Sym(s);
  }

  /** π_i of the softmax whose leaf is {@code of}. */
  private Expr probability(SoftmaxLeaf of, int i) {
    Symbol s = new Symbol("π_" + (i + 1), Symbol.Kind.NAME, Shape.SCALAR, false, false);
    SoftmaxLeaf leaf = new SoftmaxLeaf(i, of.etas());
    SoftmaxLeaf known = softmax.get(s);
    if (known != null && !known.equals(leaf)) {
      conflict = "two softmaxes in one row's density";
    }
    softmax.put(s, leaf);
    return new Expr.Sym(s);
  }

  /** {@code e} with every per-component parameter read at component j (0-based), not at the row's own. */
  private Expr atComponent(Expr e, int j) throws Unsupported {
    Symbol param = null;
    int element = 0;
    if (e instanceof Expr.Sym s && s.symbol().kind() == Symbol.Kind.PARAM && s.symbol().perComponent()) {
      param = s.symbol();
    } else if (e instanceof Expr.At at && at.vector() instanceof Expr.Sym s && s.symbol().kind() == Symbol.Kind.PARAM
        && s.symbol().perComponent() && at.index() instanceof Expr.Num n) {
      param = s.symbol();
      element = (int) n.value() - 1;
    } else if (e instanceof Expr.Sym s && (s.symbol().perComponent() || s.symbol().kind() == Symbol.Kind.COMPONENT)
        || e instanceof Expr.At at && at.index() instanceof Expr.Sym i && i.symbol().kind() == Symbol.Kind.COMPONENT) {
      throw new Unsupported("cannot write " + Text.of(e) + " at each component inside a sum over them");
    }
    if (param != null) {
      // G[j,p], as the model writes its matrix of the components' values.
      String name = Text.name(param.name()) + "[" + (j + 1) + (param.shape().isScalar() ? "" : "," + (element + 1)) + "]";
      Symbol s = new Symbol(name, Symbol.Kind.NAME, Shape.SCALAR, false, false);
      components.put(s, new ComponentLeaf(param, j, element));
      return new Expr.Sym(s);
    }
    List<Expr> children = Children.of(e);
    if (children.isEmpty()) {
      return e;
    }
    List<Expr> out = new ArrayList<>();
    for (Expr c : children) {
      out.add(atComponent(c, j));
    }
    return Children.with(e, out);
  }

  /** Whether a formula reads no parameter, nor any leaf that stands for one: a constant. */
  private boolean constant(Expr e) {
    if (e instanceof Expr.Sym s) {
      Symbol v = s.symbol();
      return v.kind() != Symbol.Kind.PARAM && !leaves.containsKey(v) && !softmax.containsKey(v)
          && !components.containsKey(v);
    }
    for (Expr c : Children.of(e)) {
      if (!constant(c)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code e} is θ[y_n], a parameter's entry looked up by a category of the row. */
  private static boolean lookup(Expr e) {
    return e instanceof Expr.At at && at.vector() instanceof Expr.Sym v && v.symbol().kind() == Symbol.Kind.PARAM
        && at.index() instanceof Expr.Sym i && i.symbol().kind() == Symbol.Kind.DATA;
  }

  /** Whether {@code e} is the row's own component's value of {@code other}'s number: G_k[p] for G_j[p]. */
  private static boolean own(Expr e, ComponentLeaf other) {
    Symbol p = other.param();
    if (p.shape().isScalar()) {
      return e instanceof Expr.Sym s && s.symbol().equals(p);
    }
    return e instanceof Expr.At at && at.vector() instanceof Expr.Sym s && s.symbol().equals(p)
        && at.index() instanceof Expr.Num n && (int) n.value() - 1 == other.element();
  }

  /** Element {@code i} (1-based) of a vector symbol: the leaf a number of a parameter is. */
  public static Expr element(Symbol vector, int i) {
    return new Expr.At(new Expr.Sym(vector), new Expr.Num(i));
  }

  private record Expansion(ToIntFunction<String> size, Derivative owner) {
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
      if (e instanceof Expr.Apply a && a.function() == Function.LOG && a.arg() instanceof Expr.SumK sum
          && sum.body() instanceof Expr.Apply exp && exp.function() == Function.EXP) {
        return owner.logNormalizer(e, exp.arg(), this);
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
      if (lookup(e)) {
        // θ[y_n], a probability looked up by a category of the row: a leaf whose derivative by
        // θ[j] is the indicator [y_n = j] (see #of).
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
        if (q.matrix() instanceof Expr.Sym m) {
          // One leaf, as a covariance's is: a t's log(ν/2 + δ/2) keeps δ in every derivative, and
          // δ written out there, D terms each time, would make the Hessian D times larger.
          List<Expr> v = new ArrayList<>();
          for (int a = 1; a <= length(q.vector()); a++) {
            v.add(elem(q.vector(), a));
          }
          return owner.leaf(m.symbol(), MatrixLeaf.Kind.QUAD, 0, 0, v, Text.of(q));
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
      if (e instanceof Expr.LogDet l && l.matrix() instanceof Expr.Sym m) {
        return owner.leaf(m.symbol(), MatrixLeaf.Kind.LOG_DET, 0, 0);
      }
      if (e instanceof Expr.QuadInv q && q.matrix() instanceof Expr.Sym m) {
        List<Expr> v = new ArrayList<>();
        for (int a = 1; a <= length(q.vector()); a++) {
          v.add(elem(q.vector(), a));
        }
        return owner.leaf(m.symbol(), MatrixLeaf.Kind.QUAD, 0, 0, v, Text.of(q));
      }
      if (e instanceof Expr.TraceInv t && t.matrix() instanceof Expr.Sym m && m.symbol().shape().isMatrix()
          && identityMultiple(t.weight()) != null) {
        // tr(c I Σ⁻¹) = c Σ_a (Σ⁻¹)_aa: an inverse-Wishart prior's scale, which emc writes as c I.
        Expr c = identityMultiple(t.weight());
        return mul(c, sum(length(m), a -> owner.inverse(m.symbol(), a - 1, a - 1)));
      }
      if (owner.constant(e)) {
        // A constant of the formula (the log-determinant of a prior's scale): its derivatives are 0.
        return e;
      }
      throw new Unsupported("cannot write " + Text.of(e) + " number by number");
    }

    /** c for c I (or I, c = 1); null for any other matrix. */
    private static Expr identityMultiple(Expr m) {
      if (m instanceof Expr.Identity) {
        return new Expr.Num(1);
      }
      if (m instanceof Expr.Mul x && x.left() instanceof Expr.Num c && x.right() instanceof Expr.Identity) {
        return c;
      }
      return null;
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
  public Expr of(Expr e, Expr x) throws Unsupported {
    if (e.equals(x)) {
      return new Expr.Num(1);
    }
    MatrixLeaf leaf = e instanceof Expr.Sym s ? leaves.get(s.symbol()) : null;
    MatrixLeaf by = x instanceof Expr.Sym w ? leaves.get(w.symbol()) : null;
    if (leaf != null && by != null && by.kind() == MatrixLeaf.Kind.ENTRY && by.matrix().equals(leaf.matrix())) {
      return matrixRule(leaf, by);
    }
    if (leaf != null && leaf.kind() == MatrixLeaf.Kind.QUAD && !leaf.matrix().shape().isMatrix()) {
      return of(writtenOut(leaf), x);
    }
    if (leaf != null && leaf.kind() == MatrixLeaf.Kind.QUAD) {
      // ∂q/∂θ = 2 Σ_a w_a ∂v_a/∂θ
      Expr sum = new Expr.Num(0);
      for (int a = 0; a < leaf.vector().size(); a++) {
        sum = add(sum, mul(solved(leaf, a), of(leaf.vector().get(a), x)));
      }
      return mul(new Expr.Num(2), sum);
    }
    if (leaf != null && leaf.kind() == MatrixLeaf.Kind.SOLVED) {
      // ∂w_a/∂θ = Σ_b (Σ⁻¹)_ab ∂v_b/∂θ
      Expr sum = new Expr.Num(0);
      for (int b = 0; b < leaf.vector().size(); b++) {
        sum = add(sum, mul(inverse(leaf.matrix(), leaf.i(), b), of(leaf.vector().get(b), x)));
      }
      return sum;
    }
    SoftmaxLeaf soft = e instanceof Expr.Sym s ? softmax.get(s.symbol()) : null;
    if (soft != null) {
      // Σ_j π_j ∂η_j, and π_j (∂η_j − Σ_i π_i ∂η_i)
      Expr mean = new Expr.Num(0);
      for (int i = 0; i < soft.etas().size(); i++) {
        mean = add(mean, mul(probability(soft, i), of(soft.etas().get(i), x)));
      }
      return soft.j() < 0 ? mean : mul(e, sub(of(soft.etas().get(soft.j()), x), mean));
    }
    ComponentLeaf other = x instanceof Expr.Sym w ? components.get(w.symbol()) : null;
    if (other != null && own(e, other)) {
      // G_k[p] by G_j[p]: [k = j], which the code reads off the component loop.
      Expr k = new Expr.Sym(new Symbol("k", Symbol.Kind.COMPONENT, Shape.SCALAR, false, true));
      return new Expr.At(new Expr.OneHot(k, componentsDim()), new Expr.Num(other.component() + 1));
    }
    if (lookup(e) && x instanceof Expr.At entry && entry.vector().equals(((Expr.At) e).vector())
        && entry.index() instanceof Expr.Num) {
      Expr.At at = (Expr.At) e;
      // ∂θ[y_n]/∂θ[j] = [y_n = j]
      return new Expr.At(new Expr.OneHot(at.index(), at.vector().shape().dim()), entry.index());
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
    if (constant(e)) {
      return new Expr.Num(0);
    }
    throw new Unsupported("cannot differentiate " + Text.of(e));
  }

  /** ∂log|Σ|/∂σ_ij and ∂(Σ⁻¹)_ab/∂σ_ij, σ_ij moving both Σ_ij and Σ_ji. */
  private Expr matrixRule(MatrixLeaf leaf, MatrixLeaf by) {
    Symbol m = leaf.matrix();
    int i = by.i();
    int j = by.j();
    if (leaf.kind() == MatrixLeaf.Kind.LOG_DET) {
      Expr p = leaf(m, MatrixLeaf.Kind.INVERSE, i, j);
      return i == j ? p : mul(new Expr.Num(2), p);
    }
    if (leaf.kind() == MatrixLeaf.Kind.ENTRY) {
      return new Expr.Num(0);
    }
    if (leaf.kind() == MatrixLeaf.Kind.QUAD) {
      Expr ww = i == j ? new Expr.Outer(solved(leaf, i), solved(leaf, i)) : mul(solved(leaf, i), solved(leaf, j));
      return neg(i == j ? ww : mul(new Expr.Num(2), ww));
    }
    if (leaf.kind() == MatrixLeaf.Kind.SOLVED) {
      int a = leaf.i();
      Expr first = mul(inverse(m, a, i), solved(leaf, j));
      return neg(i == j ? first : add(first, mul(inverse(m, a, j), solved(leaf, i))));
    }
    int a = leaf.i();
    int b = leaf.j();
    Expr first = mul(inverse(m, a, i), inverse(m, j, b));
    Expr both = i == j ? first : add(first, mul(inverse(m, a, j), inverse(m, i, b)));
    return neg(both);
  }

  /**
   * A quadratic form in a diagonal or spherical spread, Σ_a v_a² / σ²_a or Σ_a v_a² / σ², written
   * out number by number: what its leaf stands for, and is differentiated as.
   */
  public static Expr writtenOut(MatrixLeaf quadratic) {
    Expr sum = new Expr.Num(0);
    for (int a = 0; a < quadratic.vector().size(); a++) {
      Expr v = quadratic.vector().get(a);
      Expr spread = quadratic.matrix().shape().isVector() ? element(quadratic.matrix(), a + 1)
          : new Expr.Sym(quadratic.matrix());
      sum = add(sum, div(new Expr.Outer(v, v), spread));
    }
    return sum;
  }

  /** w_a = (Σ⁻¹v)_a of the quadratic form (or solved entry) {@code of}. */
  private Expr solved(MatrixLeaf of, int a) {
    return leaf(of.matrix(), MatrixLeaf.Kind.SOLVED, a, 0, of.vector(), null);
  }

  /** (Σ⁻¹)_ab, with a ≤ b: Σ⁻¹ is symmetric, and one leaf per entry lets equal terms meet. */
  private Expr inverse(Symbol m, int a, int b) {
    return leaf(m, MatrixLeaf.Kind.INVERSE, Math.min(a, b), Math.max(a, b));
  }

  private Expr apply(Expr.Apply a, Expr x) throws Unsupported {
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
    if (f == Function.LOG && lookup(u) && x instanceof Expr.At entry && entry.vector().equals(((Expr.At) u).vector())) {
      // ∂ log θ[y_n] / ∂θ[j] = [y_n = j] / θ[j]: θ[j], not θ[y_n], so that the second derivatives
      // by θ[j'] are 0 for j' ≠ j at compile time, not by a product of indicators in the code.
      return div(of(u, x), x);
    }
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
    } else if (f == Function.DIGAMMA) {
      outer = new Expr.Apply(Function.TRIGAMMA, u);
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
