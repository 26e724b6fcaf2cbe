package dev.emc.codegen;

import static dev.emc.codegen.JavaGenerator.DOUBLES;
import static dev.emc.codegen.JavaGenerator.override;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import dev.emc.analysis.CodeNames;
import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.analysis.EmPlan;
import dev.emc.analysis.EquationNumbers;
import dev.emc.math.Shape;
import dev.emc.runtime.BlockKernels;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.FastMath;
import dev.emc.runtime.Latent;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The E-step of independent rows: each row's log p(x_n, z = k) normalized by log-sum-exp into its
 * responsibilities, a block of rows at a time, or written out for this K ({@link UnrolledPassCode}).
 */
final class RowPassCode implements PassCode {
  private final EmPlan plan;
  /** The derivation whose equation numbers the comments cite. */
  private final EquationNumbers derivation;
  private final CodeNames names;
  private final EStepCode estep;
  private final StatisticsCode statistics;
  private final UnrolledPassCode unrolled;

  RowPassCode(EmPlan plan, EquationNumbers derivation, CodeNames names, Lowering low, EStepCode estep,
      StatisticsCode statistics) {
    this.plan = plan;
    this.derivation = derivation;
    this.names = names;
    this.estep = estep;
    this.statistics = statistics;
    this.unrolled = new UnrolledPassCode(plan, derivation, names, low, statistics);
  }

  @Override
  public MethodSpec accumulate() {
    MethodSpec written = estep.byLanes() ? null : unrolled.accumulate();
    if (written != null) {
      return written;
    }
    CodeBlock.Builder b = CodeBlock.builder();
    b.add("// A block of rows at a time: E-step for each row, then the block's statistics.\n");
    boolean byBlock = estep.jointByBlock();
    if (!byBlock) {
      b.addStatement("final double[] lp = new double[K]");
    }
    b.add("// The block's log p(x_n, z = k) a component at a time, then its responsibilities (and three\n");
    b.add("// rows of scratch for the normalization).\n");
    b.addStatement("final double[] resp = new double[(K + 3) * BLOCK]");
    String quadForms = estep.blockArrays(b);
    String rows = statistics.rowAccumulators(b);
    b.addStatement("double ll = 0.0");
    estep.openBlock(b, quadForms);
    if (byBlock) {
      estep.blockJoint(b, "resp");
    } else {
      b.beginControlFlow("for (int n = b0; n < b1; n++)");
      b.addStatement("logJoint(data, n * COLUMNS, n - b0, lp$L)", estep.quadArgs());
      b.beginControlFlow("for (int k = 0; k < K; k++)");
      b.addStatement("resp[k * BLOCK + n - b0] = lp[k]");
      b.endControlFlow();
      b.endControlFlow();
    }
    b.add("// (eq. $L) r_nk = exp(lp_k − max) / Σ_j exp(lp_j − max), rows in vector lanes\n",
        derivation.number("lse"));
    b.add("// (eq. $L) log p(x_n) = max + log Σ_j exp(lp_j − max); −∞ for a row no component explains\n",
        derivation.number("loglik-lse"));
    b.addStatement("ll += $T.responsibilities(resp, BLOCK, K, b1 - b0)", BlockKernels.class);
    b.addStatement("collect(data, b0, b1, resp, stats$L)", rows);
    b.endControlFlow();
    statistics.addRows(b);
    b.addStatement("stats[LOGLIK] += ll");
    b.addStatement("stats[WEIGHT] += to - from");
    return override("accumulate").addParameter(DOUBLES, "data", Modifier.FINAL)
        .addParameter(TypeName.INT, "from", Modifier.FINAL).addParameter(TypeName.INT, "to", Modifier.FINAL)
        .addParameter(DOUBLES, "stats", Modifier.FINAL).addCode(b.build()).build();
  }

  @Override
  public List<MethodSpec> helpers() {
    return List.of(normalize());
  }

