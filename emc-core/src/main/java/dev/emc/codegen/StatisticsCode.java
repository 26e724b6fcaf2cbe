package dev.emc.codegen;

import static dev.emc.codegen.JavaGenerator.DOUBLES;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.emc.analysis.CodeNames;
import dev.emc.analysis.EmPlan.Statistic;
import dev.emc.analysis.EmPlan;
import dev.emc.analysis.EquationNumbers;
import dev.emc.analysis.latent.Conditional;
import dev.emc.codegen.Lowering.J;
import dev.emc.codegen.Lowering.Scope;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.math.Symbol;
import dev.emc.math.Text;
import dev.emc.runtime.BlockKernels;
import java.util.HashMap;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * The rows' expected sufficient statistics: {@code collect}, which adds a block of rows' at their
 * responsibilities, and the statements that add one statistic of one row, which the written-out
 * pass ({@link UnrolledPassCode}) uses as well.
 */
final class StatisticsCode {
  private final EmPlan plan;
  /** The derivation whose equation numbers the comments cite. */
  private final EquationNumbers derivation;
  private final CodeNames names;
  private final Lowering low;
  /** Whether collect() adds moments by the row-lane kernels ({@link #collect}). */
  private boolean lanes;
  /** The statistics collect() adds by the row-lane kernels, grouped ({@link #groupByColumns}); set by collect(). */
  private Map<Exprs.Centred, Statistic[]> columnGroups = Map.of();
  /** The row accumulators' names (S_X_rows), each drawn from the pool once. */
  private final Map<String, String> rowsNames = new HashMap<>();

  StatisticsCode(EmPlan plan, EquationNumbers derivation, CodeNames names, Lowering low) {
    this.plan = plan;
    this.derivation = derivation;
    this.names = names;
    this.low = low;
  }

  /**
   * collect(), which adds the moments of a vector about a parameter by the row-lane kernels when
   * {@code lanes} (the pass puts rows in vector lanes: a Gaussian mixture's E-step by blocks), else
   * row by row as every other statistic. Decided once, before anything asks for collect()'s arrays.
   */
  MethodSpec collect(boolean lanes) {
    this.lanes = lanes;
    this.columnGroups = groupByColumns();
    CodeBlock.Builder b = CodeBlock.builder();
    Scope perK = new Scope("row", "k", "stats", false);
    boolean scatter = plan.statistics().stream().anyMatch(this::byRows);
    b.add("// Component by component, so that each one's statistics stay in cache over the rows.\n");
    b.beginControlFlow("for (int k = 0; k < K; k++)");
    if (lanes) {
      b.add("// (eq. $L) N_k += r_nk\n", derivation.number("count"));
      b.addStatement("$T.sums(resp, k * BLOCK, b1 - b0, $L, k)", BlockKernels.class, lanesName(COUNT_LANES));
    }
    columnGroups.forEach((v, moments) -> columnMoments(v, moments, perK, b));
    boolean rowByRow = !lanes || !plan.latent().rowMoments().isEmpty()
        || plan.rowStatistics().stream().anyMatch(st -> st.atResponsibility() && !byColumns(st));
    if (scatter) {
      b.add("// Rows of X and W so far, whose scatter WᵀX is added in blocks of BLOCK.\n");
      b.addStatement("int filled = 0");
    }
    if (rowByRow) {
      b.beginControlFlow("for (int n = b0; n < b1; n++)");
      b.addStatement("final double rk = resp[k * BLOCK + n - b0]");
      b.beginControlFlow("if (rk == 0.0)");
      b.addStatement("continue");
      b.endControlFlow();
      b.addStatement("final int row = n * COLUMNS");
      moments(perK, b);
      if (!lanes) {
        b.add("// (eq. $L) N_k += r_nk\n", derivation.number("count"));
        b.addStatement("stats[COUNT + k] += rk");
      }
      for (Statistic st : plan.rowStatistics()) {
        if (st.atResponsibility() && !byColumns(st)) {
          accumulateStatistic(st, "rk", perK, b);
        }
      }
      if (scatter) {
        b.beginControlFlow("if (++filled == BLOCK)");
        scatter(b);
        b.addStatement("filled = 0");
        b.endControlFlow();
      }
      b.endControlFlow();
    }
    if (scatter) {
      b.beginControlFlow("if (filled > 0)");
      scatter(b);
      b.endControlFlow();
    }
    b.endControlFlow();
    if (plan.rowStatistics().stream().anyMatch(StatisticsCode::overRows)) {
      b.add("// What every row adds in full, per component: at its weight, the sum of its responsibilities.\n");
      b.beginControlFlow("for (int n = b0; n < b1; n++)");
      b.addStatement("final int row = n * COLUMNS");
      b.addStatement("double wn = 0.0");
      b.beginControlFlow("for (int k = 0; k < K; k++)");
      b.addStatement("wn += resp[k * BLOCK + n - b0]");
      b.endControlFlow();
      b.beginControlFlow("for (int k = 0; k < K; k++)");
      for (Statistic st : plan.rowStatistics()) {
        if (overRows(st)) {
          accumulateStatistic(st, "wn", perK, b);
        }
      }
      b.endControlFlow();
      b.endControlFlow();
    }
    Scope once = new Scope("row", null, "stats", false);
    if (plan.rowStatistics().stream().anyMatch(st -> !st.symbol().perComponent())) {
      b.beginControlFlow("for (int n = b0; n < b1; n++)");
      b.addStatement("final int row = n * COLUMNS");
      for (Statistic st : plan.rowStatistics()) {
        if (!st.symbol().perComponent()) {
          accumulateStatistic(st, null, once, b);
        }
      }
      b.endControlFlow();
    }
    MethodSpec.Builder m = MethodSpec.methodBuilder("collect")
        .addJavadoc("Adds the expected sufficient statistics of rows [b0, b1) (at most BLOCK), weighted by their\n"
            + "responsibilities {@code resp[k * BLOCK + n − b0]}.\n")
        .addModifiers(Modifier.PRIVATE)
        .addParameter(DOUBLES, "data", Modifier.FINAL).addParameter(TypeName.INT, "b0", Modifier.FINAL)
        .addParameter(TypeName.INT, "b1", Modifier.FINAL)
        .addParameter(DOUBLES, "resp", Modifier.FINAL).addParameter(DOUBLES, "stats", Modifier.FINAL);
    for (String array : collectArrays()) {
      m.addParameter(DOUBLES, array, Modifier.FINAL);
    }
    return m.addCode(b.build()).build();
  }

