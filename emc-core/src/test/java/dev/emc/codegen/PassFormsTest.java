package dev.emc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.api.BindOptions;
import dev.emc.api.Bound;
import dev.emc.api.Compiled;
import dev.emc.api.Emc;
import dev.emc.api.Fits;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.data.Table;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.apache.commons.math3.distribution.MultivariateNormalDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pass has two forms: written out element by element for small models, and blocked loops for
 * large ones; responsibilities() and accumulateGiven() always use the loops. Whichever form a
 * model gets, a pass must give the statistics that its responsibilities give.
 */
class PassFormsTest {
  @ParameterizedTest
  @CsvSource({
      "gmm, faithful", "gmm-tied, faithful", "gmm-diagonal, faithful", "gmm-spherical, faithful",
      "gmm-niw, faithful", "waiting, faithful", "poisson, poisson", "poisson-map, poisson",
      "visits, visits", "exponential, exponential", "geometric, geometric", "binomial, binomial",
      "bernoulli, bernoulli", "gamma, gamma", "lognormal, lognormal", "survey, survey"})
  void everyExampleGetsTheSamePassEitherWay(String model, String data) throws Exception {
    Bound b = Emc.builtIn().load(Path.of("examples/" + model + ".model"), Map.of())
        .bind(Table.read(Path.of("examples/data/" + data + ".csv")), BindOptions.defaults());
    DataMatrix d = b.data().orElseThrow();
    EmModel m = b.compile().fit(d, FitOptions.defaults().withMaxIter(3).withTol(0)).model();
    assertNull(m.prepare());
    assertSamePass(m, d.values(), d.rows());
  }

  /**
   * HotSpot compiles no method of more than 8000 bytes of bytecode, so a written-out pass past
   * that runs interpreted: gmm at K = 2, D = 10 ran 5 to 8 times slower than its loops. At the
   * sizes where the generator's estimate is closest to the limit, on either side, the class's
   * accumulate must be one the JIT compiles.
   */
  @ParameterizedTest
  @CsvSource({"gmm, 2, 9", "gmm, 2, 10", "gmm, 3, 7", "gmm, 3, 8", "gmm, 4, 8", "gmm-tied, 2, 10",
      "gmm-tied, 3, 8", "gmm-diagonal, 5, 10", "gmm-diagonal, 6, 10"})
  void aWrittenOutPassIsOneTheJitCompiles(String model, int k, int d) throws Exception {
    Compiled c = Emc.builtIn().load(Path.of("examples/" + model + ".model"), Map.of("K", (double) k))
        .bind(Map.of("D", (double) d)).compile();
    Path dir = Files.createTempDirectory("pass-forms");
    Files.write(dir.resolve(c.className() + ".class"), c.classFiles().get(c.className()));
    StringWriter out = new StringWriter();
    int rc = ToolProvider.findFirst("javap").orElseThrow()
        .run(new PrintWriter(out), new PrintWriter(out), "-c", "-p", "-cp", dir.toString(), c.className());
    assertEquals(0, rc, out::toString);
    // javap prints each instruction after its offset; the method's last offset bounds its length.
    Matcher m = Pattern.compile("public void accumulate\\(double\\[\\], int, int, double\\[\\]\\);\\R(?s:.*?)\\R\\R")
        .matcher(out.toString());
    assertTrue(m.find(), "no accumulate in the class");
    int last = Pattern.compile("(?m)^\\s*(\\d+):").matcher(m.group()).results()
        .mapToInt(r -> Integer.parseInt(r.group(1))).max().orElseThrow();
    assertTrue(last < 8000, model + " K=" + k + " D=" + d + ": accumulate's bytecode reaches " + last);
  }

  /** A model too large to write out: the blocked loops, checked against Bayes' rule row by row. */
  @Test
  void theBlockedLoopsAreBayesRule() throws Exception {
    int n = 300;
    int dim = 12;
    int k = 3;
    SplittableRandom rng = new SplittableRandom(5);
    double[][] x = new double[n][dim];
    String[] names = new String[dim];
    for (int j = 0; j < dim; j++) {
      names[j] = "c" + j;
      for (int i = 0; i < n; i++) {
        x[i][j] = (i % k) * 1.5 + rng.nextGaussian() * (1 + 0.1 * j);
      }
    }
    Bound b = Fits.model("K = 3; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);", Map.of())
        .bind(Fits.table(x, names), BindOptions.defaults());
    DataMatrix d = b.data().orElseThrow();
    EmModel m = b.compile().fit(d, FitOptions.defaults().withMaxIter(2).withTol(0)).model();
    assertNull(m.prepare());
    double[] stats = new double[m.statisticsLength()];
    m.accumulate(d.values(), 0, n, stats);
    double ll = 0;
    double[] counts = new double[k];
    double[] s1 = new double[k * dim];
    for (int i = 0; i < n; i++) {
      double[] joint = new double[k];
      double total = 0;
      for (int c = 0; c < k; c++) {
        double[] mu = java.util.Arrays.copyOfRange(m.param("mu"), c * dim, (c + 1) * dim);
        double[][] sigma = new double[dim][dim];
        for (int r = 0; r < dim; r++) {
          sigma[r] = java.util.Arrays.copyOfRange(m.param("Sigma"), c * dim * dim + r * dim, c * dim * dim + (r + 1) * dim);
        }
        joint[c] = m.param("phi")[c] * new MultivariateNormalDistribution(mu, sigma).density(x[i]);
        total += joint[c];
      }
      ll += Math.log(total);
      for (int c = 0; c < k; c++) {
        counts[c] += joint[c] / total;
        for (int j = 0; j < dim; j++) {
          s1[c * dim + j] += joint[c] / total * (x[i][j] - m.param("mu")[c * dim + j]);
        }
      }
    }
    assertEquals(ll, stats[EmModel.LOGLIK], 1e-9 * Math.abs(ll));
    for (int c = 0; c < k; c++) {
      assertEquals(counts[c], stats[EmModel.COUNT + c], 1e-9 * n, "N_" + c);
      for (int j = 0; j < dim; j++) {
        assertEquals(s1[c * dim + j], stats[EmModel.COUNT + k + c * dim + j], 1e-8 * n, "S1 " + c + "," + j);
      }
    }
    assertSamePass(m, d.values(), n);
  }

  private static void assertSamePass(EmModel m, double[] data, int rows) {
    double[] pass = new double[m.statisticsLength()];
    m.accumulate(data, 0, rows, pass);
    double[] r = new double[rows * m.components()];
    double ll = m.responsibilities(data, 0, rows, r);
    double[] given = new double[m.statisticsLength()];
    m.accumulateGiven(data, 0, rows, r, given);
    assertEquals(ll, pass[EmModel.LOGLIK], 1e-12 * Math.abs(ll), "log-likelihood");
    double scale = 0;
    for (double v : pass) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 1; i < pass.length; i++) {
      assertEquals(given[i], pass[i], 1e-12 * scale, "statistic " + i + " of " + m.name());
    }
  }
}
