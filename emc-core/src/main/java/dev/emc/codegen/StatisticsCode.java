package dev.emc.codegen;

import static dev.emc.codegen.JavaGenerator.DOUBLES;

import com.palantir.javapoet.ArrayTypeName;
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
  /** The row accumulators' names (S_X_rows), each drawn from the pool once. */
  private final Map<String, String> rowsNames = new HashMap<>();

  StatisticsCode(EmPlan plan, EquationNumbers derivation, CodeNames names, Lowering low) {
    this.plan = plan;
    this.derivation = derivation;
    this.names = names;
    this.low = low;
  }

  MethodSpec collect() {
    CodeBlock.Builder b = CodeBlock.builder();
    Scope perK = new Scope("row", "k", "stats", false);
    b.add("// Component by component, so that each one's statistics stay in cache over the rows.\n");
    b.beginControlFlow("for (int k = 0; k < K; k++)");
    b.beginControlFlow("for (int n = b0; n < b1; n++)");
    b.addStatement("final double rk = resp[(n - b0) * K + k]");
    b.beginControlFlow("if (rk == 0.0)");
    b.addStatement("continue");
    b.endControlFlow();
    b.addStatement("final int row = n * COLUMNS");
    moments(perK, b);
    b.add("// (eq. $L) N_k += r_nk\n", derivation.number("count"));
    b.addStatement("stats[COUNT + k] += rk");
    for (Statistic st : plan.rowStatistics()) {
      if (st.atResponsibility()) {
        accumulateStatistic(st, "rk", perK, b);
      }
    }
    b.endControlFlow();
    b.endControlFlow();
    if (plan.rowStatistics().stream().anyMatch(StatisticsCode::overRows)) {
      b.add("// What every row adds in full, per component: at its weight, the sum of its responsibilities.\n");
      b.beginControlFlow("for (int n = b0; n < b1; n++)");
      b.addStatement("final int row = n * COLUMNS");
      b.addStatement("double wn = 0.0");
      b.beginControlFlow("for (int k = 0; k < K; k++)");
      b.addStatement("wn += resp[(n - b0) * K + k]");
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
        .addJavadoc("Adds the expected sufficient statistics of rows [b0, b1), weighted by their responsibilities\n"
            + "{@code resp[(n − b0) * K + k]}.\n")
        .addModifiers(Modifier.PRIVATE)
        .addParameter(DOUBLES, "data", Modifier.FINAL).addParameter(TypeName.INT, "b0", Modifier.FINAL)
        .addParameter(TypeName.INT, "b1", Modifier.FINAL)
        .addParameter(DOUBLES, "resp", Modifier.FINAL).addParameter(DOUBLES, "stats", Modifier.FINAL);
    for (Statistic st : plan.statistics()) {
      if (byRows(st)) {
        m.addParameter(ArrayTypeName.of(DOUBLES), rowsName(st), Modifier.FINAL);
      }
    }
    return m.addCode(b.build()).build();
  }

  /** A statistic per component that every row adds in full, not at r_nk. */
  static boolean overRows(Statistic st) {
    return st.symbol().perComponent() && !st.atResponsibility();
  }

  /**
   * A per-component statistic Σ_n r_nk v vᵀ whose lower triangle collect() sums into one array per
   * row of the matrix ({@code OFFSET_rows[k * D + i][j]}) rather than into the statistics: long
   * loops over arrays that start at 0 are what the JIT vectorizes. accumulate() adds them in at
   * the end.
   */
  private static boolean byRows(Statistic st) {
    return st.atResponsibility() && st.shape().isMatrix()
        && st.perRow() instanceof Expr.Outer o && o.isSymmetric();
  }

  private String rowsName(Statistic st) {
    return rowsNames.computeIfAbsent(st.symbol().name(),
        n -> names.fresh(names.statOffset(st.symbol().name()) + "_rows"));
  }

  /** Declares the row accumulators; returns collect()'s extra arguments. */
  String rowAccumulators(CodeBlock.Builder b) {
    StringBuilder args = new StringBuilder();
    for (Statistic st : plan.statistics()) {
      if (byRows(st)) {
        String d = names.size(st.shape().dim());
        b.addStatement("final double[][] $L = new double[K * $L][$L]", rowsName(st), d, d);
        args.append(", ").append(rowsName(st));
      }
    }
    return args.toString();
  }

  /** Adds the row accumulators into the statistics. */
  void addRows(CodeBlock.Builder b) {
    for (Statistic st : plan.statistics()) {
      if (byRows(st)) {
        b.addStatement("Linalg.addLowerRows($L, K, $L, stats, $L)", rowsName(st), names.size(st.shape().dim()),
            names.statOffset(st.symbol().name()));
      }
    }
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
      String d = names.size(shape.dim());
      String v = low.fresh("dv");
      b.addStatement("final double[] $L = new double[$L]", v, d);
      Expr left = ((Expr.Outer) st.perRow()).left();
      low.each(d, sc, b, (i, in) -> in.addStatement("$L[$L] = $L", v, i, low.elem(left, i, sc, in)));
      low.each(d, sc, b, (i, row) -> {
        row.addStatement("final double a = $L * $L[$L]", weight, v, i);
        row.addStatement("final double[] s = $L[k * $L + $L]", rowsName(st), d, i);
        low.each(i + " + 1", sc, row, (j, in) -> in.addStatement("s[$L] += a * $L[$L]", j, v, j));
      });
    } else {
      boolean symmetric = st.perRow() instanceof Expr.Outer o && o.isSymmetric();
      String d = names.size(shape.dim());
      low.each(d, sc, b, (i, row) -> low.each(symmetric ? i + " + 1" : d, sc, row, (j, in) ->
          in.addStatement("$L += $L$L", low.access(s, sc, i, j), w, low.elem2(st.perRow(), i, j, sc, b).at(2))));
    }
  }
}
