package dev.emc.codegen;

import static dev.emc.codegen.JavaGenerator.DOUBLES;
import static dev.emc.codegen.JavaGenerator.override;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.emc.analysis.CodeNames;
import dev.emc.analysis.EmPlan.Statistic;
import dev.emc.analysis.EmPlan;
import dev.emc.analysis.EquationNumbers;
import dev.emc.codegen.Lowering.Scope;
import dev.emc.math.Shape;
import dev.emc.runtime.FastMath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.lang.model.element.Modifier;

/**
 * Independent rows' accumulate written out for this K and these sizes ({@link Unroll}): each
 * number the rows read is a local, each statistic sums in one, and nothing loops but the rows.
 */
final class UnrolledPassCode {
  /** Statements in an unrolled row loop beyond which the loop form is smaller and as fast. */
  private static final int UNROLL_LIMIT = 300;

  /**
   * Names and numbers in the written-out method beyond which its bytecode may pass the 8000 bytes
   * the JIT compiles (8000 / 3.2): javac's output measured 1.9 to 3.2 bytes per such token, more as
   * the locals pass 255 and need wide loads. Past the limit the method runs interpreted: gmm at
   * K = 2, D = 10 (2876 tokens, 8845 bytes) ran 5 to 8 times slower written out than looped.
   */
  private static final int TOKEN_LIMIT = 2500;

  /** A name or a number in generated Java: what costs a load or a constant in the bytecode. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z_][A-Za-z_0-9]*|[0-9]+(\\.[0-9]+)?");

  private final EmPlan plan;
  /** The derivation whose equation numbers the comments cite. */
  private final EquationNumbers derivation;
  private final CodeNames names;
  private final Lowering low;
  private final StatisticsCode statistics;

  UnrolledPassCode(EmPlan plan, EquationNumbers derivation, CodeNames names, Lowering low, StatisticsCode statistics) {
    this.plan = plan;
    this.derivation = derivation;
    this.names = names;
    this.low = low;
    this.statistics = statistics;
  }

  /**
   * The pass written out, or null when that would be too long: the JIT compiles no method of more
   * than 8000 bytes of bytecode; null too for a class generic in its sizes, which has no sizes to
   * write it out for.
   */
  MethodSpec accumulate() {
    if (names.generic()) {
      return null;
    }
    Map<String, Integer> sizes = sizes();
    // Each element of a per-component statistic is at least one statement per component: when
    // that alone passes the limit, the written-out form is not built at all (with K in the
    // thousands, building it first would take minutes).
    long fewest = 0;
    for (Statistic st : plan.rowStatistics()) {
      if (st.symbol().perComponent()) {
        fewest += (long) plan.latent().components() * elements(st.shape(), sizes);
      }
    }
    if (fewest > UNROLL_LIMIT) {
      return null;
    }
    Unroll u = new Unroll(sizes, names);
    CodeBlock.Builder row = CodeBlock.builder();
    logJoints(u, row);
    String sum = responsibilities(row);
    row.add("// (eq. $L) log p(x_n) = max + log Σ_j exp(lp_j − max)\n", derivation.number("loglik-lse"));
    row.addStatement("ll += max");
    if (sum != null) {
      row.add("// The logs of the sums are taken together: a product of numbers in [1, K] is one log per\n");
      row.add("// several hundred rows, taken before it could overflow.\n");
      row.addStatement("prod *= $L", sum);
      row.beginControlFlow("if (prod > 1e280)");
      row.addStatement("ll += java.lang.Math.log(prod)");
      row.addStatement("prod = 1.0");
      row.endControlFlow();
    }
    statistics(u, row);
    CodeBlock rowCode = row.build();
    if (rowCode.toString().split("\n").length > UNROLL_LIMIT) {
      return null;
    }
    MethodSpec written = method(u, rowCode);
    return tokens(written.code()) > TOKEN_LIMIT ? null : written;
  }

  /** The names and numbers of code, its comments left out. */
  private static long tokens(CodeBlock code) {
    return code.toString().lines().map(String::strip).filter(line -> !line.startsWith("//"))
        .mapToLong(line -> TOKEN.matcher(line).results().count()).sum();
  }

  /** The sizes the written-out code is specialized to, by their names in code: K, then the model's. */
  private Map<String, Integer> sizes() {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    sizes.put("K", plan.latent().components());
    for (Map.Entry<String, Integer> size : plan.sizes().entrySet()) {
      if (!size.getKey().equals(plan.latent().size())) {
        sizes.put(names.constant(size.getKey()), size.getValue());
      }
    }
    return sizes;
  }

  /** The number of elements of a shape at these sizes. */
  private long elements(Shape shape, Map<String, Integer> sizes) {
    long n = 1;
    for (dev.emc.types.Dim d : shape.isScalar() ? List.<dev.emc.types.Dim>of()
        : shape.isVector() ? List.of(shape.dim()) : List.of(shape.dim(), shape.cols())) {
      n *= Integer.parseInt(names.size(d).matches("[0-9]+") ? names.size(d) : sizes.get(names.size(d)).toString());
    }
    return n;
  }

