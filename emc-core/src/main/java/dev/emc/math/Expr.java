package dev.emc.math;

import dev.emc.types.Dim;
import java.util.Objects;

/**
 * A formula: what a family says about itself (its log-density, its sufficient statistics, its
 * M-step update) and what the compiler assembles from those. The code generator lowers a formula
 * to Java and the derivation prints it as mathematics, so the code and the document are one tree.
 *
 * <p>Operations are shape-polymorphic where the mathematics is: the same Normal formulas serve a
 * scalar with its variance and a vector with its covariance, because {@link QuadInv}, {@link
 * LogDet} and {@link Outer} mean (x−μ)²/σ², log σ² and d² on scalars. Every node checks its
 * operands' shapes when built, so a malformed formula fails in the family that wrote it.
 *
 * <p>Records compare by structure, which is what common-subexpression lookups want.
 */
public sealed interface Expr {
  Shape shape();

  /** What {@code v} makes of this node: its visit method for this node's kind. */
  <R> R accept(Visitor<R> v);

  /**
   * A walk over formulas with one method per kind of node, as jlox's {@code Expr.Visitor}: Java 17
   * has no pattern {@code switch} without preview, and an {@code instanceof} chain that ends in a
   * throw lets a new kind of node through to run time. With a visitor, a new kind does not compile
   * until every walk says what it does with it, even if that is to refuse it.
   */
  interface Visitor<R> {
    R visitNum(Num e);
    R visitSym(Sym e);
    R visitSize(Size e);
    R visitFill(Fill e);
    R visitIdentity(Identity e);

    R visitNeg(Neg e);
    R visitAdd(Add e);
    R visitSub(Sub e);
    R visitMul(Mul e);
    R visitDiv(Div e);
    R visitApply(Apply e);
    R visitHadamard(Hadamard e);
    R visitTotal(Total e);

    R visitDot(Dot e);
    R visitOuter(Outer e);
    R visitQuadInv(QuadInv e);
    R visitLogDet(LogDet e);
    R visitTraceInv(TraceInv e);
    R visitDiag(Diag e);

    R visitAt(At e);
    R visitOneHot(OneHot e);
    R visitRowSum(RowSum e);
    R visitSumK(SumK e);

    R visitSum(Sum e);
    R visitRelation(Relation e);
    R visitPartial(Partial e);
    R visitDensity(Density e);
    R visitInv(Inv e);
    R visitSolve(Solve e);
    R visitMatMul(MatMul e);
    R visitTranspose(Transpose e);
  }

  // ------------------------------------------------------------------ leaves