  /** The arrays accumulate() declares and collect() fills, in collect()'s order. */
  private java.util.List<String> collectArrays() {
    java.util.List<String> arrays = new java.util.ArrayList<>();
    for (Statistic st : plan.statistics()) {
      if (byRows(st)) {
        arrays.addAll(java.util.List.of(rowsName(st), blockName(st, "x"), blockName(st, "w")));
      }
    }
    if (lanes) {
      arrays.add(lanesName(COUNT_LANES));
    }
    for (Map.Entry<Exprs.Centred, Statistic[]> e : columnGroups.entrySet()) {
      // Two groups about different centres share the rows' transposed block.
      if (!arrays.contains(columnsName(e.getKey()))) {
        arrays.add(columnsName(e.getKey()));
      }
      for (Statistic st : e.getValue()) {
        if (st != null) {
          arrays.add(lanesName(st.symbol().name()));
        }
      }
      if (e.getValue()[2] != null) {
        arrays.add(blockName(e.getValue()[2], "scratch"));
      }
    }
    return arrays;
  }

  /** The key of the counts' partial sums among the statistics'. */
  private static final String COUNT_LANES = " count";

  /** The partial sums, lanes per element, of the counts or of a statistic collect() adds by columns. */
  private String lanesName(String statistic) {
    return rowsNames.computeIfAbsent(statistic + " lanes", n -> names.fresh(
        (statistic.equals(COUNT_LANES) ? "COUNT" : names.statOffset(statistic)) + "_lanes"));
  }

  /** A block of the rows' a, transposed (element i of row n at {@code [i * BLOCK + n − b0]}). */
  private String columnsName(Exprs.Centred v) {
    return low.columns(v.row());
  }