  /** lp_k = log p(x_n, z = k) for each k, and their maximum; a row no component can have is skipped. */
  private void logJoints(Unroll u, CodeBlock.Builder row) {
    int kk = plan.latent().components();
    Scope scope = new Scope("row", null, null, true, u);
    row.add("// (eq. $L) log p(x_n, z = k) for each k; logConst_k holds the terms that do not read the row\n",
        derivation.number("joint"));
    EStepCode.JointTerms terms = EStepCode.JointTerms.of(plan);
    if (!terms.base().isEmpty()) {
      row.addStatement("final double base = $L", low.scalar(Exprs.sum(terms.base()), scope, row));
    }
    List<String> lp = new ArrayList<>();
    for (int k = 0; k < kk; k++) {
      Scope sk = scope.withK(Integer.toString(k));
      StringBuilder v = new StringBuilder(u.read("logConst", Integer.toString(k)));
      if (!terms.base().isEmpty()) {
        v.append(" + base");
      }
      for (Exprs.Term t : terms.perComponent()) {
        v.append(EStepCode.signed(t.coefficient(), low.scalar(t.expr(), sk, row)));
      }
      lp.add("lp_" + k);
      row.addStatement("final double lp_$L = $L", k, v);
    }
    String max = lp.get(0);
    for (int k = 1; k < kk; k++) {
      max = "java.lang.Math.max(" + max + ", " + lp.get(k) + ")";
    }
    row.addStatement("final double max = $L", max);
    row.beginControlFlow("if (max == Double.NEGATIVE_INFINITY)");
    row.add("// No component gives this row any probability: the log-likelihood is −∞.\n");
    row.addStatement("ll = Double.NEGATIVE_INFINITY");
    row.addStatement("continue");
    row.endControlFlow();
  }

  /** r_k from lp_k; returns the sum of the exponentials whose log the row adds, or null for K = 1. */
  private String responsibilities(CodeBlock.Builder row) {
    int kk = plan.latent().components();
    // FastMath.exp rather than Math.exp: for a short row the exp is most of its time.
    row.add("// (eq. $L) r_nk = exp(lp_k − max) / Σ_j exp(lp_j − max)\n", derivation.number("lse"));
    if (kk == 1) {
      row.addStatement("final double r_0 = 1.0");
      return null;
    }
    if (kk == 2) {
      row.add("// With two components one exp serves both: exp(−|lp_0 − lp_1|) is the smaller's share.\n");
      row.addStatement("final double e = $T.exp(-java.lang.Math.abs(lp_0 - lp_1))", FastMath.class);
      row.addStatement("final double inv = 1.0 / (1.0 + e)");
      row.addStatement("final double r_0 = lp_0 >= lp_1 ? inv : e * inv");
      row.addStatement("final double r_1 = lp_0 >= lp_1 ? e * inv : inv");
      return "1.0 + e";
    }
    StringBuilder total = new StringBuilder();
    for (int k = 0; k < kk; k++) {
      row.addStatement("final double e_$L = $T.exp(lp_$L - max)", k, FastMath.class, k);
      total.append(k == 0 ? "" : " + ").append("e_").append(k);
    }
    row.addStatement("final double sum = $L", total);
    row.addStatement("final double inv = 1.0 / sum");
    for (int k = 0; k < kk; k++) {
      row.addStatement("final double r_$L = e_$L * inv", k, k);
    }
    return "sum";
  }

  /** The row's statistics: the per-component ones for each k at r_k, then the others once. */
  private void statistics(Unroll u, CodeBlock.Builder row) {
    for (int k = 0; k < plan.latent().components(); k++) {
      Scope sk = new Scope("row", Integer.toString(k), "stats", false, u);
      row.add("// (eq. $L) N_k += r_nk, for k = $L\n", derivation.number("count"), k + 1);
      row.addStatement("$L += r_$L", u.sum("COUNT", Integer.toString(k)), k);
      statistics.moments(sk, row);
      for (Statistic st : plan.rowStatistics()) {
        if (st.atResponsibility()) {
          statistics.accumulateStatistic(st, "r_" + k, sk, row);
        } else if (st.symbol().perComponent()) {
          // Every row adds it in full: the rows here weigh 1 each.
          statistics.accumulateStatistic(st, null, sk, row);
        }
      }
    }
    for (Statistic st : plan.rowStatistics()) {
      if (!st.symbol().perComponent()) {
        statistics.accumulateStatistic(st, null, new Scope("row", null, "stats", false, u), row);
      }
    }
  }

  /** The loop over the rows around one row's code, with the locals it reads and sums into. */
  private MethodSpec method(Unroll u, CodeBlock rowCode) {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add("// Written out for K = $L: each number the rows read is a local, each statistic sums in one.\n",
        plan.latent().components());
    for (Map.Entry<String, String> e : u.before.entrySet()) {
      b.addStatement("final double $L = $L", e.getKey(), e.getValue());
    }
    for (String acc : u.sums.keySet()) {
      b.addStatement("double $L = 0.0", acc);
    }
    b.addStatement("double ll = 0.0");
    b.addStatement("double prod = 1.0");
    b.beginControlFlow("for (int n = from; n < to; n++)");
    b.addStatement("final int row = n * COLUMNS");
    for (Map.Entry<String, String> e : u.perRow.entrySet()) {
      b.addStatement("final double $L = $L", e.getKey(), e.getValue());
    }
    b.add(rowCode);
    b.endControlFlow();
    b.addStatement("stats[LOGLIK] += ll + java.lang.Math.log(prod)");
    b.addStatement("stats[WEIGHT] += to - from");
    for (Map.Entry<String, String> e : u.sums.entrySet()) {
      b.addStatement("$L += $L", e.getValue(), e.getKey());
    }
    return override("accumulate").addParameter(DOUBLES, "data", Modifier.FINAL)
        .addParameter(TypeName.INT, "from", Modifier.FINAL).addParameter(TypeName.INT, "to", Modifier.FINAL)
        .addParameter(DOUBLES, "stats", Modifier.FINAL).addCode(b.build()).build();
  }
}
