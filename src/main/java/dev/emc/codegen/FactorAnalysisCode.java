package dev.emc.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.emc.analysis.CodeNames;
import dev.emc.analysis.EmPlan;
import dev.emc.analysis.EquationNumbers;
import dev.emc.analysis.latent.LinearGaussian;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.FactorScores;
import dev.emc.runtime.Latent;
import dev.emc.runtime.Linalg;
import javax.lang.model.element.Modifier;
import static dev.emc.codegen.JavaGenerator.DOUBLES;
import static dev.emc.codegen.JavaGenerator.override;

/**
 * The E-step and M-step of factor analysis ({@link LinearGaussian}), written out:
 * with Q factors and D columns a row costs O(DQ), never a D×D matrix. prepare() computes what
 * every row shares — Ψ⁻¹, the Cholesky factor L of I + WᵀΨ⁻¹W, G = (I + WᵀΨ⁻¹W)⁻¹ and the
 * row-free part of log p(x_n) — and the pass gives each row its posterior mean m_n = G WᵀΨ⁻¹(x_n − μ)
 * (solved with L, not multiplied by G: I + WᵀΨ⁻¹W is ill-conditioned when a column's variance is
 * far above the noise), its marginal log-density by the Woodbury identity, and its statistics. The
 * M-step solves the normal equations with C_hh's Cholesky factor, one column of x at a time.
 *
 * <p>This is the linear-Gaussian structure's code writer: the statistics it accumulates and the
 * updates it computes are the ones Normal's factor gives the plan for a mean linear in h, which
 * `emc derive` typesets; it writes them in this numerically careful form rather than lowering them
 * (FactorFormulasTest checks that the two agree).
 */
final class FactorAnalysisCode {
  private final LinearGaussian lg;
  private final EquationNumbers derivation;
  private final CodeNames names;
  private final TypeSpec.Builder type;
  private final String d;
  private final String q;
  private final String offset;
  private final String w;
  private final String mu;
  private final String psi;
  private final String reg;

  FactorAnalysisCode(EmPlan plan, LinearGaussian lg, EquationNumbers derivation, CodeNames names,
      TypeSpec.Builder type) {
    this.lg = lg;
    this.derivation = derivation;
    this.names = names;
    this.type = type;
    this.d = names.size(lg.data().shape().dim());
    this.q = names.size(lg.latent().shape().dim());
    this.offset = names.dataOffset(lg.data().name());
    this.w = names.field(lg.loadings().name());
    this.mu = names.field(lg.mean().name());
    this.psi = names.field(lg.noise().name());
    this.reg = names.field(lg.regularization().name());
  }

  void write() {
    field("invPsi", d, "Ψ⁻¹, the noise precisions, from prepare()");
    field("cholesky", q + " * " + q, "L, the lower Cholesky factor of G⁻¹ = I + WᵀΨ⁻¹W, from prepare()");
    field("G", q + " * " + q, "G = (I + WᵀΨ⁻¹W)⁻¹, the factors' posterior covariance (the same for every row), from prepare()");
    type.addMethod(prepare());
    type.addMethod(posterior());
    type.addMethod(pass("accumulate", false));
    type.addMethod(pass("accumulateGiven", true));
    type.addMethod(logDensities(true));
    type.addMethod(logDensities(false));
    type.addMethod(maximize());
    type.addMethod(logPenalty());
    type.addMethod(latent());
    type.addSuperinterface(FactorScores.class);
    type.addMethod(scores());
    type.addMethod(override("posteriorCovariance").returns(DOUBLES).addStatement("return G.clone()").build());
  }

  /** Each row's m_n, by the E-step's posterior(). */
  private MethodSpec scores() {
    CodeBlock.Builder b = CodeBlock.builder();
    locals(b);
    b.beginControlFlow("for (int n = from; n < to; n++)");
    b.addStatement("posterior(data, n * COLUMNS, e, bn, mn)");
    b.addStatement("System.arraycopy(mn, 0, out, (n - from) * $L, $L)", q, q);
    b.endControlFlow();
    return override("scores").addParameter(DOUBLES, "data", Modifier.FINAL)
        .addParameter(TypeName.INT, "from", Modifier.FINAL).addParameter(TypeName.INT, "to", Modifier.FINAL)
        .addParameter(DOUBLES, "out", Modifier.FINAL).addCode(b.build()).build();
  }

