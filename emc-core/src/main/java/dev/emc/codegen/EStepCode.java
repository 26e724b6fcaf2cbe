package dev.emc.codegen;

import static dev.emc.codegen.JavaGenerator.DOUBLES;
import static dev.emc.codegen.JavaGenerator.override;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.emc.analysis.EmPlan;
import dev.emc.analysis.EquationNumbers;
import dev.emc.codegen.Lowering.J;
import dev.emc.codegen.Lowering.Scope;
import dev.emc.math.Expr;
import dev.emc.math.Text;
import dev.emc.runtime.BlockKernels;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The E-step of a finite latent that every way of passing over the rows shares: {@code logJoint},
 * log p(x_n, z = k) for every k; the blocked quadratic forms it reads; the rows' emission densities
 * ({@code logDensities}) and their statistics at given responsibilities ({@code accumulateGiven}).
 *
 * <p>logJoint is lowered before anything else reads {@link Lowering#blockQuads()}: lowering it is
 * what finds the quadratic forms that the other methods declare and pass along.
 */
final class EStepCode {
  /** Rows per block: the E-step's quadratic forms and the statistics go a block at a time. */
  static final int BLOCK = 128;

  private final EmPlan plan;
  /** The derivation whose equation numbers the comments cite. */
  private final EquationNumbers derivation;
  private final Lowering low;
  private final StatisticsCode statistics;

  EStepCode(EmPlan plan, EquationNumbers derivation, Lowering low, StatisticsCode statistics) {
    this.plan = plan;
    this.derivation = derivation;
    this.low = low;
    this.statistics = statistics;
  }

  /**
   * The terms of log p(x_n, z = k), by what they read: the row only ({@code base}), the row and the
   * component, or neither ({@code rowFree}: prepare() adds those up into logConst[k]).
   */
  record JointTerms(Expr all, List<Exprs.Term> base, List<Exprs.Term> perComponent, List<Exprs.Term> rowFree) {
    static JointTerms of(EmPlan plan) {
      List<Exprs.Term> base = new ArrayList<>();
      List<Exprs.Term> perComponent = new ArrayList<>();
      List<Exprs.Term> rowFree = new ArrayList<>();
      Expr all = null;
      for (Expr logDensity : plan.latent().rowLogDensities(plan.factors())) {
        all = all == null ? logDensity : new Expr.Add(all, logDensity);
        for (Exprs.Term t : Exprs.terms(logDensity)) {
          boolean row = Exprs.dependsOnRow(t.expr());
          boolean comp = Exprs.dependsOnComponent(t.expr());
          (row ? (comp ? perComponent : base) : rowFree).add(t);
        }
      }
      return new JointTerms(all, base, perComponent, rowFree);
    }
  }

  /** What logJoint computes: the joint of a row and its component, or a chain's emission density. */
  static String joint(EmPlan plan) {
    return plan.latent().rowDensity();
  }

  MethodSpec logJoint() {
    Scope scope = new Scope("row", "k", null, true);
    CodeBlock.Builder body = CodeBlock.builder();
    JointTerms terms = JointTerms.of(plan);
    body.add("// (eq. $L) $L = $L\n", derivation.number("joint"), joint(plan), Text.of(terms.all()));
    body.add("// The terms that do not read the row are logConst[k], from prepare().\n");
    String baseText = null;
    if (!terms.base().isEmpty()) {
      baseText = "base";
      body.addStatement("final double base = $L", low.scalar(Exprs.sum(terms.base()), scope.withK(null), body));
    }
    body.addStatement("double max = Double.NEGATIVE_INFINITY");
    body.beginControlFlow("for (int k = 0; k < K; k++)");
    StringBuilder v = new StringBuilder("logConst[k]");
    if (baseText != null) {
      v.append(" + base");
    }
    for (Exprs.Term t : terms.perComponent()) {
      J term = low.scalar(t.expr(), scope, body);
      v.append(signed(t.coefficient(), term));
    }
    body.addStatement("final double v = $L", v);
    body.addStatement("lp[k] = v");
    body.beginControlFlow("if (v > max)");
    body.addStatement("max = v");
    body.endControlFlow();
    body.endControlFlow();
    body.addStatement("return max");
    MethodSpec.Builder m = MethodSpec.methodBuilder("logJoint")
        .addJavadoc("The E-step's $L for every component k, into {@code lp}; returns their maximum.\n", joint(plan))
        .addModifiers(Modifier.PRIVATE)
        .returns(TypeName.DOUBLE)
        .addParameter(DOUBLES, "data", Modifier.FINAL)
        .addParameter(TypeName.INT, "row", Modifier.FINAL)
        .addParameter(TypeName.INT, "b", Modifier.FINAL)
        .addParameter(DOUBLES, "lp", Modifier.FINAL);
    if (!low.blockQuads().isEmpty()) {
      m.addJavadoc("Row {@code row} is row {@code b} of its block: its quadratic forms are in quadN[k][b].\n");
    }
    for (Lowering.BlockQuad q : low.blockQuads()) {
      m.addParameter(ArrayTypeName.of(DOUBLES), q.name(), Modifier.FINAL);
    }
    return m.addCode(body.build()).build();
  }

  /** A term of a sum, with its sign: {@code + t}, {@code - t} or {@code - 0.5 * t}. */
  static String signed(double c, J term) {
    if (c == 1.0) {
      return " + " + term.at(1);
    }
    if (c == -1.0) {
      return " - " + term.at(1);
    }
    String mag = Lowering.number(Math.abs(c)).text();
    return (c < 0 ? " - " : " + ") + mag + " * " + term.at(2);
  }

  /**
   * Whether the block's log p(x_n, z = k) is logConst[k] plus multiples of its blocked quadratic
   * forms alone (a Gaussian mixture's), so that {@link #blockJoint} can write it a component at a
   * time over the rows; else logJoint goes row by row. Asked after logJoint is lowered.
   */
  boolean jointByBlock() {
    JointTerms terms = JointTerms.of(plan);
    List<Expr> blocked = low.blockQuads().stream().map(q -> (Expr) q.q()).toList();
    return terms.base().isEmpty() && !terms.perComponent().isEmpty()
        && terms.perComponent().stream().allMatch(t -> blocked.contains(t.expr()));
  }

  /**
   * Whether the pass puts rows in vector lanes: the joint by blocks, with the Vector API there. Its
   * kernels beat the written-out pass (BENCHMARKS.md: workload a 8–12 against 16 ns per row, c 24
   * against 100); without the Vector API their plain loops lose to it (a 36 against 22, c 200 against
   * 105, measured before the last kernels). The source then depends on the JVM's flags, and so does
   * the compile cache's key.
   */
  boolean byLanes() {
    return BlockKernels.lanes() > 1 && jointByBlock();
  }

  /** log p(x_n, z = k) of rows b0 … b1 − 1 into {@code out[k * BLOCK + n − b0]} ({@link #jointByBlock}). */
  void blockJoint(CodeBlock.Builder b, String out) {
    JointTerms terms = JointTerms.of(plan);
    b.add("// (eq. $L) $L = $L, a component at a time\n", derivation.number("joint"), joint(plan),
        Text.of(terms.all()));
    b.beginControlFlow("for (int k = 0; k < K; k++)");
    StringBuilder v = new StringBuilder("logConst[k]");
    for (Exprs.Term t : terms.perComponent()) {
      Lowering.BlockQuad q = low.blockQuads().stream().filter(x -> x.q().equals(t.expr())).findFirst().orElseThrow();
      String form = q.name() + (q.perComponent() ? "_k" : "_0");
      b.addStatement("final double[] $L = $L[$L]", form, q.name(), q.perComponent() ? "k" : "0");
      v.append(signed(t.coefficient(), Lowering.atom(form + "[n]")));
    }
    b.beginControlFlow("for (int n = 0; n < b1 - b0; n++)");
    b.addStatement("$L[k * BLOCK + n] = $L", out, v);
    b.endControlFlow();
    b.endControlFlow();
  }

  /** Whether logJoint reads quadratic forms that quadForms() computes a block at a time. */
  boolean hasQuadForms() {
    return !low.blockQuads().isEmpty();
  }

  /**
   * The quadratic forms of a block of rows, computed together (see {@link Lowering.BlockQuad}):
   * one product with the inverse Cholesky factor per component over all the block's rows.
   */
  MethodSpec quadForms() {
    CodeBlock.Builder b = CodeBlock.builder();
    for (Lowering.BlockQuad q : low.blockQuads()) {
      b.add("// $L for rows b0 … b1 − 1\n", Text.of(q.q()));
      if (q.diagonal()) {
        diagonalForms(q, b);
        continue;
      }
      if (q.perComponent()) {
        b.beginControlFlow("for (int k = 0; k < K; k++)");
      }
      String k = q.perComponent() ? "k" : "0";
      Scope sc = new Scope("row", q.perComponent() ? "k" : null, null, true);
      Exprs.Centred v = Exprs.Centred.of(q.q().vector());
      // v − c: the transposed rows about the centre, which the kernel subtracts as it reads them, or
      // the vector written out row by row (c = 0).
      String rows = v != null ? low.columns(v.row()) : q.scratch();
      Lowering.Slice centre = v != null ? low.slice(v.centre(), sc) : Lowering.Slice.NONE;
      if (v == null) {
        b.beginControlFlow("for (int n = b0; n < b1; n++)");
        b.addStatement("final int row = n * COLUMNS");
        low.each(q.dim(), sc, b, (i, in) -> in.addStatement("$L[$L * BLOCK + n - b0] = $L", q.scratch(), i,
            low.elem(q.q().vector(), i, sc, in)));
        b.endControlFlow();
      }
      b.addStatement("$T.fill($L[$L], 0.0)", java.util.Arrays.class, q.name(), k);
      b.addStatement("$T.inverseSquares($L, $L, $L, $L, $L, $L, BLOCK, b1 - b0, $L[$L], $L)", BlockKernels.class,
          q.inverse(), low.matrixBase(q.factor(), sc), q.dim(), rows, centre.array(), centre.base(), q.name(), k,
          q.scratch());
      if (q.perComponent()) {
        b.endControlFlow();
      }
    }
    MethodSpec.Builder m = MethodSpec.methodBuilder("quadForms")
        .addJavadoc("The E-step's quadratic forms for rows [b0, b1), into quadN[k][n − b0].\n")
        .addModifiers(Modifier.PRIVATE)
        .addParameter(DOUBLES, "data", Modifier.FINAL)
        .addParameter(TypeName.INT, "b0", Modifier.FINAL)
        .addParameter(TypeName.INT, "b1", Modifier.FINAL);
    for (Lowering.BlockQuad q : low.blockQuads()) {
      m.addParameter(ArrayTypeName.of(DOUBLES), q.name(), Modifier.FINAL);
      if (!q.diagonal()) {
        m.addParameter(DOUBLES, q.scratch(), Modifier.FINAL);
      }
    }
    for (String array : formColumns()) {
      m.addParameter(DOUBLES, array, Modifier.FINAL);
    }
    return m.addCode(b.build()).build();
  }

  /**
   * A diagonal form Σ_i (a_i − c_i)² / d_i: per component one pass of {@link
   * BlockKernels#diagonalSquares} over the block's transposed rows' a, with c and 1/d from prepare().
   */
  private void diagonalForms(Lowering.BlockQuad q, CodeBlock.Builder b) {
    Exprs.Centred v = Exprs.Centred.of(q.q().vector());
    if (q.perComponent()) {
      b.beginControlFlow("for (int k = 0; k < K; k++)");
    }
    String k = q.perComponent() ? "k" : "0";
    Scope sc = new Scope("row", q.perComponent() ? "k" : null, null, true);
    Lowering.Slice centre = low.slice(v.centre(), sc);
    Lowering.Slice inverse = low.slice(q.factor(), sc);
    b.addStatement("$T.fill($L[$L], 0.0)", java.util.Arrays.class, q.name(), k);
    b.addStatement("$T.diagonalSquares($L, BLOCK, b1 - b0, $L, $L, $L, $L, $L, $L[$L])", BlockKernels.class,
        low.columns(v.row()), q.dim(), centre.array(), centre.base(), inverse.array(), inverse.base(), q.name(), k);
    if (q.perComponent()) {
      b.endControlFlow();
    }
  }

  /** Declares the arrays of the block's transposed rows ({@link Lowering#columns()}). */
  void columnArrays(CodeBlock.Builder b) {
    low.columns().forEach((v, array) -> b.addStatement("final double[] $L = new double[$L * BLOCK]", array,
        low.names().size(v.shape().dim())));
  }

  /** Fills them for rows b0 … b1 − 1. */
  void transpose(CodeBlock.Builder b) {
    Scope rows = new Scope("row", null, null, false);
    low.columns().forEach((v, array) -> {
      b.add("// The rows' $L, a column per element\n", Text.of(v));
      b.beginControlFlow("for (int n = b0; n < b1; n++)");
      b.addStatement("final int row = n * COLUMNS");
      low.each(low.names().size(v.shape().dim()), rows, b, (i, in) -> in.addStatement("$L[$L * BLOCK + n - b0] = $L",
          array, i, low.elem(v, i, rows, in)));
      b.endControlFlow();
    });
  }

  /**
   * Declares the block's transposed rows, quadratic-form arrays and scratch; returns quadForms' extra
   * arguments.
   */
  String blockArrays(CodeBlock.Builder b) {
    columnArrays(b);
    StringBuilder args = new StringBuilder();
    for (Lowering.BlockQuad q : low.blockQuads()) {
      b.addStatement("final double[][] $L = new double[$L][BLOCK]", q.name(), q.perComponent() ? "K" : "1");
      args.append(", ").append(q.name());
      if (!q.diagonal()) {
        b.addStatement("final double[] $L = new double[$L * BLOCK]", q.scratch(), q.dim());
        args.append(", ").append(q.scratch());
      }
    }
    for (String array : formColumns()) {
      args.append(", ").append(array);
    }
    return args.toString();
  }

  /** The transposed rows the forms read. */
  private List<String> formColumns() {
    return low.blockQuads().stream().map(q -> Exprs.Centred.of(q.q().vector())).filter(v -> v != null)
        .map(v -> low.columns(v.row())).distinct().toList();
  }

  /** logJoint's extra arguments: the block's quadratic forms. */
  String quadArgs() {
    StringBuilder args = new StringBuilder();
    for (Lowering.BlockQuad q : low.blockQuads()) {
      args.append(", ").append(q.name());
    }
    return args.toString();
  }

  /** The start of a loop over blocks of rows [from, to): b0, b1, and their quadratic forms. */
  void openBlock(CodeBlock.Builder b, String quadForms) {
    b.beginControlFlow("for (int b0 = from; b0 < to; b0 += BLOCK)");
    b.addStatement("final int b1 = java.lang.Math.min(to, b0 + BLOCK)");
    transpose(b);
    if (hasQuadForms()) {
      b.addStatement("quadForms(data, b0, b1$L)", quadForms);
    }
  }

  MethodSpec logDensities() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.addStatement("final double[] lp = new double[K]");
    String quadForms = blockArrays(b);
    openBlock(b, quadForms);
    b.beginControlFlow("for (int n = b0; n < b1; n++)");
    b.addStatement("logJoint(data, n * COLUMNS, n - b0, lp$L)", quadArgs());
    b.addStatement("System.arraycopy(lp, 0, out, (n - from) * K, K)");
    b.endControlFlow();
    b.endControlFlow();
    return override("logDensities").addParameter(DOUBLES, "data", Modifier.FINAL)
        .addParameter(TypeName.INT, "from", Modifier.FINAL).addParameter(TypeName.INT, "to", Modifier.FINAL)
        .addParameter(DOUBLES, "out", Modifier.FINAL).addCode(b.build()).build();
  }

  MethodSpec accumulateGiven() {
    CodeBlock.Builder b = CodeBlock.builder();
    columnArrays(b);
    String rows = statistics.rowAccumulators(b);
    b.addStatement("final double[] block = new double[K * BLOCK]");
    b.beginControlFlow("for (int b0 = from; b0 < to; b0 += BLOCK)");
    b.addStatement("final int b1 = java.lang.Math.min(to, b0 + BLOCK)");
    transpose(b);
    b.add("// collect() reads a block's responsibilities a component at a time.\n");
    b.beginControlFlow("for (int n = b0; n < b1; n++)");
    b.beginControlFlow("for (int k = 0; k < K; k++)");
    b.addStatement("block[k * BLOCK + n - b0] = resp[(n - from) * K + k]");
    b.endControlFlow();
    b.endControlFlow();
    b.addStatement("collect(data, b0, b1, block, stats$L)", rows);
    b.endControlFlow();
    statistics.addRows(b);
    b.add("// The rows weigh what their responsibilities add up to: 1 each, unless they were weighted.\n");
    b.addStatement("double weight = 0.0");
    b.beginControlFlow("for (int i = 0; i < (to - from) * K; i++)");
    b.addStatement("weight += resp[i]");
    b.endControlFlow();
    b.addStatement("stats[WEIGHT] += weight");
    return override("accumulateGiven").addParameter(DOUBLES, "data", Modifier.FINAL)
        .addParameter(TypeName.INT, "from", Modifier.FINAL).addParameter(TypeName.INT, "to", Modifier.FINAL)
        .addParameter(DOUBLES, "resp", Modifier.FINAL).addParameter(DOUBLES, "stats", Modifier.FINAL)
        .addCode(b.build()).build();
  }
}
