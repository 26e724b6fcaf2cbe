package dev.emc.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.emc.analysis.CodeNames;
import dev.emc.analysis.EmPlan;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.math.Symbol;
import dev.emc.types.Dim;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Formulas to Java. Scalars become expressions; vectors and matrices are read element by
 * element ({@link #elem}, {@link #elem2}) inside loops the caller writes; the reductions a formula
 * needs (a dot product, a quadratic form) become short loops into temporaries, written to the
 * builder before the expression that uses them.
 *
 * <p>In the E-step, anything that does not depend on the row is computed once per component by
 * {@code prepare()} instead ({@link Hoisted}): a covariance's Cholesky factor, a reciprocal
 * variance. A quadratic form vᵀΣ⁻¹v is then a forward substitution against that factor, or, for a
 * block of rows at once, a product with its inverse ({@link BlockQuad}).
 *
 * <p>Callers compute an element expression before they open the loop that uses it, so that the
 * temporaries it needs land outside the loop.
 *
 * <p>This class holds what the walks share: the scope, the temporaries, the hoisted values and
 * how symbols are read. The walks themselves are visitors, one per shape: {@link ScalarCode},
 * {@link VectorCode} and {@link MatrixCode}, so that a new kind of node does not compile until
 * each says how it is lowered or that it is not.
 */
final class Lowering {
  private final EmPlan plan;
  final CodeNames names;
  /** Row-free subexpressions of the E-step, computed by prepare(): expression → field. */
  private final Map<Expr, Hoisted> hoisted = new LinkedHashMap<>();
  /** Set when prepare()'s values are fixed: a value hoisted after that would have no field. */
  private boolean hoistingEnded;
  /**
   * Quadratic forms vᵀM⁻¹v of the E-step that the row loop reads from {@code quadN[k][b]}: they are
   * computed for a block of rows at once ({@link BlockQuad}).
   */
  private final Map<Expr, BlockQuad> blockQuads = new LinkedHashMap<>();
  /**
   * Vectors read from the row alone that a block of rows holds transposed, element i of row n at
   * {@code [i * BLOCK + n − b0]}, for the row-lane kernels: each is transposed once per block, for
   * the E-step's forms and the statistics alike.
   */
  private final Map<Expr, String> columns = new LinkedHashMap<>();
  private int fresh;
  /** Symbols the code has computed into locals where it is being written: a row's posterior moments. */
  private final Map<Symbol, String> locals = new java.util.HashMap<>();

  Lowering(EmPlan plan, CodeNames names) {
    this.plan = plan;
    this.names = names;
  }

  /** The values hoisted so far, in the order they were first needed. */
  List<Hoisted> hoisted() {
    return List.copyOf(hoisted.values());
  }

  /**
   * Every value prepare() computes, once the formulas that need them are all lowered. From here on
   * nothing more may be hoisted: it would be read by code but never declared or computed.
   */
  List<Hoisted> endHoisting() {
    hoistingEnded = true;
    return hoisted();
  }

  private Hoisted hoist(Expr e, java.util.function.Function<Expr, Hoisted> make) {
    if (hoistingEnded && !hoisted.containsKey(e)) {
      throw new IllegalStateException("hoisted after prepare() was written: " + e);
    }
    return hoisted.computeIfAbsent(e, make);
  }

  /** The blocked quadratic forms found so far, in order: logJoint's, once it is lowered. */
  List<BlockQuad> blockQuads() {
    return List.copyOf(blockQuads.values());
  }

  /**
   * The blocked quadratic form vᵀM⁻¹v, named the first time it is read; {@code factor} is M's
   * Cholesky factor, or for a diagonal M the reciprocals of its diagonal.
   */
  BlockQuad blockQuad(Expr.QuadInv q, Hoisted factor, String dim) {
    return blockQuads.computeIfAbsent(q, x -> new BlockQuad("quad" + blockQuads.size(),
        "vq" + blockQuads.size(), q, factor,
        factor.kind() == Hoisted.Kind.CHOLESKY ? names.fresh("inv_" + factor.field()) : null, dim,
        Exprs.dependsOnComponent(q)));
  }

  /** The field of L⁻¹ for a Cholesky factor the blocked forms use, or null. */
  String inverseOf(Hoisted factor) {
    return blockQuads.values().stream().filter(q -> q.factor().equals(factor)).map(BlockQuad::inverse)
        .filter(java.util.Objects::nonNull).findFirst().orElse(null);
  }

  CodeNames names() {
    return names;
  }

  /** The array of a block's rows' {@code rowVector}, transposed; named the first time it is asked for. */
  String columns(Expr rowVector) {
    return columns.computeIfAbsent(rowVector, x -> names.fresh("cols" + columns.size()));
  }

  /** Every transposed vector asked for so far, with its array, in order. */
  Map<Expr, String> columns() {
    return java.util.Collections.unmodifiableMap(columns);
  }

  /** A value computed by prepare(), per component or once. */
  record Hoisted(String field, Expr expr, Kind kind, boolean perComponent) {
    enum Kind {
      /** The lower Cholesky factor of a covariance matrix. */
      CHOLESKY,
      /** A scalar. */
      SCALAR,
      /** A vector, element by element. */
      VECTOR
    }
  }

  /**
   * What names mean where code is written.
   *
   * @param row the variable holding the row's offset into data, or null outside the rows
   * @param k the component loop variable, or null outside a component loop
   * @param stats the statistics array, or null where there is none
   * @param hoist whether row-free subexpressions go to prepare()
   * @param unroll where the row loop is written out in full, what it reads into locals; else null
   */
  record Scope(String row, String k, String stats, boolean hoist, Unroll unroll) {
    Scope(String row, String k, String stats, boolean hoist) {
      this(row, k, stats, hoist, null);
    }

    Scope withK(String newK) {
      return new Scope(row, newK, stats, hoist, unroll);
    }
  }

  /** Writes a loop's body; {@code i} is its index and {@code in} where the loop's statements go. */
  interface Body {
    void write(String i, CodeBlock.Builder in);
  }

  /**
   * {@code for (int i = 0; i < bound; i++)}, or, unrolled, the body once per value of i. The body
   * writes what it computes before the loop to {@code out} and the loop's statements to {@code in}.
   */
  void each(String bound, Scope sc, CodeBlock.Builder out, Body body) {
    if (sc.unroll() != null) {
      int n = sc.unroll().size(bound);
      for (int c = 0; c < n; c++) {
        body.write(Integer.toString(c), out);
      }
      return;
    }
    String i = fresh("i");
    CodeBlock.Builder in = CodeBlock.builder();
    body.write(i, in);
    out.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, bound, i);
    out.add(in.build());
    out.endControlFlow();
  }

  /**
   * vᵀ M⁻¹ v for every row b of a block and every component k, into {@code name[k][b]}: ‖L⁻¹v‖² for
   * all of them at once ({@link dev.emc.runtime.BlockKernels#inverseSquares}) with the inverse of M's
   * Cholesky factor L, which prepare() computes into the field {@code inverse} — for a diagonal M (no
   * {@code inverse}), the reciprocals of its diagonal. A v = x − c is read from the block's
   * transposed rows and centred as the kernel reads it; any other v is written out as the columns of
   * {@code scratch} (element i of row b at {@code scratch[i * BLOCK + b]}), which is also where the
   * kernel's plain loops work.
   */
  record BlockQuad(String name, String scratch, Expr.QuadInv q, Hoisted factor, String inverse, String dim,
      boolean perComponent) {
    boolean diagonal() {
      return factor.kind() == Hoisted.Kind.VECTOR;
    }
  }

  /** Java text with its precedence: 0 additive, 1 multiplicative, 2 unary, 3 primary. */
  record J(String text, int prec) {
    String at(int context) {
      return prec < context ? "(" + text + ")" : text;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  static J atom(String text) {
    return new J(text, 3);
  }

  /** From here on, {@code s} reads the local {@code name}, which the code has just computed. */
  void bind(Symbol s, String name) {
    locals.put(s, name);
  }

  /** A new temporary, numbered, that no other name of the class has. */
  String fresh(String stem) {
    return names.fresh(stem + fresh++);
  }

  // ------------------------------------------------------------------ scalars

  /** A scalar formula as a Java expression; what does not read the row goes to prepare(). */
  J scalar(Expr e, Scope sc, CodeBlock.Builder out) {
    if (!e.shape().isScalar()) {
      throw new IllegalStateException("not a scalar: " + e);
    }
    if (sc.hoist() && sc.row() != null && !Exprs.dependsOnRow(e) && !isAtomic(e)) {
      return hoistScalar(e, sc);
    }
    return e.accept(new ScalarCode(this, sc, out));
  }

  /** 1/d_i for a vector d: from prepare() when d does not read the row, else computed here. */
  String reciprocal(Expr d, String i, Scope sc, CodeBlock.Builder out) {
    if (!(sc.hoist() && sc.row() != null && !Exprs.dependsOnRow(d))) {
      return "(1.0 / " + elem(d, i, sc, out).at(2) + ")";
    }
    Hoisted h = reciprocals(d);
    String n = names.size(d.shape().dim());
    return read(h.field(), (h.perComponent() ? sc.k() + " * " + n + " + " : "") + i, sc);
  }

  /** The field prepare() fills with 1/d_i, for a vector d that does not read the row. */
  Hoisted reciprocals(Expr d) {
    return hoist(new Expr.Apply(RECIPROCAL, d), x -> new Hoisted(fresh("inv"), x,
        Hoisted.Kind.VECTOR, Exprs.dependsOnComponent(x)));
  }

  /**
   * Where the scope's component's elements of a vector held in an array start: {@code array[base +
   * i]} is element i. For a parameter's own field, a hoisted vector, or (array null) no vector.
   */
  record Slice(String array, String base) {
    static final Slice NONE = new Slice("null", "0");
  }

  Slice slice(Expr.Sym c, Scope sc) {
    if (c == null) {
      return Slice.NONE;
    }
    return slice(names.field(c.symbol().name()), c.symbol().perComponent(), c.shape(), sc);
  }

  Slice slice(Hoisted h, Scope sc) {
    return slice(h.field(), h.perComponent(), h.expr().shape(), sc);
  }

  private Slice slice(String array, boolean perComponent, Shape shape, Scope sc) {
    return new Slice(array, perComponent ? sc.k() + " * " + names.size(shape.dim()) : "0");
  }

  /** An element of an array the row loop does not change: unrolled, a local loaded once. */
  static String read(String array, String index, Scope sc) {
    return sc.unroll() != null && sc.row() != null ? sc.unroll().read(array, index) : array + "[" + index + "]";
  }

  /** 1/x, as prepare() computes it for a hoisted vector of reciprocals. */
  static final dev.emc.math.Function RECIPROCAL =
      new dev.emc.math.Function("reciprocal", "1.0 / ", "1/", "1/");

  private J hoistScalar(Expr e, Scope sc) {
    Hoisted h = hoist(e, x -> new Hoisted(fresh("c"), x, Hoisted.Kind.SCALAR,
        Exprs.dependsOnComponent(x)));
    if (h.perComponent() && sc.k() == null) {
      throw new IllegalStateException("a per-component value outside a component loop: " + e);
    }
    return atom(read(h.field(), h.perComponent() ? sc.k() : "0", sc));
  }

  Hoisted cholesky(Expr matrix, Scope sc) {
    if (Exprs.dependsOnRow(matrix)) {
      throw new IllegalStateException("a covariance that changes per row: " + matrix);
    }
    Hoisted h = hoist(matrix, x -> new Hoisted(
        x instanceof Expr.Sym s ? names.fresh("chol_" + names.field(s.symbol().name())) : fresh("chol"),
        x, Hoisted.Kind.CHOLESKY, Exprs.dependsOnComponent(x)));
    if (h.perComponent() && sc.k() == null) {
      throw new IllegalStateException("a per-component matrix outside a component loop: " + matrix);
    }
    return h;
  }

  /** Where a hoisted matrix's block starts. */
  String matrixBase(Hoisted h, Scope sc) {
    String d = names.size(h.expr().shape().dim());
    return h.perComponent() ? sc.k() + " * " + d + " * " + d : "0";
  }

  /** The 0-based position of a category value: k itself for the component, y − 1 for data. */
  String categoryIndex(Expr index, Scope sc, CodeBlock.Builder out) {
    if (index instanceof Expr.Sym s && s.symbol().kind() == Symbol.Kind.COMPONENT) {
      return sc.k();
    }
    if (index instanceof Expr.Num n) {
      return Integer.toString((int) n.value() - 1);
    }
    String t = fresh("c");
    out.addStatement("final int $L = (int) $L - 1", t, scalar(index, sc, out).at(1));
    return t;
  }

  // ------------------------------------------------------------------ vectors and matrices

  /** Element {@code i} of a vector expression. */
  J elem(Expr e, String i, Scope sc, CodeBlock.Builder out) {
    if (!e.shape().isVector()) {
      throw new IllegalStateException("not a vector: " + e);
    }
    return e.accept(new VectorCode(this, i, sc, out));
  }

  /** Element (i, j) of a matrix expression. */
  J elem2(Expr e, String i, String j, Scope sc, CodeBlock.Builder out) {
    if (!e.shape().isMatrix()) {
      throw new IllegalStateException("not a matrix: " + e);
    }
    return e.accept(new MatrixCode(this, i, j, sc, out));
  }

  /** Σ_k of a vector or matrix: summed into a temporary array before the caller's loop. */
  J materialize(Expr.SumK s, Scope sc, CodeBlock.Builder out, String i, String j) {
    if (sc.row() != null) {
      throw new IllegalStateException("a sum over components inside the row loop: " + s);
    }
    Shape shape = s.shape();
    String d = names.size(shape.dim());
    String t = fresh("acc");
    String k = fresh("k");
    String a = fresh("a");
    String b = fresh("b");
    out.addStatement("final double[] $L = new double[$L]", t, shape.isVector() ? d : d + " * " + d);
    out.beginControlFlow("for (int $L = 0; $L < K; $L++)", k, k, k);
    Scope inner = sc.withK(k);
    if (shape.isVector()) {
      J body = elem(s.body(), a, inner, out);
      out.beginControlFlow("for (int $L = 0; $L < $L; $L++)", a, a, d, a);
      out.addStatement("$L[$L] += $L", t, a, body);
    } else {
      J body = elem2(s.body(), a, b, inner, out);
      out.beginControlFlow("for (int $L = 0; $L < $L; $L++)", a, a, d, a);
      out.beginControlFlow("for (int $L = 0; $L < $L; $L++)", b, b, d, b);
      out.addStatement("$L[$L * $L + $L] += $L", t, a, d, b, body);
      out.endControlFlow();
    }
    out.endControlFlow();
    out.endControlFlow();
    return atom(t + "[" + (j == null ? i : i + " * " + d + " + " + j) + "]");
  }

  // ------------------------------------------------------------------ symbols

  /** A symbol's value, or its element i, or (i, j), where the scope says it lives. */
  J access(Symbol s, Scope sc, String i, String j) {
    return access(s, sc, i, j, null);
  }

  /** The same, reading a parameter from {@code array} instead of its own field. */
  J access(Symbol s, Scope sc, String i, String j, String array) {
    String local = locals.get(s);
    if (local != null) {
      return atom(local);
    }
    Shape shape = s.shape();
    return switch (s.kind()) {
      case DATA -> {
        String offset = names.dataOffset(s.name());
        if (sc.unroll() != null) {
          yield atom(sc.unroll().data(names.field(s.name()), sc.row(), offset + (i == null ? "" : " + " + i)));
        }
        String at = sc.row() + (offset.equals("0") ? "" : " + " + offset) + (i == null ? "" : " + " + i);
        yield atom("data[" + at + "]");
      }
      case PARAM -> atom(array != null ? array + "[" + element(shape, s.perComponent(), sc, i, j, "") + "]"
          : read(names.field(s.name()), element(shape, s.perComponent(), sc, i, j, ""), sc));
      case STATISTIC -> sc.unroll() != null
          ? atom(sc.unroll().sum(names.statOffset(s.name()), element(shape, s.perComponent(), sc, i, j, "")))
          : atom(sc.stats() + "[" + element(shape, s.perComponent(), sc, i, j,
              names.statOffset(s.name()) + " + ") + "]");
      // The M-step names the counts it divides by so often: Nk and N.
      case COUNT -> atom(sc.row() == null && "k".equals(sc.k()) ? "Nk" : sc.stats() + "[COUNT + " + requireK(sc, s) + "]");
      case COUNTS -> atom(sc.stats() + "[COUNT + " + i + "]");
      case TOTAL -> atom(sc.row() == null && sc.stats() != null ? "N" : sc.stats() + "[WEIGHT]");
      case SETTING -> atom(read(names.field(s.name()), i == null ? "0" : i, sc));
      case COMPONENT -> new J(requireK(sc, s) + " + 1", 0);
      case RESPONSIBILITY, INDICATOR, NAME ->
          throw new IllegalStateException("the derivation's symbol " + s.name() + " in code");
    };
  }

  private String element(Shape shape, boolean perComponent, Scope sc, String i, String j, String base) {
    String d = shape.isScalar() ? null : names.size(shape.dim());
    List<String> parts = new ArrayList<>();
    if (perComponent) {
      String k = sc.k();
      if (k == null) {
        throw new IllegalStateException("a per-component value outside a component loop");
      }
      parts.add(shape.isScalar() ? k : shape.isVector() ? k + " * " + d : k + " * " + d + " * " + d);
    }
    if (shape.isVector()) {
      parts.add(i);
    } else if (shape.isMatrix()) {
      parts.add(i + " * " + d + " + " + j);
    }
    String index = parts.isEmpty() ? "0" : String.join(" + ", parts);
    return base + index;
  }

  private static String requireK(Scope sc, Symbol s) {
    if (sc.k() == null) {
      throw new IllegalStateException(s.name() + " outside a component loop");
    }
    return sc.k();
  }

  static String index2(String base, String i, String j, String d) {
    return (base.equals("0") ? "" : base + " + ") + i + " * " + d + " + " + j;
  }

  // ------------------------------------------------------------------ small things

  /** A non-trivial expression as a final local, so that it is computed once. */
  J temp(J value, Scope sc, CodeBlock.Builder out) {
    if (value.prec() == 3 || value.text().matches("-?[0-9.eE+-]+")) {
      return value;
    }
    return atom(rowValue("v", value.text(), sc, out));
  }

  /**
   * A local holding {@code value}. In a written-out row, whose statements are one straight line,
   * a value already computed for this row is reused rather than computed again: a regression's
   * residual y − βᵀu is read by the log-density and by every statistic.
   */
  String rowValue(String stem, String value, Scope sc, CodeBlock.Builder out) {
    Unroll u = sc.row() == null ? null : sc.unroll();
    String known = u == null ? null : u.rowValues.get(value);
    if (known != null) {
      return known;
    }
    String t = fresh(stem);
    out.addStatement("final double $L = $L", t, value);
    if (u != null) {
      u.rowValues.put(value, t);
    }
    return t;
  }

  static boolean isAtomic(Expr e) {
    return e instanceof Expr.Num || e instanceof Expr.Sym || e instanceof Expr.Size;
  }

  static J number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      String text = (long) v + ".0";
      return v < 0 ? new J(text, 2) : atom(text);
    }
    String text = Double.toString(v);
    return v < 0 ? new J(text, 2) : atom(text);
  }

  static Dim dimOf(Expr e) {
    return e.shape().dim();
  }
}
