package dev.emc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emc.analysis.EmPlan;
import dev.emc.analysis.latent.LatentStructure;
import dev.emc.analysis.latent.LinearGaussian;
import dev.emc.api.Bound;
import dev.emc.api.Emc;
import dev.emc.api.Internals;
import dev.emc.math.Text;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files of what the compiler makes of four examples that cover every latent structure:
 * the generated Java, and the EM plan it is generated from, dumped to be read. Any change to
 * either shows in review. To accept new output after reading it: -Demc.golden.update=true.
 */
class GoldenJavaTest {
  private static final Path GOLDEN = Path.of("emc-core/src/test/resources/golden");
  private static final boolean UPDATE = Boolean.getBoolean("emc.golden.update");

  /** Each example with the sizes its data give. */
  private static final Map<String, Map<String, Double>> EXAMPLES = Map.of(
      "gmm", Map.of("D", 2.0),
      "hmm", Map.of(),
      "regression", Map.of("P", 2.0),
      "factor", Map.of("D", 13.0),
      "mfa", Map.of("D", 6.0));

  @TestFactory
  Stream<DynamicTest> eachExampleCompilesToItsGoldenJavaAndPlan() {
    // The goldens are the classes bin/emc generates, with the Vector API: a Gaussian mixture's pass
    // differs without it, and a run without it (-Demc.vector=false) must not overwrite them.
    org.junit.jupiter.api.Assumptions.assumeTrue(dev.emc.runtime.BlockKernels.lanes() > 1, "the Vector API");
    return EXAMPLES.keySet().stream().sorted().map(example -> DynamicTest.dynamicTest(example, () -> {
      Path model = Path.of("examples", example + ".model");
      Bound bound = Emc.builtIn().parse(model.toString(), Files.readString(model), Map.of())
          .bind(EXAMPLES.get(example));
      golden(example + ".java.txt", bound.javaSource());
      golden(example + ".plan.txt", dump(Internals.plan(bound)));
    }));
  }

  private static void golden(String name, String actual) throws Exception {
    Path expected = GOLDEN.resolve(name);
    if (UPDATE) {
      Files.createDirectories(GOLDEN);
      Files.writeString(expected, actual);
    }
    assertEquals(Files.readString(expected), actual, name);
  }

  /** The plan as a person reads it: every part, each formula in plain text. */
  static String dump(EmPlan plan) {
    StringBuilder b = new StringBuilder();
    b.append("model ").append(plan.model()).append('\n');
    b.append("sizes ").append(plan.sizes()).append('\n');
    LatentStructure z = plan.latent();
    b.append("latent ").append(z.name()).append(" : 1..").append(z.size()).append(" (")
        .append(z.components()).append(' ').append(z.units()).append("), ").append(z.getClass().getSimpleName())
        .append('\n');
    for (EmPlan.DataSlot d : plan.data()) {
      b.append(d.covariate() ? "covariate " : "data ").append(d.name()).append(" : ").append(d.type())
          .append(" at columns ").append(d.offset()).append("..").append(d.offset() + d.width() - 1).append('\n');
    }
    b.append("columns ").append(plan.columns()).append('\n');
    for (EmPlan.ParamSlot p : plan.params()) {
      b.append("param ").append(p.name()).append(" : ").append(p.type())
          .append(p.perComponent() ? " per component" : "").append(", ").append(p.elements())
          .append(" numbers each, ").append(p.free()).append(" free in all\n");
    }
    for (EmPlan.SettingSlot s : plan.settings()) {
      b.append("setting ").append(s.symbol().name()).append(" of ").append(s.data()).append(": ")
          .append(s.meaning()).append('\n');
    }
    // The families' statements, then those the latent structure's own pass accounts for.
    List<EmPlan.FactorPlan> own = z.ownFactors();
    for (EmPlan.FactorPlan f : Stream.concat(plan.factors().stream(), own.stream()).toList()) {
      boolean structure = own.contains(f);
      b.append(structure ? "\n" + z.getClass().getSimpleName() + "'s own factor " : "\nfactor ")
          .append(f.statement().strip()).append('\n');
      b.append("  ").append(f.family()).append(" (").append(f.form()).append("), left side ").append(f.lhs())
          .append(f.perComponent() ? ", per component" : "").append(f.lhsIsLatent() ? ", of the latent" : "")
          .append('\n');
      b.append("  density ").append(Text.of(f.density())).append('\n');
      b.append("  log density ").append(Text.of(f.logDensity())).append('\n');
      if (f.logPenalty() != null) {
        b.append("  penalty ").append(Text.of(f.logPenalty())).append('\n');
      }
      for (EmPlan.Statistic st : f.statistics()) {
        b.append("  statistic ").append(st.symbol().name()).append(" = ")
            .append(structure ? st.sum() : Text.of(st.perRow())).append('\n');
      }
      for (EmPlan.Update u : f.updates()) {
        b.append("  update ").append(u.param()).append(" = ").append(Text.of(u.value())).append("  (")
            .append(u.method()).append(")\n");
      }
      if (f.gaussian() != null) {
        b.append("  empty cells: normal, mean ").append(f.gaussian().mean().name()).append(", covariance ")
            .append(f.gaussian().covariance().name()).append('\n');
      }
    }
    for (EmPlan.PriorPlan p : plan.priors()) {
      b.append("\nprior ").append(p.statement().strip()).append("\n  log density ").append(Text.of(p.logDensity()))
          .append('\n');
    }
    if (plan.latent() instanceof LinearGaussian lg) {
      b.append("\nlinear-Gaussian ").append(lg.latent().name()).append(" → ").append(lg.data().name())
          .append(": loadings ").append(lg.loadings().name()).append(", mean ").append(lg.mean().name())
          .append(", noise ").append(lg.noise().name()).append(lg.spherical() ? " (spherical)" : "").append('\n');
    }
    return b.toString();
  }
}