  private void field(String name, String length, String doc) {
    type.addField(FieldSpec.builder(DOUBLES, name, Modifier.PRIVATE, Modifier.FINAL)
        .addJavadoc("$L.\n", doc).initializer("new double[$L]", length).build());
  }

  private String psiAt(String i) {
    return lg.spherical() ? psi + "[0]" : psi + "[" + i + "]";
  }

  private MethodSpec prepare() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.beginControlFlow("if (!($L > 0.0))", psiAt("i"));
    b.addStatement("return \"$L has \" + $L + \" where it must be positive\"", lg.noise().name(), psiAt("i"));
    b.endControlFlow();
    b.addStatement("invPsi[i] = 1.0 / $L", psiAt("i"));
    b.endControlFlow();
    b.beginControlFlow("for (double v : $L)", w);
    b.beginControlFlow("if (!Double.isFinite(v))");
    b.addStatement("return \"$L has \" + v + \" where it must be finite\"", lg.loadings().name());
    b.endControlFlow();
    b.endControlFlow();
    b.beginControlFlow("for (double v : $L)", mu);
    b.beginControlFlow("if (!Double.isFinite(v))");
    b.addStatement("return \"$L has \" + v + \" where it must be finite\"", lg.mean().name());
    b.endControlFlow();
    b.endControlFlow();
    b.add("// (eq. $L) G = (I + WᵀΨ⁻¹W)⁻¹, from the Cholesky factor L of I + WᵀΨ⁻¹W\n", derivation.number("fa-posterior-cov"));
    b.addStatement("final double[] m = new double[$L * $L]", q, q);
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.beginControlFlow("for (int c = 0; c < $L; c++)", q);
    b.addStatement("double s = a == c ? 1.0 : 0.0");
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.addStatement("s += $L[i * $L + a] * invPsi[i] * $L[i * $L + c]", w, q, w, q);
    b.endControlFlow();
    b.addStatement("m[a * $L + c] = s", q);
    b.endControlFlow();
    b.endControlFlow();
    b.beginControlFlow("if (!$T.cholesky(m, 0, $L, cholesky, 0))", Linalg.class, q);
    b.addStatement("return \"I + WᵀΨ⁻¹W is not positive definite\"");
    b.endControlFlow();
    b.addStatement("final double[] column = new double[$L]", q);
    b.beginControlFlow("for (int c = 0; c < $L; c++)", q);
    b.addStatement("java.util.Arrays.fill(column, 0.0)");
    b.addStatement("column[c] = 1.0");
    b.addStatement("$T.solveCholesky(cholesky, column, $L)", Linalg.class, q);
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("G[a * $L + c] = column[a]", q);
    b.endControlFlow();
    b.endControlFlow();
    b.add("// (eq. $L) log|WWᵀ + Ψ| = log|Ψ| + log|I + WᵀΨ⁻¹W| (the matrix determinant lemma)\n",
        derivation.number("fa-loglik"));
    b.addStatement("double logDetPsi = 0.0");
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.addStatement("logDetPsi += java.lang.Math.log($L)", psiAt("i"));
    b.endControlFlow();
    b.add("// logConst = −½ (D log 2π + log|Ψ| − log|G|), the part of log p(x_n) that does not read the row\n");
    b.addStatement("logConst[0] = -0.5 * ($L * java.lang.Math.log(2.0 * java.lang.Math.PI) + logDetPsi + $T.logDetCholesky(cholesky, 0, $L))",
        d, Linalg.class, q);
    b.addStatement("return null");
    return override("prepare").returns(String.class).addCode(b.build()).build();
  }

  /** One row's E-step, shared by every pass. */
  private MethodSpec posterior() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add("// e_n = x_n − μ and b_n = WᵀΨ⁻¹ e_n\n");
    b.addStatement("java.util.Arrays.fill(bn, 0.0)");
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.addStatement("e[i] = data[row + $Li] - $L[i]", offset.equals("0") ? "" : offset + " + ", mu);
    b.addStatement("final double t = invPsi[i] * e[i]");
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("bn[a] += $L[i * $L + a] * t", w, q);
    b.endControlFlow();
    b.endControlFlow();
    b.add("// (eq. $L) m_n = E[h_n | x_n] = G b_n: L y = b_n, then Lᵀ m_n = y, in place\n",
        derivation.number("fa-posterior-mean"));
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("double s = bn[a]");
    b.beginControlFlow("for (int c = 0; c < a; c++)");
    b.addStatement("s -= cholesky[a * $L + c] * mn[c]", q);
    b.endControlFlow();
    b.addStatement("mn[a] = s / cholesky[a * $L + a]", q);
    b.endControlFlow();
    b.beginControlFlow("for (int a = $L - 1; a >= 0; a--)", q);
    b.addStatement("double s = mn[a]");
    b.beginControlFlow("for (int c = a + 1; c < $L; c++)", q);
    b.addStatement("s -= cholesky[c * $L + a] * mn[c]", q);
    b.endControlFlow();
    b.addStatement("mn[a] = s / cholesky[a * $L + a]", q);
    b.endControlFlow();
    b.add("// (eq. $L) log p(x_n) = −½ (D log 2π + log|Ψ| − log|G| + (e_n − W m_n)ᵀΨ⁻¹(e_n − W m_n) + m_nᵀm_n):\n",
        derivation.number("fa-loglik"));
    b.add("// the residual's form, not e_nᵀΨ⁻¹e_n − b_nᵀG b_n, whose two terms cancel when a column's variance is far above its noise\n");
    b.addStatement("double quad = 0.0");
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("quad += mn[a] * mn[a]");
    b.endControlFlow();
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("e[i] -= $L[i * $L + a] * mn[a]", w, q);
    b.endControlFlow();
    b.addStatement("quad += e[i] * e[i] * invPsi[i]");
    b.endControlFlow();
    b.addStatement("return logConst[0] - 0.5 * quad");
    return MethodSpec.methodBuilder("posterior")
        .addJavadoc("log p(x_n) of the row at {@code row}, leaving the residual r_n = x_n − μ − W m_n, b_n and m_n in e, bn and mn.\n")
        .addModifiers(Modifier.PRIVATE).returns(TypeName.DOUBLE)
        .addParameter(DOUBLES, "data", Modifier.FINAL).addParameter(TypeName.INT, "row", Modifier.FINAL)
        .addParameter(DOUBLES, "e", Modifier.FINAL).addParameter(DOUBLES, "bn", Modifier.FINAL)
        .addParameter(DOUBLES, "mn", Modifier.FINAL)
        .addCode(b.build()).build();
  }

  private void locals(CodeBlock.Builder b) {
    b.addStatement("final double[] e = new double[$L]", d);
    b.addStatement("final double[] bn = new double[$L]", q);
    b.addStatement("final double[] mn = new double[$L]", q);
  }

  /**
   * The E-step and statistics over rows [from, to); given responsibilities (one component: they
   * are the rows' weights) scale each row's statistics and leave LOGLIK alone.
   */
  private MethodSpec pass(String name, boolean given) {
    CodeBlock.Builder b = CodeBlock.builder();
    locals(b);
    b.addStatement("double ll = 0.0");
    b.addStatement("double weight = 0.0");
    b.beginControlFlow("for (int n = from; n < to; n++)");
    b.addStatement("final double wn = $L", given ? "resp[n - from]" : "1.0");
    if (given) {
      b.beginControlFlow("if (wn == 0.0)");
      b.addStatement("continue");
      b.endControlFlow();
    }
    b.addStatement("ll += wn * posterior(data, n * COLUMNS, e, bn, mn)");
    b.addStatement("weight += wn");
    b.add("// (eq. $L) S_r, S_rr, S_h, S_hh (its G part below) and S_rh, with e the residual r_n\n",
        derivation.number("fa-statistics"));
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.addStatement("final double wr = wn * e[i]");
    b.addStatement("stats[$L + i] += wr", stat(lg.sr()));
    b.addStatement("stats[$L + i] += wr * e[i]", stat(lg.srr()));
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("stats[$L + i * $L + a] += wr * mn[a]", stat(lg.srh()), q);
    b.endControlFlow();
    b.endControlFlow();
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("final double rm = wn * mn[a]");
    b.addStatement("stats[$L + a] += rm", stat(lg.sh()));
    b.beginControlFlow("for (int c = 0; c < $L; c++)", q);
    b.addStatement("stats[$L + a * $L + c] += rm * mn[c]", stat(lg.shh()), q);
    b.endControlFlow();
    b.endControlFlow();
    b.endControlFlow();
    b.add("// E[h hᵀ | x_n] = G + m_n m_nᵀ: G once for all the rows' weight\n");
    b.beginControlFlow("for (int a = 0; a < $L * $L; a++)", q, q);
    b.addStatement("stats[$L + a] += weight * G[a]", stat(lg.shh()));
    b.endControlFlow();
    if (!given) {
      b.addStatement("stats[LOGLIK] += ll");
    }
    b.addStatement("stats[WEIGHT] += weight");
    b.addStatement("stats[COUNT] += weight");
    MethodSpec.Builder m = override(name).addParameter(DOUBLES, "data", Modifier.FINAL)
        .addParameter(TypeName.INT, "from", Modifier.FINAL).addParameter(TypeName.INT, "to", Modifier.FINAL);
    if (given) {
      m.addParameter(DOUBLES, "resp", Modifier.FINAL);
    }
    return m.addParameter(DOUBLES, "stats", Modifier.FINAL).addCode(b.build()).build();
  }

  /** log p(x_n) per row; as responsibilities, the one component's r_n = 1 and their total. */
  private MethodSpec logDensities(boolean densities) {
    CodeBlock.Builder b = CodeBlock.builder();
    locals(b);
    if (!densities) {
      b.addStatement("double ll = 0.0");
    }
    b.beginControlFlow("for (int n = from; n < to; n++)");
    if (densities) {
      b.addStatement("out[n - from] = posterior(data, n * COLUMNS, e, bn, mn)");
    } else {
      b.addStatement("ll += posterior(data, n * COLUMNS, e, bn, mn)");
      b.addStatement("out[n - from] = 1.0");
    }
    b.endControlFlow();
    MethodSpec.Builder m = override(densities ? "logDensities" : "responsibilities")
        .addParameter(DOUBLES, "data", Modifier.FINAL).addParameter(TypeName.INT, "from", Modifier.FINAL)
        .addParameter(TypeName.INT, "to", Modifier.FINAL).addParameter(DOUBLES, "out", Modifier.FINAL);
    if (!densities) {
      b.addStatement("return ll");
      m.returns(TypeName.DOUBLE);
    }
    return m.addCode(b.build()).build();
  }

  private MethodSpec maximize() {
    CodeBlock.Builder b = CodeBlock.builder();
    String sr = stat(lg.sr());
    String sh = stat(lg.sh());
    b.add("// The rows' total weight: N, or Σ_n r_n for given weights.\n");
    b.addStatement("final double N = stats[COUNT]");
    b.add("// (eq. $L) C_hh = S_hh − S_h S_hᵀ / N, by its Cholesky factor\n", derivation.number("update:" + lg.loadings().name()));
    b.addStatement("final double[] chh = new double[$L * $L]", q, q);
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.beginControlFlow("for (int c = 0; c < $L; c++)", q);
    b.addStatement("chh[a * $L + c] = stats[$L + a * $L + c] - stats[$L + a] * stats[$L + c] / N", q, stat(lg.shh()), q, sh, sh);
    b.endControlFlow();
    b.endControlFlow();
    b.addStatement("final double[] l = new double[$L * $L]", q, q);
    b.addStatement("final boolean solvable = $T.cholesky(chh, 0, $L, l, 0)", Linalg.class, q);
    b.addStatement("final double[] syh = new double[$L]", q);
    b.addStatement("final double[] change = new double[$L]", q);
    b.addStatement("double total = 0.0");
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.add("// Row i of Σ E[(x_n − μ − W h_n) h_nᵀ] = S_rh − N W G, and Σ E[(x_n − μ − W h_n)²] = S_rr + N w_iᵀ G w_i,\n");
    b.add("// with the current W\n");
    b.addStatement("double syy = stats[$L + i]", stat(lg.srr()));
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("double wg = 0.0");
    b.beginControlFlow("for (int c = 0; c < $L; c++)", q);
    b.addStatement("wg += $L[i * $L + c] * G[c * $L + a]", w, q, q);
    b.endControlFlow();
    b.addStatement("syy += N * wg * $L[i * $L + a]", w, q);
    b.addStatement("syh[a] = stats[$L + i * $L + a] - N * wg", stat(lg.srh()), q);
    b.add("// ΔW, row i: C_hh Δw_i = syh − S_r,i S_h / N  (C_hh is symmetric)\n");
    b.addStatement("change[a] = syh[a] - stats[$L + i] * stats[$L + a] / N", sr, sh);
    b.endControlFlow();
    b.beginControlFlow("if (solvable)");
    b.addStatement("$T.solveCholesky(l, change, $L)", Linalg.class, q);
    b.nextControlFlow("else");
    b.add("// The factors' moments are singular (more factors than the data support): prepare() says so.\n");
    b.addStatement("java.util.Arrays.fill(change, Double.NaN)");
    b.endControlFlow();
    b.add("// (eq. $L) μ ← μ + δ, δ = (S_r − ΔW S_h) / N\n", derivation.number("update:" + lg.mean().name()));
    b.addStatement("double fitted = 0.0");
    b.addStatement("double explained = 0.0");
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("$L[i * $L + a] += change[a]", w, q);
    b.addStatement("fitted += change[a] * stats[$L + a]", sh);
    b.addStatement("explained += change[a] * syh[a]");
    b.endControlFlow();
    b.addStatement("final double delta = (stats[$L + i] - fitted) / N", sr);
    b.addStatement("$L[i] += delta", mu);
    b.add("// (eq. $L) the residual: syy − Δw_i · syh − δ S_r,i, plus the regularization\n",
        derivation.number("update:" + lg.noise().name()));
    b.addStatement("final double residual = syy - explained - delta * stats[$L + i] + $L[i]", sr, reg);
    if (lg.spherical()) {
      b.addStatement("total += residual");
    } else {
      b.addStatement("$L[i] = residual / N", psi);
    }
    b.endControlFlow();
    if (lg.spherical()) {
      b.addStatement("$L[0] = total / (N * $L)", psi, d);
    }
    return override("maximize").addParameter(DOUBLES, "stats", Modifier.FINAL).addCode(b.build()).build();
  }

  private MethodSpec logPenalty() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add("// −½ tr(Ψ_reg Ψ⁻¹): what the regularization adds to the objective\n");
    b.addStatement("double penalty = 0.0");
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.addStatement("penalty -= 0.5 * $L[i] / $L", reg, psiAt("i"));
    b.endControlFlow();
    b.addStatement("return penalty");
    return override("logPenalty").returns(TypeName.DOUBLE).addCode(b.build()).build();
  }

  private MethodSpec latent() {
    return override("latent").returns(Latent.class)
        .addStatement("return new $T(this, $S, $L, $L, $L, $S, $S, $S)", Latent.Factors.class, lg.latent().name(),
            offset, d, q, lg.loadings().name(), lg.mean().name(), lg.noise().name())
        .build();
  }

  private String stat(dev.emc.math.Symbol s) {
    return names.statOffset(s.name());
  }
}
