package dev.emc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.analysis.integration.RombergIntegrator;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin example, as its README says to use it, with no change to emc's sources: Maven builds
 * examples/plugins/vonmises against emc-core and runs its FamilyContract test from emc-testkit,
 * and `emc fit --plugin` fits its model. The fit is checked against a direct maximization of the
 * observed-data log-likelihood (BOBYQA, with I₀ by numerical integration), which shares nothing
 * with the plugin's code but the data.
 */
class PluginIT {
  private static final Path PLUGIN = Path.of("examples/plugins/vonmises");

  @Test
  void thePluginBuildsAndFitsAVonMisesMixture(@TempDir Path dir) throws Exception {
    Path emc = Path.of("emc-cli/target/emc.jar").toAbsolutePath();
    Path repository = Path.of("emc-cli/target/plugin-repository").toAbsolutePath();
    Path settings = BuildRepository.of(repository, List.of("emc-core", "emc-testkit"));
    run(List.of("mvn", "-B", "-q", "-s", settings.toString(), "-Dmaven.repo.local=" + repository,
        "-f", PLUGIN.resolve("pom.xml").toString(), "package"));
    assertTrue(Files.readString(PLUGIN.resolve("target/surefire-reports/org.example.vonmises.VonMisesContractTest.txt"))
        .contains("Tests run: 4, Failures: 0, Errors: 0, Skipped: 0"), "the plugin passes FamilyContract");
    Path jar = PLUGIN.resolve("target/emc-vonmises.jar");
    assertTrue(Files.exists(jar), "the plugin jar");

    Path out = dir.resolve("wind.json");
    String summary = run(List.of("java", "-jar", emc.toString(), "fit", "--plugin", jar.toString(),
        PLUGIN.resolve("wind.model").toString(), "--data", PLUGIN.resolve("wind.csv").toString(),
        "--tol", "1e-14", "--out", out.toString()));
    assertTrue(summary.contains("model wind: 2 components"), summary);
    JsonNode fit = new ObjectMapper().readTree(out.toFile());
    double emcLl = fit.get("logLikelihood").asDouble();

    double[] angles = Files.readAllLines(PLUGIN.resolve("wind.csv")).stream().skip(1)
        .mapToDouble(Double::parseDouble).toArray();
    double best = maximumLikelihood(angles, fit.get("params"));
    assertEquals(best, emcLl, 1e-6 * Math.abs(best), "emc's optimum against a direct maximization");

    // Named once in EMC_PLUGINS (here, the folder the jar is in) rather than by --plugin each time.
    String derivation = run(List.of("java", "-jar", emc.toString(), "derive", PLUGIN.resolve("wind.model").toString()),
        Map.of("EMC_PLUGINS", jar.getParent().toString()));
    assertTrue(derivation.contains("\\log I_0"), "the plugin's formulas are in the derivation");
    assertTrue(derivation.contains("\\operatorname{atan2}"), derivation);
  }

  /** The largest observed-data log-likelihood near emc's answer, found without EM. */
  private static double maximumLikelihood(double[] angles, JsonNode params) {
    MultivariateFunction ll = u -> {
      double w = 1 / (1 + Math.exp(-u[0]));
      double[] mu = {u[1], u[2]};
      double[] kappa = {Math.exp(u[3]), Math.exp(u[4])};
      double[] norm = {Math.log(2 * Math.PI) + logBesselI0(kappa[0]), Math.log(2 * Math.PI) + logBesselI0(kappa[1])};
      double sum = 0;
      for (double t : angles) {
        double a = Math.log(w) + kappa[0] * Math.cos(t - mu[0]) - norm[0];
        double b = Math.log(1 - w) + kappa[1] * Math.cos(t - mu[1]) - norm[1];
        double m = Math.max(a, b);
        sum += m + Math.log(Math.exp(a - m) + Math.exp(b - m));
      }
      return sum;
    };
    double phi = params.get("phi").get(0).asDouble();
    // Start away from emc's answer, so that agreement means something.
    double[] u = {Math.log(phi / (1 - phi)) + 0.3, params.get("mu").get(0).asDouble() + 0.2,
        params.get("mu").get(1).asDouble() - 0.2, Math.log(params.get("kappa").get(0).asDouble()) - 0.3,
        Math.log(params.get("kappa").get(1).asDouble()) + 0.3};
    double[] lower = {-10, -10, -10, -5, -5};
    double[] upper = {10, 10, 10, 6, 6};
    double value = 0;
    for (int round = 0; round < 3; round++) {
      var point = new BOBYQAOptimizer(11, 0.3, 1e-12).optimize(new MaxEval(100_000), new ObjectiveFunction(ll),
          GoalType.MAXIMIZE, new InitialGuess(u), new SimpleBounds(lower, upper));
      u = point.getPoint();
      value = point.getValue();
    }
    return value;
  }

  /** log I₀(κ) = κ + log((1/π) ∫₀^π e^{κ (cos t − 1)} dt), scaled so that nothing overflows. */
  private static double logBesselI0(double kappa) {
    double integral = new RombergIntegrator(1e-13, 1e-300, 3, 30)
        .integrate(10_000_000, t -> Math.exp(kappa * (Math.cos(t) - 1)), 0, Math.PI);
    return kappa + Math.log(integral / Math.PI);
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    return run(command, Map.of());
  }

  private static String run(List<String> command, Map<String, String> environment)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "timed out: " + command);
    assertEquals(0, p.exitValue(), command + "\n" + output);
    return output;
  }
}