  /** A number. */
  record Num(double value) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitNum(this);
    }

    @Override
    public Shape shape() {
      return Shape.SCALAR;
    }
  }

  /** A named quantity. */
  record Sym(Symbol symbol) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitSym(this);
    }

    @Override
    public Shape shape() {
      return symbol.shape();
    }
  }

  /** A size as a number, such as the D in (D/2) log 2π. */
  record Size(Dim dim) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitSize(this);
    }

    @Override
    public Shape shape() {
      return Shape.SCALAR;
    }
  }

  /** A vector with every element equal to a scalar: how a number stands for a vector. */
  record Fill(Expr value, Dim dim) implements Expr {
    public Fill {
      requireScalar(value, "a filled vector's value");
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitFill(this);
    }

    @Override
    public Shape shape() {
      return Shape.vector(dim);
    }
  }

  /** The identity matrix I of a size. */
  record Identity(Dim dim) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitIdentity(this);
    }

    @Override
    public Shape shape() {
      return Shape.matrix(dim);
    }
  }

  // ------------------------------------------------------------------ arithmetic

  record Neg(Expr operand) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitNeg(this);
    }

    @Override
    public Shape shape() {
      return operand.shape();
    }
  }

  /** a + b, of equal shapes. */
  record Add(Expr left, Expr right) implements Expr {
    public Add {
      requireSame(left, right, "+");
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitAdd(this);
    }

    @Override
    public Shape shape() {
      return left.shape();
    }
  }

  /** a − b, of equal shapes. */
  record Sub(Expr left, Expr right) implements Expr {
    public Sub {
      requireSame(left, right, "−");
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitSub(this);
    }

    @Override
    public Shape shape() {
      return left.shape();
    }
  }

  /** A scalar times anything, or anything times a scalar. */
  record Mul(Expr left, Expr right) implements Expr {
    public Mul {
      if (!left.shape().isScalar() && !right.shape().isScalar()) {
        throw new IllegalArgumentException("× needs a scalar side: " + left.shape() + " × " + right.shape());
      }
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitMul(this);
    }

    @Override
    public Shape shape() {
      return left.shape().isScalar() ? right.shape() : left.shape();
    }
  }

  /** Anything divided by a scalar. */
  record Div(Expr left, Expr right) implements Expr {
    public Div {
      requireScalar(right, "a divisor");
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitDiv(this);
    }

    @Override
    public Shape shape() {
      return left.shape();
    }
  }

  /**
   * A function of numbers, such as log x or atan2(s, c). Applied to vectors it works element by
   * element; its vector arguments must then have one shape, and scalars stand for every element.
   */
  record Apply(Function function, java.util.List<Expr> args) implements Expr {
    public Apply {
      Objects.requireNonNull(function);
      args = java.util.List.copyOf(args);
      Shape vector = null;
      for (Expr a : args) {
        if (a.shape().isMatrix()) {
          throw new IllegalArgumentException(function.name() + " of a matrix");
        }
        if (a.shape().isVector()) {
          if (vector != null && !vector.equals(a.shape())) {
            throw new IllegalArgumentException(function.name() + " of " + vector + " and " + a.shape());
          }
          vector = a.shape();
        }
      }
    }

    public Apply(Function function, Expr arg) {
      this(function, java.util.List.of(arg));
    }

    /**
     * What the printers show: {@link Function#TIMES_LOG} as the product it stands for, a b (a ∘ b
     * for vectors), {@link Function#LOG1P_EXP} as log(1 + exp x); any other function as itself.
     */
    public Expr asWritten() {
      if (function == Function.LOG1P_EXP) {
        return log(add(num(1), new Apply(Function.EXP, arg())));
      }
      if (function != Function.TIMES_LOG) {
        return this;
      }
      Expr a = args.get(0);
      Expr b = args.get(1);
      return a.shape().isVector() && b.shape().isVector() ? new Hadamard(a, b) : new Mul(a, b);
    }

    /** The only argument of a one-argument function. */
    public Expr arg() {
      return args.get(0);
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitApply(this);
    }

    @Override
    public Shape shape() {
      for (Expr a : args) {
        if (a.shape().isVector()) {
          return a.shape();
        }
      }
      return Shape.SCALAR;
    }
  }

  /** a ∘ b: vectors multiplied element by element. */
  record Hadamard(Expr left, Expr right) implements Expr {
    public Hadamard {
      if (left.shape().isScalar()) {
        throw new IllegalArgumentException("∘ of scalars");
      }
      requireSame(left, right, "∘");
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitHadamard(this);
    }

    @Override
    public Shape shape() {
      return left.shape();
    }
  }

  /** Σ_i v_i: a vector's elements added up. */
  record Total(Expr vector) implements Expr {
    public Total {
      requireVector(vector, "a total");
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitTotal(this);
    }

    @Override
    public Shape shape() {
      return Shape.SCALAR;
    }
  }

  // ------------------------------------------------------------------ linear algebra

  /** uᵀv. */
  record Dot(Expr left, Expr right) implements Expr {
    public Dot {
      requireVector(left, "dot");
      requireSame(left, right, "dot");
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitDot(this);
    }

    @Override
    public Shape shape() {
      return Shape.SCALAR;
    }
  }

  /** uvᵀ for vectors (of any two lengths); the product for scalars. */
  record Outer(Expr left, Expr right) implements Expr {
    public Outer {
      if (left.shape().rank() != right.shape().rank() || left.shape().isMatrix()) {
        throw new IllegalArgumentException("outer product of " + left.shape() + " and " + right.shape());
      }
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitOuter(this);
    }

    @Override
    public Shape shape() {
      return left.shape().isScalar() ? Shape.SCALAR : Shape.matrix(left.shape().dim(), right.shape().dim());
    }

    /** vvᵀ: symmetric, so half of it is enough to store. */
    public boolean isSymmetric() {
      return left.equals(right);
    }
  }

  /**
   * vᵀ M⁻¹ v for a symmetric positive-definite M. M may also be a vector, the diagonal of a
   * diagonal matrix, or a scalar m standing for m·I; for a scalar v it is v²/m.
   */
  record QuadInv(Expr matrix, Expr vector) implements Expr {
    public QuadInv {
      boolean full = matrix.shape().isMatrix() && vector.shape().isVector()
          && matrix.shape().dim().equals(vector.shape().dim());
      boolean diagonal = matrix.shape().isVector() && matrix.shape().equals(vector.shape());
      boolean spherical = matrix.shape().isScalar();
      if (!(full || diagonal || spherical)) {
        throw new IllegalArgumentException("quadratic form of " + matrix.shape() + " and " + vector.shape());
      }
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitQuadInv(this);
    }

    @Override
    public Shape shape() {
      return Shape.SCALAR;
    }
  }

  /**
   * log |M| for a symmetric positive-definite M; for a vector, the diagonal of a diagonal matrix,
   * Σ_i log m_i; for a positive scalar, log m.
   */
  record LogDet(Expr matrix) implements Expr {

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitLogDet(this);
    }

    @Override
    public Shape shape() {
      return Shape.SCALAR;
    }
  }

  /**
   * tr(A M⁻¹) for a symmetric positive-definite M. As with {@link QuadInv}, M may be a diagonal
   * (a vector) or a multiple of I (a scalar); then A is its diagonal too (a vector), or a scalar.
   */
  record TraceInv(Expr weight, Expr matrix) implements Expr {
    public TraceInv {
      boolean same = weight.shape().equals(matrix.shape());
      boolean spherical = matrix.shape().isScalar() && weight.shape().isVector();
      if (!same && !spherical) {
        throw new IllegalArgumentException("trace of " + weight.shape() + " and " + matrix.shape());
      }
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitTraceInv(this);
    }

    @Override
    public Shape shape() {
      return Shape.SCALAR;
    }
  }

  /** diag(v): the matrix with v on its diagonal. */
  record Diag(Expr vector) implements Expr {
    public Diag {
      requireVector(vector, "diag");
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitDiag(this);
    }

    @Override
    public Shape shape() {
      return Shape.matrix(vector.shape().dim());
    }
  }

  // ------------------------------------------------------------------ categories and components

  /** v_i: the element of a vector at a category value i ∈ 1..n. */
  record At(Expr vector, Expr index) implements Expr {
    public At {
      requireVector(vector, "indexing");
      requireScalar(index, "an index");
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitAt(this);
    }

    @Override
    public Shape shape() {
      return Shape.SCALAR;
    }
  }

  /** e_i: the unit vector of a size with a 1 at category value i ∈ 1..n. */
  record OneHot(Expr index, Dim dim) implements Expr {
    public OneHot {
      requireScalar(index, "an index");
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitOneHot(this);
    }

    @Override
    public Shape shape() {
      return Shape.vector(dim);
    }
  }

  /**
   * Σ_n r_nk body (Σ_n body when {@code weighted} is false): a sum over the rows, as a textbook
   * writes an update. Only the derivation prints it; code reaches such sums through statistics.
   */
  record RowSum(Expr body, boolean weighted) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitRowSum(this);
    }

    @Override
    public Shape shape() {
      return body.shape();
    }
  }

  /**
   * Σ_k body: a sum over the components; per-component symbols inside are the summed one's.
   * {@code index} is the letter the derivation writes for it (k, or j inside an expression that
   * already has a k).
   */
  record SumK(Expr body, String index) implements Expr {
    public SumK(Expr body) {
      this(body, "k");
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitSumK(this);
    }

    @Override
    public Shape shape() {
      return body.shape();
    }
  }

  // ------------------------------------------------------------------ the derivation's own

  /**
   * Σ_{index = from}^{to} body, over a range the derivation names itself (the rows of a sequence
   * after its first: n = 2 … N); with {@code from} and {@code to} null, Σ_{index} body over a set
   * the prose names (all paths Z). Only the derivation prints it.
   */
  record Sum(String index, String from, String to, Expr body) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitSum(this);
    }

    @Override
    public Shape shape() {
      return body.shape();
    }
  }

  /** {@code left op right}: an equation, a definition, an inequality. Only the derivation prints it. */
  record Relation(Op op, Expr left, Expr right) implements Expr {
    public enum Op {
      EQ("=", "=", "="),
      GE("≥", "\\ge", "&#8805;"),
      DEFINED("≡", "\\equiv", "&#8801;"),
      SAMPLED("∼", "\\sim", "&#8764;"),
      /** What the code computes: the left side becomes the right. */
      ASSIGN("←", "\\leftarrow", "&#8592;"),
      LE("≤", "\\le", "&#8804;");

      private final String text;
      private final String tex;
      private final String mathml;

      Op(String text, String tex, String mathml) {
        this.text = text;
        this.tex = tex;
        this.mathml = mathml;
      }

      public String text() {
        return text;
      }

      public String tex() {
        return tex;
      }

      public String mathml() {
        return mathml;
      }
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitRelation(this);
    }

    @Override
    public Shape shape() {
      return left.shape();
    }
  }

  /** ∂body/∂wrt. */
  record Partial(Expr body, Expr wrt) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitPartial(this);
    }

    @Override
    public Shape shape() {
      return wrt.shape();
    }
  }

  /**
   * A density by its name, f(value | params): 𝒩(x_n | μ_k, Σ_k). The family gives its notation;
   * what the density is, the family's log-density says.
   */
  record Density(Notation notation, Expr value, java.util.List<Expr> params) implements Expr {
    public Density {
      params = java.util.List.copyOf(params);
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitDensity(this);
    }

    @Override
    public Shape shape() {
      return Shape.SCALAR;
    }
  }

  /** How a family's name is written: 𝒩 / {@code \mathcal{N}} / its MathML. */
  record Notation(String text, String tex, String mathml) {}

  /** M⁻¹; for a vector, the diagonal of a diagonal matrix, its elements' reciprocals. */
  record Inv(Expr matrix) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitInv(this);
    }

    @Override
    public Shape shape() {
      return matrix.shape();
    }
  }

  /** A⁻¹ b: the solution of A y = b for a symmetric positive-definite A. */
  record Solve(Expr matrix, Expr vector) implements Expr {
    public Solve {
      if (!matrix.shape().isMatrix() || !vector.shape().isVector()
          || !matrix.shape().dim().equals(vector.shape().dim())) {
        throw new IllegalArgumentException("solve with " + matrix.shape() + " and " + vector.shape());
      }
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitSolve(this);
    }

    @Override
    public Shape shape() {
      return vector.shape();
    }
  }

  /** A B: a matrix times a vector or a matrix. */
  record MatMul(Expr left, Expr right) implements Expr {
    public MatMul {
      if (!left.shape().isMatrix() || right.shape().isScalar() || !left.shape().cols().equals(right.shape().dim())) {
        throw new IllegalArgumentException("matrix product of " + left.shape() + " and " + right.shape());
      }
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitMatMul(this);
    }

    @Override
    public Shape shape() {
      return right.shape().isVector() ? Shape.vector(left.shape().dim())
          : Shape.matrix(left.shape().dim(), right.shape().cols());
    }
  }

  /** Mᵀ. */
  record Transpose(Expr matrix) implements Expr {
    public Transpose {
      if (!matrix.shape().isMatrix()) {
        throw new IllegalArgumentException("transpose of " + matrix.shape());
      }
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitTranspose(this);
    }

    @Override
    public Shape shape() {
      return Shape.matrix(matrix.shape().cols(), matrix.shape().dim());
    }
  }

  /** The operands of a node, in order; none for a leaf. */
  static java.util.List<Expr> children(Expr e) {
    return Children.of(e);
  }

  // ------------------------------------------------------------------ builders, for readable formulas

  static Expr num(double v) {
    return new Num(v);
  }

  static Expr sym(Symbol s) {
    return new Sym(s);
  }

  static Expr add(Expr a, Expr b) {
    return new Add(a, b);
  }

  static Expr sub(Expr a, Expr b) {
    return new Sub(a, b);
  }

  static Expr mul(Expr a, Expr b) {
    return new Mul(a, b);
  }

  static Expr mul(double a, Expr b) {
    return new Mul(new Num(a), b);
  }

  static Expr div(Expr a, Expr b) {
    return new Div(a, b);
  }

  static Expr neg(Expr a) {
    return new Neg(a);
  }

  static Expr log(Expr a) {
    return new Apply(Function.LOG, a);
  }

  /**
   * x log y (x ∘ log y for vectors) with 0 · log 0 = 0: how a log-density writes a term that is 0
   * where the value cannot occur, so that a probability of 0 or 1 gives no NaN.
   */
  static Expr timesLog(Expr x, Expr y) {
    return new Apply(Function.TIMES_LOG, java.util.List.of(x, log(y)));
  }

  static Expr size(Dim d) {
    return new Size(d);
  }

  static Expr outer(Expr a, Expr b) {
    return new Outer(a, b);
  }

  /** vvᵀ (v² for a scalar). */
  static Expr square(Expr v) {
    return new Outer(v, v);
  }

  /** I of the shape of a covariance for values of this shape: a matrix for a vector, 1 for a scalar. */
  static Expr identityLike(Shape valueShape) {
    return valueShape.isScalar() ? new Num(1) : new Identity(valueShape.dim());
  }

  // ------------------------------------------------------------------ shape checks

  private static void requireSame(Expr a, Expr b, String op) {
    if (!a.shape().equals(b.shape())) {
      throw new IllegalArgumentException(op + " of " + a.shape() + " and " + b.shape());
    }
  }

  private static void requireScalar(Expr e, String what) {
    if (!e.shape().isScalar()) {
      throw new IllegalArgumentException(what + " must be a scalar, not " + e.shape());
    }
  }

  private static void requireVector(Expr e, String what) {
    if (!e.shape().isVector()) {
      throw new IllegalArgumentException(what + " needs a vector, not " + e.shape());
    }
  }
}