  private MethodSpec normalize() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add("// (eq. $L) r_nk = exp(lp_k − max) / Σ_j exp(lp_j − max)\n", derivation.number("lse"));
    b.add("// (eq. $L) log p(x_n) = max + log Σ_j exp(lp_j − max)\n", derivation.number("loglik-lse"));
    b.addStatement("double sum = 0.0");
    b.beginControlFlow("for (int k = 0; k < K; k++)");
    b.addStatement("lp[k] = $T.exp(lp[k] - max)", FastMath.class);
    b.addStatement("sum += lp[k]");
    b.endControlFlow();
    b.addStatement("final double inv = 1.0 / sum");
    b.beginControlFlow("for (int k = 0; k < K; k++)");
    b.addStatement("lp[k] *= inv");
    b.endControlFlow();
    b.addStatement("return sum");
    return MethodSpec.methodBuilder("normalize")
        .addJavadoc("Turns log p(x_n, z = k) into the responsibilities r_nk, in place; returns Σ_j exp(lp_j − max).\n")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(TypeName.DOUBLE)
        .addParameter(DOUBLES, "lp", Modifier.FINAL)
        .addParameter(TypeName.DOUBLE, "max", Modifier.FINAL)
        .addCode(b.build()).build();
  }

  @Override
  public MethodSpec responsibilities() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.addStatement("final double[] lp = new double[K]");
    String quadForms = estep.blockArrays(b);
    b.addStatement("double ll = 0.0");
    estep.openBlock(b, quadForms);
    b.beginControlFlow("for (int n = b0; n < b1; n++)");
    b.addStatement("final double max = logJoint(data, n * COLUMNS, n - b0, lp$L)", estep.quadArgs());
    b.add("// (eq. $L) log p(x_n) = max + log Σ_j exp(lp_j − max)\n", derivation.number("loglik-lse"));
    b.addStatement("ll += max + java.lang.Math.log(normalize(lp, max))");
    b.addStatement("System.arraycopy(lp, 0, out, (n - from) * K, K)");
    b.endControlFlow();
    b.endControlFlow();
    b.addStatement("return ll");
    return override("responsibilities").returns(TypeName.DOUBLE).addParameter(DOUBLES, "data", Modifier.FINAL)
        .addParameter(TypeName.INT, "from", Modifier.FINAL).addParameter(TypeName.INT, "to", Modifier.FINAL)
        .addParameter(DOUBLES, "out", Modifier.FINAL).addCode(b.build()).build();
  }

  /**
   * The driver's pass runs accumulate over chunks of rows. MissingCells runs accumulateGiven on K
   * copies of a row, each weighted by one component's r: right for statistics kept per component,
   * K times too much for one kept over all rows, so only then are the Gaussians named for it.
   */
  @Override
  public List<MethodSpec> latent() {
    List<MethodSpec> methods = new ArrayList<>();
    methods.add(override("latent").returns(Latent.class)
        .addStatement("return new $T()", Latent.Rows.class)
        .build());
    if (plan.factors().stream().anyMatch(f -> f.gaussian() != null)
        && plan.rowStatistics().stream().allMatch(st -> st.symbol().perComponent())) {
      methods.add(gaussians());
    }
    return methods;
  }

  private MethodSpec gaussians() {
    CodeBlock.Builder list = CodeBlock.builder();
    for (FactorPlan f : plan.factors()) {
      EmPlan.Gaussian g = f.gaussian();
      if (g == null) {
        continue;
      }
      Shape cov = g.covariance().shape();
      EmModel.Gaussian.Form form = cov.isMatrix() ? EmModel.Gaussian.Form.FULL
          : cov.isVector() ? EmModel.Gaussian.Form.DIAGONAL : EmModel.Gaussian.Form.SPHERICAL;
      list.add(list.isEmpty() ? "" : ",\n");
      list.add("new $T($L, $L, $S, $L, $S, $L, $T.$L, $L)", EmModel.Gaussian.class, names.dataOffset(g.data()), names.dataWidth(g.data()),
          g.mean().name(), g.mean().perComponent(), g.covariance().name(), g.covariance().perComponent(),
          EmModel.Gaussian.Form.class, form, g.scatter() == null ? "-1" : names.statOffset(g.scatter().name()));
    }
    return override("gaussians").returns(ParameterizedTypeName.get(List.class, EmModel.Gaussian.class))
        .addStatement("return $T.of($>\n$L$<)", List.class, list.build())
        .build();
  }
}
