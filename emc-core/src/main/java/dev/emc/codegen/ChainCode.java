package dev.emc.codegen;

import static dev.emc.codegen.JavaGenerator.DOUBLES;
import static dev.emc.codegen.JavaGenerator.override;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.emc.analysis.CodeNames;
import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.analysis.EquationNumbers;
import dev.emc.analysis.latent.MarkovChain;
import dev.emc.runtime.ForwardBackward;
import dev.emc.runtime.Latent;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The E-step of a hidden Markov chain ({@link MarkovChain}): the rows are one whole sequence at a
 * time, and accumulate is forward–backward over the emission densities logJoint gives.
 */
final class ChainCode implements PassCode {
  /** The derivation whose equation numbers the comments cite. */
  private final EquationNumbers derivation;
  /** The initial distribution's parameter, then the transitions': {name, field, statistics offset}. */
  private final List<String[]> chain = new ArrayList<>();

  ChainCode(MarkovChain c, EquationNumbers derivation, CodeNames names) {
    this.derivation = derivation;
    for (FactorPlan f : List.of(c.initial(), c.transition())) {
      String param = f.updates().get(0).param();
      chain.add(new String[] {param, names.field(param), names.statOffset(f.statistics().get(0).symbol().name())});
    }
  }

  /**
   * The E-step of one sequence, rows [from, to): forward–backward over the emission densities,
   * then the rows' statistics weighed by γ, and the expected first states and transitions.
   */
  @Override
  public MethodSpec accumulate() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add("// The rows are one sequence: its E-step runs along it, not row by row.\n");
    b.addStatement("final int rows = to - from");
    b.addStatement("final double[] logB = new double[rows * K]");
    b.addStatement("logDensities(data, from, to, logB)");
    b.addStatement("final double[] gamma = new double[rows * K]");
    b.addStatement("final double[] xi = new double[K * K]");
    b.add("// (eq. $L–$L) the scaled forward–backward recursions: γ_nk (eq. $L), Σ_n ξ_n(j, k) (eq. $L)\n",
        derivation.number("forward-first"), derivation.number("backward"), derivation.number("gamma"),
        derivation.number("xi"));
    b.addStatement("final double ll = $T.run(logB, rows, K, $L, $L, gamma, xi)", ForwardBackward.class,
        chain.get(0)[1], chain.get(1)[1]);
    b.addStatement("stats[LOGLIK] += ll");
    b.beginControlFlow("if (ll == Double.NEGATIVE_INFINITY)");
    b.add("// No path through the states gives this sequence any probability.\n");
    b.addStatement("return");
    b.endControlFlow();
    b.addStatement("accumulateGiven(data, from, to, gamma, stats)");
    b.beginControlFlow("for (int k = 0; k < K; k++)");
    b.addStatement("stats[$L + k] += gamma[k]", chain.get(0)[2]);
    b.endControlFlow();
    b.beginControlFlow("for (int i = 0; i < K * K; i++)");
    b.addStatement("stats[$L + i] += xi[i]", chain.get(1)[2]);
    b.endControlFlow();
    return override("accumulate").addParameter(DOUBLES, "data", Modifier.FINAL)
        .addParameter(TypeName.INT, "from", Modifier.FINAL).addParameter(TypeName.INT, "to", Modifier.FINAL)
        .addParameter(DOUBLES, "stats", Modifier.FINAL).addCode(b.build()).build();
  }

  /** The chain's accumulate normalizes nothing itself: forward–backward does. */
  @Override
  public List<MethodSpec> helpers() {
    return List.of();
  }

  /** γ of one sequence, rows [from, to), by forward–backward; returns its log-likelihood. */
  @Override
  public MethodSpec responsibilities() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.addStatement("final double[] logB = new double[(to - from) * K]");
    b.addStatement("logDensities(data, from, to, logB)");
    b.add("// (eq. $L) γ_nk = p(z_n = k | the sequence)\n", derivation.number("gamma"));
    b.addStatement("return $T.run(logB, to - from, K, $L, $L, out, new double[K * K])", ForwardBackward.class,
        chain.get(0)[1], chain.get(1)[1]);
    return override("responsibilities").returns(TypeName.DOUBLE).addParameter(DOUBLES, "data", Modifier.FINAL)
        .addParameter(TypeName.INT, "from", Modifier.FINAL).addParameter(TypeName.INT, "to", Modifier.FINAL)
        .addParameter(DOUBLES, "out", Modifier.FINAL).addCode(b.build()).build();
  }

  /** The chain, whose pass hands the model one sequence at a time. */
  @Override
  public List<MethodSpec> latent() {
    return List.of(override("latent").returns(Latent.class)
        .addStatement("return new $T($S, $S, $L, $L)", Latent.Chain.class,
            chain.get(0)[0], chain.get(1)[0], chain.get(0)[2], chain.get(1)[2])
        .build());
  }
}