  /**
   * The per-component statistics collect() adds a block of rows at a time by the row-lane kernels,
   * grouped by the vector they are moments of: Σ_n r_nk v_n ([0]), Σ_n r_nk v_n ∘ v_n ([1]) and
   * Σ_n r_nk v_n v_nᵀ ([2]) for a v about a parameter ({@link Exprs.Centred}), in a model with no
   * posterior moments per row.
   */
  private Map<Exprs.Centred, Statistic[]> groupByColumns() {
    Map<Exprs.Centred, Statistic[]> groups = new java.util.LinkedHashMap<>();
    if (!lanes || !plan.latent().rowMoments().isEmpty()) {
      return groups;
    }
    for (Statistic st : plan.rowStatistics()) {
      Expr v = momentOf(st);
      int order = st.perRow() instanceof Expr.Hadamard ? 1 : st.perRow() instanceof Expr.Outer ? 2 : 0;
      if (v != null && groups.computeIfAbsent(Exprs.Centred.of(v), c -> new Statistic[3])[order] == null) {
        groups.get(Exprs.Centred.of(v))[order] = st;
      }
    }
    return groups;
  }

  private boolean byColumns(Statistic st) {
    return columnGroups.values().stream().anyMatch(g -> java.util.Arrays.asList(g).contains(st));
  }

  /** The v of a statistic Σ_n r_nk v_n, Σ_n r_nk v_n ∘ v_n or Σ_n r_nk v_n v_nᵀ with v about a parameter; else null. */
  private Expr momentOf(Statistic st) {
    if (!st.atResponsibility() || !st.symbol().perComponent()) {
      return null;
    }
    if (st.shape().isMatrix()) {
      Expr v = st.perRow() instanceof Expr.Outer o && o.left().equals(o.right()) ? o.left() : null;
      return v != null && Exprs.Centred.of(v) != null ? v : null;
    }
    if (!st.shape().isVector()) {
      return null;
    }
    Expr v = st.perRow() instanceof Expr.Hadamard h && h.left().equals(h.right()) ? h.left() : st.perRow();
    return Exprs.Centred.of(v) != null ? v : null;
  }

  /**
   * The moments of one v for component k: Σ r v vᵀ, with Σ r v, by {@link BlockKernels#products};
   * Σ r v and Σ r v ∘ v by {@link BlockKernels#moments}.
   */
  private void columnMoments(Exprs.Centred v, Statistic[] moments, Scope perK, CodeBlock.Builder b) {
    String[] out = new String[2];
    String[] base = new String[2];
    for (int order = 0; order < 2; order++) {
      Statistic st = moments[order];
      out[order] = st == null ? "null" : lanesName(st.symbol().name());
      base[order] = st == null ? "0" : "k * " + names.size(st.shape().dim());
    }
    Lowering.Slice centre = low.slice(v.centre(), perK);
    String d = names.size(v.row().shape().dim());
    Statistic outer = moments[2];
    if (outer != null) {
      b.add("// (eq. $L) $L += $L, the lower triangle\n", derivation.number("statistic:" + outer.symbol().name()),
          Text.of(new Expr.Sym(outer.symbol())), Text.times("r_nk", outer.perRow()));
      if (moments[0] != null) {
        comment(moments[0], b);
      }
      b.addStatement("$T.products($L, BLOCK, b1 - b0, $L, $L, $L, resp, k * BLOCK, $L, $L, $L, "
          + "k * ($L * ($L + 1) / 2), $L)", BlockKernels.class, columnsName(v), d, centre.array(), centre.base(),
          out[0], base[0], lanesName(outer.symbol().name()), d, d, blockName(outer, "scratch"));
      // products added the first moment.
      out[0] = "null";
      base[0] = "0";
    } else if (moments[0] != null) {
      comment(moments[0], b);
    }
    boolean firstLeft = outer == null && moments[0] != null;
    if (!firstLeft && moments[1] == null) {
      return;
    }
    if (moments[1] != null) {
      comment(moments[1], b);
    }
    b.addStatement("$T.moments($L, BLOCK, b1 - b0, $L, $L, $L, resp, k * BLOCK, $L, $L, $L, $L)", BlockKernels.class,
        columnsName(v), d, centre.array(), centre.base(), out[0], base[0], out[1], base[1]);
  }

