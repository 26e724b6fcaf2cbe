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
import dev.emc.runtime.Moments;
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
 *
 * <p>A mixture of factor analysers is the same code inside loops over the components: prepare()
 * computes each component's Ψ_k⁻¹, L_k, G_k and log φ_k plus the row-free part of log p(x_n | z = k);
 * the pass runs posterior() for each k, turns the K joint log-densities into r_nk by the
 * log-sum-exp, and adds each component's statistics weighted by r_nk; the M-step solves each
 * component's normal equations on its N_k rows. One factor analysis is written exactly as before.
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
  /** A mixture of factor analysers: every component's loops run inside one over k. */
  private final boolean mixed;
  /**
   * Where component k's numbers start, as locals a mixture's loops set (wk, muk, pk, gk); null
   * for one factor analyser, whose arrays start at 0.
   */
  private final String wBase;
  private final String muBase;
  private final String psiBase;
  private final String gBase;

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
    this.mixed = lg.mixed();
    this.wBase = mixed ? "wk" : null;
    this.muBase = mixed ? "muk" : null;
    this.psiBase = lg.noisePerComponent() ? "pk" : null;
    this.gBase = mixed ? "gk" : null;
  }

  /** Ψ⁻¹'s entry i, of component k's when each has its own noise. */
  private String invPsiAt() {
    return psiBase == null ? "invPsi[i]" : lg.spherical() ? "invPsi[ik + i]" : "invPsi[pk + i]";
  }

  /** {@code array[base + index]}, or {@code array[index]} without a base. */
  private static String at(String array, String base, String index) {
    return array + "[" + (base == null ? "" : base + " + ") + index + "]";
  }

  /** Component k's offsets into W, μ, Ψ (when it has one per component) and G, for a mixture. */
  private void offsets(CodeBlock.Builder b, boolean inverse) {
    if (mixed) {
      b.addStatement("final int wk = k * $L * $L", d, q);
      b.addStatement("final int muk = k * $L", d);
      noiseOffsets(b, inverse);
      b.addStatement("final int gk = k * $L * $L", q, q);
    }
  }

  /** Component k's offsets into Ψ and (when {@code inverse}) Ψ⁻¹, when each component has its own noise. */
  private void noiseOffsets(CodeBlock.Builder b, boolean inverse) {
    if (psiBase != null) {
      b.addStatement("final int pk = k * $L", lg.spherical() ? "1" : d);
      if (lg.spherical() && inverse) {
        // Ψ_k⁻¹ is kept as a diagonal even when Ψ_k is one variance.
        b.addStatement("final int ik = k * $L", d);
      }
    }
  }

  void write() {
    if (mixed) {
      field("invPsi", lg.noisePerComponent() ? "K * " + d : d, "Ψ_k⁻¹, the noise precisions"
          + (lg.noisePerComponent() ? " of each component" : ", the same in every component") + ", from prepare()");
      field("cholesky", "K * " + q + " * " + q, "L_k, the lower Cholesky factor of G_k⁻¹ = I + W_kᵀΨ_k⁻¹W_k, per"
          + " component, from prepare()");
      field("G", "K * " + q + " * " + q, "G_k = (I + W_kᵀΨ_k⁻¹W_k)⁻¹, the factors' posterior covariance given z = k"
          + " (the same for every row), from prepare()");
    } else {
      field("invPsi", d, "Ψ⁻¹, the noise precisions, from prepare()");
      field("cholesky", q + " * " + q, "L, the lower Cholesky factor of G⁻¹ = I + WᵀΨ⁻¹W, from prepare()");
      field("G", q + " * " + q, "G = (I + WᵀΨ⁻¹W)⁻¹, the factors' posterior covariance (the same for every row), from prepare()");
    }
    type.addMethod(prepare());
    type.addMethod(posterior());
    if (mixed) {
      type.addMethod(mixturePass("accumulate", false));
      type.addMethod(mixturePass("accumulateGiven", true));
      type.addMethod(mixtureDensities(true));
      type.addMethod(mixtureDensities(false));
    } else {
      type.addMethod(pass("accumulate", false));
      type.addMethod(pass("accumulateGiven", true));
      type.addMethod(logDensities(true));
      type.addMethod(logDensities(false));
    }
    type.addMethod(maximize());
    type.addMethod(logPenalty());
    type.addMethod(latent());
    type.addSuperinterface(FactorScores.class);
    type.addMethod(mixed ? mixtureScores() : scores());
    type.addMethod(override("posteriorCovariance").returns(DOUBLES).addStatement("return G.clone()").build());
    type.addSuperinterface(Moments.class);
    type.addMethod(override("momentsLength").returns(TypeName.INT)
        .addStatement("return STATS").build());
    type.addMethod(override("shift").returns(DOUBLES).addStatement("return $L.clone()", mu).build());
    type.addMethod(moments());
    type.addMethod(centred());
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
    return lg.spherical() ? at(psi, psiBase, "0").replace(" + 0]", "]") : at(psi, psiBase, i);
  }

  private MethodSpec prepare() {
    CodeBlock.Builder b = CodeBlock.builder();
    if (lg.noisePerComponent()) {
      b.add("// Ψ_k⁻¹, each component's noise precisions\n");
      b.beginControlFlow("for (int k = 0; k < K; k++)");
      noiseOffsets(b, true);
    }
    String inv = invPsiAt();
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.beginControlFlow("if (!($L > 0.0))", psiAt("i"));
    b.addStatement("return \"$L has \" + $L + \" where it must be positive\"", lg.noise().name(), psiAt("i"));
    b.endControlFlow();
    b.addStatement("$L = 1.0 / $L", inv, psiAt("i"));
    b.endControlFlow();
    if (lg.noisePerComponent()) {
      b.endControlFlow();
    }
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
    if (mixed) {
      b.addStatement("final double[] m = new double[$L * $L]", q, q);
      b.addStatement("final double[] l = new double[$L * $L]", q, q);
      b.addStatement("final double[] column = new double[$L]", q);
      b.add("// Each component's factor analysis: what every row shares given z = k\n");
      b.beginControlFlow("for (int k = 0; k < K; k++)");
      b.addStatement("final int wk = k * $L * $L", d, q);
      noiseOffsets(b, true);
      b.addStatement("final int gk = k * $L * $L", q, q);
      b.add("// (eq. $L) G_k = (I + W_kᵀΨ_k⁻¹W_k)⁻¹, from the Cholesky factor L_k of I + W_kᵀΨ_k⁻¹W_k\n",
          derivation.number("fa-posterior-cov"));
    } else {
      b.add("// (eq. $L) G = (I + WᵀΨ⁻¹W)⁻¹, from the Cholesky factor L of I + WᵀΨ⁻¹W\n", derivation.number("fa-posterior-cov"));
      b.addStatement("final double[] m = new double[$L * $L]", q, q);
    }
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.beginControlFlow("for (int c = 0; c < $L; c++)", q);
    b.addStatement("double s = a == c ? 1.0 : 0.0");
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.addStatement("s += $L * $L * $L", at(w, wBase, "i * " + q + " + a"), invPsiAt(),
        at(w, wBase, "i * " + q + " + c"));
    b.endControlFlow();
    b.addStatement("m[a * $L + c] = s", q);
    b.endControlFlow();
    b.endControlFlow();
    String factor = mixed ? "l" : "cholesky";
    b.beginControlFlow("if (!$T.cholesky(m, 0, $L, $L, 0))", Linalg.class, q, factor);
    b.addStatement("return \"I + $L is not positive definite\"", mixed ? "W_kᵀΨ_k⁻¹W_k of component \" + (k + 1) + \""
        : "WᵀΨ⁻¹W");
    b.endControlFlow();
    if (mixed) {
      b.addStatement("System.arraycopy(l, 0, cholesky, gk, $L * $L)", q, q);
    } else {
      b.addStatement("final double[] column = new double[$L]", q);
    }
    b.beginControlFlow("for (int c = 0; c < $L; c++)", q);
    b.addStatement("java.util.Arrays.fill(column, 0.0)");
    b.addStatement("column[c] = 1.0");
    b.addStatement("$T.solveCholesky($L, column, $L)", Linalg.class, factor, q);
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("$L = column[a]", at("G", gBase, "a * " + q + " + c"));
    b.endControlFlow();
    b.endControlFlow();
    b.add(mixed ? "// (eq. $L) log|W_kW_kᵀ + Ψ_k| = log|Ψ_k| + log|I + W_kᵀΨ_k⁻¹W_k| (the matrix determinant lemma)\n"
        : "// (eq. $L) log|WWᵀ + Ψ| = log|Ψ| + log|I + WᵀΨ⁻¹W| (the matrix determinant lemma)\n",
        derivation.number("fa-loglik"));
    b.addStatement("double logDetPsi = 0.0");
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.addStatement("logDetPsi += java.lang.Math.log($L)", psiAt("i"));
    b.endControlFlow();
    if (mixed) {
      b.add("// (eq. $L) logConst_k = log φ_k − ½ (D log 2π + log|Ψ_k| − log|G_k|), the part of log p(x_n, z = k)"
          + " that does not read the row\n", derivation.number("mfa-joint"));
      b.addStatement("logConst[k] = java.lang.Math.log($L[k]) - 0.5 * ($L * java.lang.Math.log(2.0 * java.lang.Math.PI)"
          + " + logDetPsi + $T.logDetCholesky(cholesky, gk, $L))", names.field(lg.mixture().weights().name()), d,
          Linalg.class, q);
      b.endControlFlow();
    } else {
      b.add("// logConst = −½ (D log 2π + log|Ψ| − log|G|), the part of log p(x_n) that does not read the row\n");
      b.addStatement("logConst[0] = -0.5 * ($L * java.lang.Math.log(2.0 * java.lang.Math.PI) + logDetPsi + $T.logDetCholesky(cholesky, 0, $L))",
          d, Linalg.class, q);
    }
    b.addStatement("return null");
    return override("prepare").returns(String.class).addCode(b.build()).build();
  }

  /** One row's E-step, shared by every pass: in a mixture, given z = k. */
  private MethodSpec posterior() {
    CodeBlock.Builder b = CodeBlock.builder();
    offsets(b, true);
    String inv = invPsiAt();
    String chol = mixed ? "cholesky[gk + " : "cholesky[";
    b.add(mixed ? "// e_n = x_n − μ_k and b_n = W_kᵀΨ_k⁻¹ e_n\n" : "// e_n = x_n − μ and b_n = WᵀΨ⁻¹ e_n\n");
    b.addStatement("java.util.Arrays.fill(bn, 0.0)");
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.addStatement("e[i] = data[row + $Li] - $L", offset.equals("0") ? "" : offset + " + ", at(mu, muBase, "i"));
    b.addStatement("final double t = $L * e[i]", inv);
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("bn[a] += $L * t", at(w, wBase, "i * " + q + " + a"));
    b.endControlFlow();
    b.endControlFlow();
    b.add(mixed ? "// (eq. $L) m_nk = E[h_n | x_n, z = k] = G_k b_n: L_k y = b_n, then L_kᵀ m_nk = y, in place\n"
        : "// (eq. $L) m_n = E[h_n | x_n] = G b_n: L y = b_n, then Lᵀ m_n = y, in place\n",
        derivation.number("fa-posterior-mean"));
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("double s = bn[a]");
    b.beginControlFlow("for (int c = 0; c < a; c++)");
    b.addStatement("s -= $La * $L + c] * mn[c]", chol, q);
    b.endControlFlow();
    b.addStatement("mn[a] = s / $La * $L + a]", chol, q);
    b.endControlFlow();
    b.beginControlFlow("for (int a = $L - 1; a >= 0; a--)", q);
    b.addStatement("double s = mn[a]");
    b.beginControlFlow("for (int c = a + 1; c < $L; c++)", q);
    b.addStatement("s -= $Lc * $L + a] * mn[c]", chol, q);
    b.endControlFlow();
    b.addStatement("mn[a] = s / $La * $L + a]", chol, q);
    b.endControlFlow();
    if (mixed) {
      b.add("// (eq. $L) log p(x_n, z = k) = log φ_k − ½ (D log 2π + log|Ψ_k| − log|G_k| + (e_n − W_k m_nk)ᵀΨ_k⁻¹(e_n − W_k m_nk) + m_nkᵀm_nk):\n",
          derivation.number("mfa-joint"));
    } else {
      b.add("// (eq. $L) log p(x_n) = −½ (D log 2π + log|Ψ| − log|G| + (e_n − W m_n)ᵀΨ⁻¹(e_n − W m_n) + m_nᵀm_n):\n",
          derivation.number("fa-loglik"));
    }
    b.add("// the residual's form, not e_nᵀΨ⁻¹e_n − b_nᵀG b_n, whose two terms cancel when a column's variance is far above its noise\n");
    b.addStatement("double quad = 0.0");
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("quad += mn[a] * mn[a]");
    b.endControlFlow();
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("e[i] -= $L * mn[a]", at(w, wBase, "i * " + q + " + a"));
    b.endControlFlow();
    b.addStatement("quad += e[i] * e[i] * $L", inv);
    b.endControlFlow();
    b.addStatement("return logConst[$L] - 0.5 * quad", mixed ? "k" : "0");
    MethodSpec.Builder m = MethodSpec.methodBuilder("posterior")
        .addJavadoc(mixed ? "log p(x_n, z = k) of the row at {@code row}, leaving the residual r_nk = x_n − μ_k − W_k m_nk,"
            + " b_n and m_nk in e, bn and mn.\n"
            : "log p(x_n) of the row at {@code row}, leaving the residual r_n = x_n − μ − W m_n, b_n and m_n in e, bn and mn.\n")
        .addModifiers(Modifier.PRIVATE).returns(TypeName.DOUBLE)
        .addParameter(DOUBLES, "data", Modifier.FINAL).addParameter(TypeName.INT, "row", Modifier.FINAL);
    if (mixed) {
      m.addParameter(TypeName.INT, "k", Modifier.FINAL);
    }
    return m.addParameter(DOUBLES, "e", Modifier.FINAL).addParameter(DOUBLES, "bn", Modifier.FINAL)
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
    return passSignature(name, given).addCode(b.build()).build();
  }

  /** accumulate(data, from, to, stats), or accumulateGiven with the rows' given responsibilities. */
  private MethodSpec.Builder passSignature(String name, boolean given) {
    MethodSpec.Builder m = override(name).addParameter(DOUBLES, "data", Modifier.FINAL)
        .addParameter(TypeName.INT, "from", Modifier.FINAL).addParameter(TypeName.INT, "to", Modifier.FINAL);
    if (given) {
      m.addParameter(DOUBLES, "resp", Modifier.FINAL);
    }
    return m.addParameter(DOUBLES, "stats", Modifier.FINAL);
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

  /** A mixture's locals: one row's E-step given each component k, kept for its statistics. */
  private void mixtureLocals(CodeBlock.Builder b) {
    locals(b);
    b.addStatement("final double[] lp = new double[K]");
    b.addStatement("final double[] ek = new double[K * $L]", d);
    b.addStatement("final double[] mk = new double[K * $L]", q);
  }

  /**
   * One row's E-step in a mixture: for each component k, log p(x_n, z = k) into lp[k], and the
   * residual r_nk and m_nk into ek and mk.
   */
  private void eachComponent(CodeBlock.Builder b) {
    b.beginControlFlow("for (int k = 0; k < K; k++)");
    b.addStatement("lp[k] = posterior(data, n * COLUMNS, k, e, bn, mn)");
    b.addStatement("System.arraycopy(e, 0, ek, k * $L, $L)", d, d);
    b.addStatement("System.arraycopy(mn, 0, mk, k * $L, $L)", q, q);
    b.endControlFlow();
  }

  /** r_nk from log p(x_n, z = k) in lp, in place, by the log-sum-exp about the largest; log p(x_n). */
  private void bayes(CodeBlock.Builder b, String logp) {
    b.add("// (eq. $L) r_nk = p(z = k | x_n), by the log-sum-exp about the largest term\n",
        derivation.number("mfa-responsibility"));
    b.addStatement("double max = Double.NEGATIVE_INFINITY");
    b.beginControlFlow("for (int k = 0; k < K; k++)");
    b.addStatement("max = java.lang.Math.max(max, lp[k])");
    b.endControlFlow();
    b.addStatement("double sum = 0.0");
    b.beginControlFlow("for (int k = 0; k < K; k++)");
    b.addStatement("lp[k] = java.lang.Math.exp(lp[k] - max)");
    b.addStatement("sum += lp[k]");
    b.endControlFlow();
    b.beginControlFlow("for (int k = 0; k < K; k++)");
    b.addStatement("lp[k] /= sum");
    b.endControlFlow();
    b.addStatement("final double $L = max + java.lang.Math.log(sum)", logp);
  }

  /**
   * A mixture's E-step and statistics over rows [from, to): every component's factor analysis
   * given z = k, weighted by r_nk (the E-step's, or given ones, which leave LOGLIK alone).
   */
  private MethodSpec mixturePass(String name, boolean given) {
    CodeBlock.Builder b = CodeBlock.builder();
    mixtureLocals(b);
    b.addStatement("final double[] nk = new double[K]");
    b.addStatement("double ll = 0.0");
    b.beginControlFlow("for (int n = from; n < to; n++)");
    eachComponent(b);
    if (given) {
      b.beginControlFlow("for (int k = 0; k < K; k++)");
      b.addStatement("lp[k] = resp[(n - from) * K + k]");
      b.endControlFlow();
    } else {
      bayes(b, "logp");
      b.addStatement("ll += logp");
    }
    weightedComponents(b);
    b.add("// (eq. $L) component k's S_r, S_rr, S_h, S_hh (its G_k part below) and S_rh, weighted by r_nk\n",
        derivation.number("fa-statistics"));
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.addStatement("final double ei = ek[k * $L + i]", d);
    b.addStatement("final double wr = wn * ei");
    b.addStatement("stats[$L + k * $L + i] += wr", stat(lg.sr()), d);
    b.addStatement("stats[$L + k * $L + i] += wr * ei", stat(lg.srr()), d);
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("stats[$L + k * $L * $L + i * $L + a] += wr * mk[k * $L + a]", stat(lg.srh()), d, q, q, q);
    b.endControlFlow();
    b.endControlFlow();
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("final double rm = wn * mk[k * $L + a]", q);
    b.addStatement("stats[$L + k * $L + a] += rm", stat(lg.sh()), q);
    b.beginControlFlow("for (int c = 0; c < $L; c++)", q);
    b.addStatement("stats[$L + k * $L * $L + a * $L + c] += rm * mk[k * $L + c]", stat(lg.shh()), q, q, q, q);
    b.endControlFlow();
    b.endControlFlow();
    b.endControlFlow();
    b.endControlFlow();
    posteriorCovariances(b);
    if (!given) {
      b.addStatement("stats[LOGLIK] += ll");
    }
    b.addStatement("stats[WEIGHT] += weight");
    return passSignature(name, given).addCode(b.build()).build();
  }

  /** log p(x_n, z = k) per row and component; or r_nk, returning Σ_n log p(x_n). */
  private MethodSpec mixtureDensities(boolean densities) {
    CodeBlock.Builder b = CodeBlock.builder();
    mixtureLocals(b);
    if (!densities) {
      b.addStatement("double ll = 0.0");
    }
    b.beginControlFlow("for (int n = from; n < to; n++)");
    eachComponent(b);
    if (!densities) {
      bayes(b, "logp");
      b.addStatement("ll += logp");
    }
    b.addStatement("System.arraycopy(lp, 0, out, (n - from) * K, K)");
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

  /**
   * Each row's factor scores in a mixture: m_nk of its most probable component k, whose G_k is
   * their covariance.
   */
  private MethodSpec mixtureScores() {
    CodeBlock.Builder b = CodeBlock.builder();
    mixtureLocals(b);
    b.beginControlFlow("for (int n = from; n < to; n++)");
    eachComponent(b);
    b.addStatement("int best = 0");
    b.beginControlFlow("for (int k = 1; k < K; k++)");
    b.beginControlFlow("if (lp[k] > lp[best])");
    b.addStatement("best = k");
    b.endControlFlow();
    b.endControlFlow();
    b.addStatement("System.arraycopy(mk, best * $L, out, (n - from) * $L, $L)", q, q, q);
    b.endControlFlow();
    return override("scores").addParameter(DOUBLES, "data", Modifier.FINAL)
        .addParameter(TypeName.INT, "from", Modifier.FINAL).addParameter(TypeName.INT, "to", Modifier.FINAL)
        .addParameter(DOUBLES, "out", Modifier.FINAL).addCode(b.build()).build();
  }

  private MethodSpec maximize() {
    CodeBlock.Builder b = CodeBlock.builder();
    // A mixture's statistics of component k start k blocks into each statistic.
    String sr = stat(lg.sr()) + (mixed ? " + k * " + d : "");
    String srr = stat(lg.srr()) + (mixed ? " + k * " + d : "");
    String sh = stat(lg.sh()) + (mixed ? " + k * " + q : "");
    String shh = stat(lg.shh()) + (mixed ? " + k * " + q + " * " + q : "");
    String srh = stat(lg.srh()) + (mixed ? " + k * " + d + " * " + q : "");
    boolean pooled = mixed && !lg.noisePerComponent();
    if (mixed) {
      b.add(pooled ? "// The rows' total weight, N, and the components' pooled squared residuals, for the noise they share\n"
          : "// The rows' total weight, N\n");
      b.addStatement("final double all = stats[WEIGHT]");
      if (pooled) {
        b.addStatement("final double[] pooled = new double[$L]", lg.spherical() ? "1" : d);
      }
      b.beginControlFlow("for (int k = 0; k < K; k++)");
      b.add("// Component k's regression, on its rows weighted by r_nk: N_k of them\n");
      b.addStatement("final double N = stats[COUNT + k]");
      b.beginControlFlow("if (!(N > EMPTY * all))");
      b.add("// An empty component keeps its values; its weight says it is empty.\n");
      b.addStatement("continue");
      b.endControlFlow();
      offsets(b, false);
    } else {
      b.add("// The rows' total weight: N, or Σ_n r_n for given weights.\n");
      b.addStatement("final double N = stats[COUNT]");
    }
    b.add("// (eq. $L) C_hh = S_hh − S_h S_hᵀ / N, by its Cholesky factor\n", derivation.number("update:" + lg.loadings().name()));
    b.addStatement("final double[] chh = new double[$L * $L]", q, q);
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.beginControlFlow("for (int c = 0; c < $L; c++)", q);
    b.addStatement("chh[a * $L + c] = stats[$L + a * $L + c] - stats[$L + a] * stats[$L + c] / N", q, shh, q, sh, sh);
    b.endControlFlow();
    b.endControlFlow();
    b.addStatement("final double[] l = new double[$L * $L]", q, q);
    b.addStatement("final boolean solvable = $T.cholesky(chh, 0, $L, l, 0)", Linalg.class, q);
    b.addStatement("final double[] syh = new double[$L]", q);
    b.addStatement("final double[] change = new double[$L]", q);
    if (!pooled) {
      b.addStatement("double total = 0.0");
    }
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.add("// Row i of Σ E[(x_n − μ − W h_n) h_nᵀ] = S_rh − N W G, and Σ E[(x_n − μ − W h_n)²] = S_rr + N w_iᵀ G w_i,\n");
    b.add("// with the current W\n");
    b.addStatement("double syy = stats[$L + i]", srr);
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("double wg = 0.0");
    b.beginControlFlow("for (int c = 0; c < $L; c++)", q);
    b.addStatement("wg += $L * $L", at(w, wBase, "i * " + q + " + c"), at("G", gBase, "c * " + q + " + a"));
    b.endControlFlow();
    b.addStatement("syy += N * wg * $L", at(w, wBase, "i * " + q + " + a"));
    b.addStatement("syh[a] = stats[$L + i * $L + a] - N * wg", srh, q);
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
    b.addStatement("$L += change[a]", at(w, wBase, "i * " + q + " + a"));
    b.addStatement("fitted += change[a] * stats[$L + a]", sh);
    b.addStatement("explained += change[a] * syh[a]");
    b.endControlFlow();
    b.addStatement("final double delta = (stats[$L + i] - fitted) / N", sr);
    b.addStatement("$L += delta", at(mu, muBase, "i"));
    b.add("// (eq. $L) the residual: syy − Δw_i · syh − δ S_r,i, plus the regularization$L\n",
        derivation.number("update:" + lg.noise().name()), pooled ? " (once, after the components)" : "");
    if (pooled) {
      b.addStatement("pooled[$L] += syy - explained - delta * stats[$L + i]", lg.spherical() ? "0" : "i", sr);
    } else {
      b.addStatement("final double residual = syy - explained - delta * stats[$L + i] + $L[i]", sr, reg);
      if (lg.spherical()) {
        b.addStatement("total += residual");
      } else {
        b.addStatement("$L = residual / N", at(psi, psiBase, "i"));
      }
    }
    b.endControlFlow();
    if (lg.spherical() && !pooled) {
      b.addStatement("$L = total / (N * $L)", psiAt("0"), d);
    }
    if (mixed) {
      b.endControlFlow();
      if (pooled) {
        b.add("// (eq. $L) one noise for every component: the pooled residuals over all N rows\n",
            derivation.number("update:" + lg.noise().name()));
        if (lg.spherical()) {
          b.addStatement("double squares = pooled[0]");
          b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
          b.addStatement("squares += $L[i]", reg);
          b.endControlFlow();
          b.addStatement("$L[0] = squares / (all * $L)", psi, d);
        } else {
          b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
          b.addStatement("$L[i] = (pooled[i] + $L[i]) / all", psi, reg);
          b.endControlFlow();
        }
      }
      String phi = names.field(lg.mixture().weights().name());
      b.add("// (eq. $L) φ_k = N_k / N\n", derivation.number("update:" + lg.mixture().weights().name()));
      b.beginControlFlow("for (int k = 0; k < K; k++)");
      b.addStatement("$L[k] = stats[COUNT + k] / all", phi);
      b.endControlFlow();
    }
    return override("maximize").addParameter(DOUBLES, "stats", Modifier.FINAL).addCode(b.build()).build();
  }

  /**
   * The moments of rows [from, to) about the shift c (for online EM): the same E-step as
   * accumulate()'s, but x_n − c where accumulate() has the residual, so that they add across
   * parameters. They fill the statistics' own slots: Σ r (x − c) S_r's, Σ r (x − c)² S_rr's,
   * Σ r (x − c) mᵀ S_rh's; S_h and S_hh are accumulate()'s.
   */
  private MethodSpec moments() {
    CodeBlock.Builder b = CodeBlock.builder();
    if (mixed) {
      mixtureLocals(b);
      b.addStatement("final double[] nk = new double[K]");
    } else {
      locals(b);
    }
    b.addStatement("double ll = 0.0");
    b.beginControlFlow("for (int n = from; n < to; n++)");
    String m;
    String block;
    if (mixed) {
      eachComponent(b);
      bayes(b, "logp");
      b.addStatement("ll += logp");
      weightedComponents(b);
      m = "mk[k * " + q + " + ";
      block = " + k * ";
    } else {
      b.addStatement("ll += posterior(data, n * COLUMNS, e, bn, mn)");
      b.addStatement("final double wn = 1.0");
      m = "mn[";
      block = null;
    }
    b.add("// Σ r (x_n − c), Σ r (x_n − c)², Σ r (x_n − c) m_nᵀ, Σ r m_n, Σ r m_n m_nᵀ (the G part below)\n");
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.addStatement("final double y = data[n * COLUMNS + $Li] - shift[$Li]", offset.equals("0") ? "" : offset + " + ",
        mixed ? "k * " + d + " + " : "");
    b.addStatement("final double wy = wn * y");
    b.addStatement("stats[$L + i] += wy", slot(lg.sr(), block, d));
    b.addStatement("stats[$L + i] += wy * y", slot(lg.srr(), block, d));
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("stats[$L + i * $L + a] += wy * $La]", slot(lg.srh(), block, d + " * " + q), q, m);
    b.endControlFlow();
    b.endControlFlow();
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("final double rm = wn * $La]", m);
    b.addStatement("stats[$L + a] += rm", slot(lg.sh(), block, q));
    b.beginControlFlow("for (int c = 0; c < $L; c++)", q);
    b.addStatement("stats[$L + a * $L + c] += rm * $Lc]", slot(lg.shh(), block, q + " * " + q), q, m);
    b.endControlFlow();
    b.endControlFlow();
    if (mixed) {
      b.endControlFlow();
    }
    b.endControlFlow();
    if (mixed) {
      posteriorCovariances(b);
    } else {
      b.add("// E[h hᵀ | x_n] = G + m_n m_nᵀ: G once for all the rows\n");
      b.addStatement("final double weight = to - from");
      b.beginControlFlow("for (int a = 0; a < $L * $L; a++)", q, q);
      b.addStatement("stats[$L + a] += weight * G[a]", stat(lg.shh()));
      b.endControlFlow();
      b.addStatement("stats[COUNT] += weight");
    }
    b.addStatement("stats[LOGLIK] += ll");
    b.addStatement("stats[WEIGHT] += weight");
    return override("moments").addParameter(DOUBLES, "data", Modifier.FINAL)
        .addParameter(TypeName.INT, "from", Modifier.FINAL).addParameter(TypeName.INT, "to", Modifier.FINAL)
        .addParameter(DOUBLES, "shift", Modifier.FINAL).addParameter(DOUBLES, "stats", Modifier.FINAL)
        .addCode(b.build()).build();
  }

  /** A statistic's offset, plus component k's block of {@code size} in a mixture ({@code block} non-null). */
  private String slot(dev.emc.math.Symbol statistic, String block, String size) {
    return stat(statistic) + (block == null ? "" : block + size);
  }

  /**
   * The statistics accumulate() would give at the prepared parameters, from moments about c: with
   * d = μ − c, S_r = Σ r (x − c) − N d − W S_h, S_rh = Σ r (x − μ) mᵀ − W A and S_rr,i = Σ r (x_i − μ_i)²
   * − 2 w_iᵀ Σ r (x_i − μ_i) m + w_iᵀ A w_i, where A = S_hh − N G stands for Σ r m mᵀ: the M-step adds
   * N W G and N w_iᵀ G w_i back, so that it sees Σ E[(x − μ − W h) hᵀ] and Σ E[(x_i − μ_i − w_iᵀh)²],
   * which hold the moments' E[h hᵀ] whatever G it has.
   */
  private MethodSpec centred() {
    CodeBlock.Builder b = CodeBlock.builder();
    String block = mixed ? " + k * " : null;
    b.addStatement("System.arraycopy(moments, 0, stats, 0, COUNT + K)");
    b.addStatement("final double[] outer = new double[$L * $L]", q, q);
    b.addStatement("final double[] cross = new double[$L]", q);
    if (mixed) {
      b.beginControlFlow("for (int k = 0; k < K; k++)");
      b.addStatement("final int wk = k * $L * $L", d, q);
      b.addStatement("final int muk = k * $L", d);
      b.addStatement("final int gk = k * $L * $L", q, q);
      b.addStatement("final double N = moments[COUNT + k]");
    } else {
      b.addStatement("final double N = moments[COUNT]");
    }
    b.add("// S_h and S_hh as they are; A = S_hh − N G, in outer\n");
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("stats[$L + a] = moments[$L + a]", slot(lg.sh(), block, q), slot(lg.sh(), block, q));
    b.beginControlFlow("for (int c = 0; c < $L; c++)", q);
    b.addStatement("final double s = moments[$L + a * $L + c]", slot(lg.shh(), block, q + " * " + q), q);
    b.addStatement("stats[$L + a * $L + c] = s", slot(lg.shh(), block, q + " * " + q), q);
    b.addStatement("outer[a * $L + c] = s - N * $L", q, at("G", gBase, "a * " + q + " + c"));
    b.endControlFlow();
    b.endControlFlow();
    String sh = slot(lg.sh(), block, q);
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.addStatement("final double gap = $L - shift[$Li]", at(mu, muBase, "i"), mixed ? "muk + " : "");
    b.addStatement("final double sumY = moments[$L + i]", slot(lg.sr(), block, d));
    b.add("// Σ r (x_i − μ_i)², and cross = Σ r (x_i − μ_i) m\n");
    b.addStatement("double syy = moments[$L + i] - gap * (2.0 * sumY - N * gap)", slot(lg.srr(), block, d));
    b.addStatement("double fitted = 0.0");
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("cross[a] = moments[$L + i * $L + a] - gap * stats[$L + a]", slot(lg.srh(), block, d + " * " + q), q, sh);
    b.addStatement("fitted += $L * stats[$L + a]", at(w, wBase, "i * " + q + " + a"), sh);
    b.endControlFlow();
    b.addStatement("stats[$L + i] = sumY - N * gap - fitted", slot(lg.sr(), block, d));
    b.add("// S_rh's row i = cross − A w_i; S_rr,i = Σ r (x_i − μ_i)² − w_iᵀ cross − w_iᵀ (cross − A w_i)\n");
    b.beginControlFlow("for (int a = 0; a < $L; a++)", q);
    b.addStatement("double row = cross[a]");
    b.beginControlFlow("for (int c = 0; c < $L; c++)", q);
    b.addStatement("row -= outer[a * $L + c] * $L", q, at(w, wBase, "i * " + q + " + c"));
    b.endControlFlow();
    b.addStatement("stats[$L + i * $L + a] = row", slot(lg.srh(), block, d + " * " + q), q);
    b.addStatement("syy -= $L * (cross[a] + row)", at(w, wBase, "i * " + q + " + a"));
    b.endControlFlow();
    b.addStatement("stats[$L + i] = syy", slot(lg.srr(), block, d));
    b.endControlFlow();
    if (mixed) {
      b.endControlFlow();
    }
    return override("centred").addParameter(DOUBLES, "moments", Modifier.FINAL)
        .addParameter(DOUBLES, "shift", Modifier.FINAL).addParameter(DOUBLES, "stats", Modifier.FINAL)
        .addCode(b.build()).build();
  }

  private MethodSpec logPenalty() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add("// −½ tr(Ψ_reg Ψ⁻¹): what the regularization adds to the objective\n");
    b.addStatement("double penalty = 0.0");
    if (lg.noisePerComponent()) {
      b.add("// once for each component's noise\n");
      b.beginControlFlow("for (int k = 0; k < K; k++)");
      b.addStatement("final int pk = k * $L", lg.spherical() ? "1" : d);
    }
    b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    b.addStatement("penalty -= 0.5 * $L[i] / $L", reg, psiAt("i"));
    b.endControlFlow();
    if (lg.noisePerComponent()) {
      b.endControlFlow();
    }
    b.addStatement("return penalty");
    return override("logPenalty").returns(TypeName.DOUBLE).addCode(b.build()).build();
  }

  private MethodSpec latent() {
    return override("latent").returns(Latent.class)
        .addStatement("return new $T(this, $S, $L, $L, $L, $S, $S, $S, $L)", Latent.Factors.class, lg.latent().name(),
            offset, d, q, lg.loadings().name(), lg.mean().name(), lg.noise().name(), "this")
        .build();
  }

  private String stat(dev.emc.math.Symbol s) {
    return names.statOffset(s.name());
  }

  /**
   * A mixture's Σ_n r_nk E[h hᵀ | x_n, z = k] beyond the m_nk m_nkᵀ already added: G_k once, times
   * component k's weight nk[k], which is also its count; {@code weight} their sum.
   */
  private void posteriorCovariances(CodeBlock.Builder b) {
    b.add("// E[h hᵀ | x_n, z = k] = G_k + m_nk m_nkᵀ: G_k once for all of component k's weight\n");
    b.addStatement("double weight = 0.0");
    b.beginControlFlow("for (int k = 0; k < K; k++)");
    b.beginControlFlow("for (int a = 0; a < $L * $L; a++)", q, q);
    b.addStatement("stats[$L + k * $L * $L + a] += nk[k] * G[k * $L * $L + a]", stat(lg.shh()), q, q, q, q);
    b.endControlFlow();
    b.addStatement("stats[COUNT + k] += nk[k]");
    b.addStatement("weight += nk[k]");
    b.endControlFlow();
  }

  /**
   * Opens the loop over the components with the row's weight wn = r_nk (lp[k] holds the
   * responsibilities), skipping a component the row has no weight in, and adds wn to nk[k].
   */
  private static void weightedComponents(CodeBlock.Builder b) {
    b.beginControlFlow("for (int k = 0; k < K; k++)");
    b.addStatement("final double wn = lp[k]");
    b.beginControlFlow("if (wn == 0.0)");
    b.addStatement("continue");
    b.endControlFlow();
    b.addStatement("nk[k] += wn");
  }
}