  /** The derivation's line for statistic st, above the call that adds it. */
  private void comment(Statistic st, CodeBlock.Builder b) {
    b.add("// (eq. $L) $L += $L\n", derivation.number("statistic:" + st.symbol().name()),
        Text.of(new Expr.Sym(st.symbol())), Text.times("r_nk", st.perRow()));
  }

  /** S += WᵀX for the rows of X and W filled so far, for every statistic collect() adds so. */
  private void scatter(CodeBlock.Builder b) {
    for (Statistic st : plan.statistics()) {
      if (byRows(st)) {
        String d = names.size(st.shape().dim());
        b.addStatement("$T.scatterLower($L, $L, filled, $L, $T.padded($L), $L, k * $L * $T.padded($L))",
            BlockKernels.class, blockName(st, "x"), blockName(st, "w"), d, BlockKernels.class, d, rowsName(st), d,
            BlockKernels.class, d);
      }
    }
  }

  /** A statistic per component that every row adds in full, not at r_nk. */
  static boolean overRows(Statistic st) {
    return st.symbol().perComponent() && !st.atResponsibility();
  }

  /**
   * A per-component statistic Σ_n r_nk v vᵀ that collect() adds a block of rows at a time, as the
   * lower triangle of WᵀX where the rows of X are the rows' v and those of W their r_nk v
   * ({@link BlockKernels#scatterLower}, whose tiles keep their sums in registers), into an array
   * of its own ({@code OFFSET_rows[(k * D + i) * dp + j]}, rows padded to dp); accumulate() adds
   * them into the statistics at the end.
   */
  private boolean byRows(Statistic st) {
    return st.atResponsibility() && st.shape().isMatrix()
        && st.perRow() instanceof Expr.Outer o && o.isSymmetric() && !byColumns(st);
  }

  private String rowsName(Statistic st) {
    return blockName(st, "rows");
  }

  /** The arrays of a statistic collect() adds by blocks: its sums ("rows") and a block's X and W. */
  private String blockName(Statistic st, String what) {
    return rowsNames.computeIfAbsent(st.symbol().name() + " " + what,
        n -> names.fresh(names.statOffset(st.symbol().name()) + "_" + what));
  }

  /** Declares the arrays collect() adds into or works in; returns collect()'s extra arguments. */
  String rowAccumulators(CodeBlock.Builder b) {
    for (Statistic st : plan.statistics()) {
      if (byRows(st)) {
        String d = names.size(st.shape().dim());
        b.addStatement("final double[] $L = new double[K * $L * $T.padded($L)]", rowsName(st), d,
            BlockKernels.class, d);
        b.addStatement("final double[] $L = new double[BLOCK * $T.padded($L)]", blockName(st, "x"),
            BlockKernels.class, d);
        b.addStatement("final double[] $L = new double[BLOCK * $T.padded($L)]", blockName(st, "w"),
            BlockKernels.class, d);
      }
    }
    if (lanes) {
      b.addStatement("final double[] $L = new double[K * $T.lanes()]", lanesName(COUNT_LANES), BlockKernels.class);
    }
    columnGroups.forEach((v, moments) -> {
      for (Statistic st : moments) {
        String d = st == null ? null : names.size(st.shape().dim());
        if (st != null) {
          b.addStatement("final double[] $L = new double[K * $L * $T.lanes()]", lanesName(st.symbol().name()),
              st.shape().isMatrix() ? "(" + d + " * (" + d + " + 1) / 2)" : d, BlockKernels.class);
        }
      }
      if (moments[2] != null) {
        b.addStatement("final double[] $L = new double[($L + 1) * BLOCK]", blockName(moments[2], "scratch"),
            names.size(moments[2].shape().dim()));
      }
    });
    StringBuilder args = new StringBuilder();
    collectArrays().forEach(a -> args.append(", ").append(a));
    return args.toString();
  }

  /** Adds what collect() summed apart (the scatters, the partial sums of the lanes) into the statistics. */
  void addRows(CodeBlock.Builder b) {
    for (Statistic st : plan.statistics()) {
      if (byRows(st)) {
        String d = names.size(st.shape().dim());
        b.addStatement("$T.addLower($L, K, $L, $T.padded($L), stats, $L)", BlockKernels.class, rowsName(st), d,
            BlockKernels.class, d, names.statOffset(st.symbol().name()));
      }
    }
    if (lanes) {
      b.addStatement("$T.addLanes($L, K, stats, COUNT)", BlockKernels.class, lanesName(COUNT_LANES));
    }
    columnGroups.values().forEach(moments -> {
      for (Statistic st : moments) {
        if (st != null && st.shape().isMatrix()) {
          b.addStatement("$T.addLowerLanes($L, K, $L, stats, $L)", BlockKernels.class, lanesName(st.symbol().name()),
              names.size(st.shape().dim()), names.statOffset(st.symbol().name()));
        } else if (st != null) {
          b.addStatement("$T.addLanes($L, K * $L, stats, $L)", BlockKernels.class, lanesName(st.symbol().name()),
              names.size(st.shape().dim()), names.statOffset(st.symbol().name()));
        }
      }
    });
  }

  /**
   * A row's posterior moments given component k (a latent scale's E[w], E[log w]), into locals the
   * statistics then read; nothing for a plain mixture.
   */
  void moments(Scope sc, CodeBlock.Builder b) {
    for (Conditional.Moment m : plan.latent().rowMoments()) {
      b.add("// (eq. $L) $L = $L\n", derivation.number("moment:" + m.symbol().name()),
          Text.of(new Expr.Sym(m.symbol())), Text.of(m.formula()));
      J value = low.scalar(m.code(), sc, b);
      String stem = m.symbol().name().replaceAll("[^A-Za-z0-9]", "");
      String local = low.fresh(stem.isEmpty() ? "m" : stem);
      b.addStatement("final double $L = $L", local, value);
      low.bind(m.symbol(), local);
    }
  }

  /**
   * One row's contribution to a statistic, weighted by {@code weight}: r_nk, or the row's weight for
   * one it adds in full; null for a statistic that is not per component, or a row of weight 1.
   */
  void accumulateStatistic(Statistic st, String weight, Scope sc, CodeBlock.Builder b) {
    Symbol s = st.symbol();
    String w = weight == null ? "" : weight + " * ";
    b.add("// (eq. $L) $L += $L\n", derivation.number("statistic:" + s.name()), Text.of(new Expr.Sym(s)),
        st.atResponsibility() ? Text.times("r_nk", st.perRow()) : Text.of(st.perRow()));
    Shape shape = st.shape();
    if (shape.isScalar()) {
      J value = low.scalar(st.perRow(), sc, b);
      b.addStatement("$L += $L$L", low.access(s, sc, null, null), w, value.at(2));
    } else if (shape.isVector()) {
      low.each(names.size(shape.dim()), sc, b, (i, in) -> in.addStatement("$L += $L$L",
          low.access(s, sc, i, null), w, low.elem(st.perRow(), i, sc, b).at(2)));
    } else if (sc.unroll() == null && weight != null && byRows(st)) {
      Expr left = ((Expr.Outer) st.perRow()).left();
      b.add("// The row joins X as $L and W as $L: the sum is WᵀX, added BLOCK rows at a time.\n",
          Text.of(left), Text.times("r_nk", left));
      String d = names.size(shape.dim());
      String x = blockName(st, "x");
      String w2 = blockName(st, "w");
      String at = low.fresh("at");
      b.addStatement("final int $L = filled * $T.padded($L)", at, BlockKernels.class, d);
      low.each(d, sc, b, (i, in) -> {
        in.addStatement("$L[$L + $L] = $L", x, at, i, low.elem(left, i, sc, in));
        in.addStatement("$L[$L + $L] = $L * $L[$L + $L]", w2, at, i, weight, x, at, i);
      });
    } else {
      boolean symmetric = st.perRow() instanceof Expr.Outer o && o.isSymmetric();
      String d = names.size(shape.dim());
      low.each(d, sc, b, (i, row) -> low.each(symmetric ? i + " + 1" : d, sc, row, (j, in) ->
          in.addStatement("$L += $L$L", low.access(s, sc, i, j), w, low.elem2(st.perRow(), i, j, sc, b).at(2))));
    }
  }
}
