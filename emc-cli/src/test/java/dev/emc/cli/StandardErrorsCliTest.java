package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.cli.CliTest.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** emc fit --se: the printed table, the JSON's numbers, and a model without scores. */
class StandardErrorsCliTest {
  @Test
  void theReferenceFitPrintsAndWritesItsStandardErrors(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("fit.json");
    Run r = CliTest.emc("fit", "examples/gmm.model", "--data", "examples/data/faithful.csv", "--se",
        "--out", json.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("standard errors: observed information by Louis' identity"), r.out());
    assertTrue(r.out().contains("over 11 free parameters"), r.out());
    assertFalse(r.out().contains("NaN"), r.out());
    JsonNode fit = new ObjectMapper().readTree(json.toFile());
    JsonNode se = fit.get("standardErrors");
    // Two components' φ move against each other: one standard error for both.
    assertEquals(se.get("phi").get(0).asDouble(), se.get("phi").get(1).asDouble(), 1e-12);
    // A covariance's σ_12 and σ_21 are one number.
    assertEquals(se.get("Sigma").get(0).get(0).get(1).asDouble(), se.get("Sigma").get(0).get(1).get(0).asDouble(), 0);
    JsonNode cov = fit.get("covariance");
    assertEquals(14, cov.get("parameters").size());
    assertEquals("mu[1][1]", cov.get("parameters").get(2).asText());
    double v = cov.get("matrix").get(2).get(2).asDouble();
    assertEquals(se.get("mu").get(0).get(0).asDouble(), Math.sqrt(v), 1e-12);
  }

  /** A hidden Markov model: each row of A is a simplex of its own, so its two entries share one error. */
  @Test
  void aHiddenMarkovModelsStandardErrorsComeFromTheForwardRecursion(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("fit.json");
    Run r = CliTest.emc("fit", "examples/hmm.model", "--data", "examples/data/hmm.csv", "--sequence", "seq", "--se",
        "--out", json.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("standard errors: observed information by the forward recursion"), r.out());
    assertTrue(r.out().contains("over 7 free parameters"), r.out());
    assertFalse(r.out().contains("NaN"), r.out());
    JsonNode fit = new ObjectMapper().readTree(json.toFile());
    assertTrue(fit.get("information").get("method").asText().contains("Lystig and Hughes"));
    JsonNode a = fit.get("standardErrors").get("A");
    for (int j = 0; j < 2; j++) {
      assertEquals(a.get(j).get(0).asDouble(), a.get(j).get(1).asDouble(), 1e-12);
      assertTrue(a.get(j).get(0).asDouble() > 0);
    }
  }

  /** Latent class analysis: each answer's probability table has one free entry fewer than its categories. */
  @Test
  void aLatentClassModelsStandardErrors() {
    Run r = CliTest.emc("fit", "examples/survey.model", "--data", "examples/data/survey.csv", "--se");
    assertEquals(0, r.code(), r.err());
    // φ 1, ta 2 × 2, tb 2 × 3, tc 2 × 1
    assertTrue(r.out().contains("over 13 free parameters"), r.out());
    assertFalse(r.out().contains("NaN"), r.out());
  }

  /** A mixture of experts: two centred gate rows are one free row, so their errors agree. */
  @Test
  void aMixtureOfExpertsGateHasKMinusOneFreeRows(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("fit.json");
    Run r = CliTest.emc("fit", "examples/experts.model", "--data", "examples/data/experts.csv", "--se",
        "--out", json.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("over 8 free parameters"), r.out());
    JsonNode g = new ObjectMapper().readTree(json.toFile()).get("standardErrors").get("G");
    for (int p = 0; p < 2; p++) {
      assertEquals(g.get(0).get(p).asDouble(), g.get(1).get(p).asDouble(), 1e-12);
      assertTrue(g.get(0).get(p).asDouble() > 0);
    }
  }

  /** With priors the fit is a posterior mode, and the errors say they are its normal approximation. */
  @Test
  void aMapFitsStandardErrorsAreTheLaplaceApproximation(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("fit.json");
    Run r = CliTest.emc("fit", "examples/gmm-niw.model", "--data", "examples/data/faithful.csv", "--se",
        "--out", json.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("standard errors: normal approximation to the posterior (Laplace) at the MAP"), r.out());
    assertTrue(new ObjectMapper().readTree(json.toFile()).get("information").get("method").asText()
        .contains("Hessian of the log prior"));
    Run p = CliTest.emc("fit", "examples/poisson-map.model", "--data", "examples/data/poisson.csv", "--se");
    assertEquals(0, p.code(), p.err());
    assertTrue(p.out().contains("(Laplace) at the MAP"), p.out());
    assertTrue(p.out().contains("over 3 free parameters"), p.out());
  }

  /** A t mixture: w is integrated out given the component, and ν gets its standard error from the t density. */
  @Test
  void aTMixturePrintsNusStandardError(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("fit.json");
    Run r = CliTest.emc("fit", "examples/t-mixture.model", "--data", "examples/data/t-mixture.csv", "--se",
        "--out", json.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("over 13 free parameters"), r.out());
    assertFalse(r.out().contains("NaN"), r.out());
    JsonNode nu = new ObjectMapper().readTree(json.toFile()).get("standardErrors").get("nu");
    for (int k = 0; k < 2; k++) {
      double se = nu.get(k).asDouble();
      assertTrue(se > 0, "nu[" + (k + 1) + "]: " + se);
      // The table's row: nu[k], its estimate, this standard error as printed, its interval.
      String name = "nu[" + (k + 1) + "]";
      String[] row = r.out().lines().map(l -> l.strip().split("\\s+"))
          .filter(t -> t[0].equals(name) && t.length == 5).findFirst().orElseThrow();
      assertEquals(se, Double.parseDouble(row[2]), 1e-5 * se, String.join(" ", row));
    }
  }

  /**
   * Factor analysis: μ and Ψ get standard errors, W's entries are identified only up to a rotation
   * and get none, and W Wᵀ's distinct entries are reported, derived, with theirs.
   */
  @Test
  void factorAnalysisReportsWhatIsIdentified(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("fit.json");
    Run r = CliTest.emc("fit", "examples/factor.model", "--data", "examples/data/wine.csv", "--se", "--out",
        json.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("standard errors: observed information of the marginal Gaussian"), r.out());
    assertTrue(r.out().contains("over 51 free parameters"), r.out());
    assertTrue(r.out().contains("W[1][1]"), r.out());
    assertTrue(r.out().contains("derived: WWᵀ"), r.out());
    assertTrue(r.out().contains("WWᵀ[1][13]"), r.out());
    assertFalse(r.out().contains("WWᵀ[13][1]"), r.out());
    assertFalse(r.out().contains("NaN"), r.out());
    JsonNode fit = new ObjectMapper().readTree(json.toFile());
    JsonNode se = fit.get("standardErrors");
    assertTrue(se.get("mu").get(0).asDouble() > 0);
    assertTrue(se.get("Psi").get(12).asDouble() > 0);
    assertTrue(se.get("W").get(0).get(0).isNull());
    JsonNode derived = fit.get("information").get("derived");
    assertEquals(91, derived.get("parameters").size());
    assertEquals("WWᵀ[1][2]", derived.get("parameters").get(1).asText());
    assertTrue(derived.get("standardErrors").get(1).asDouble() > 0);
  }

  /**
   * A t mixture with diagonal scale matrices at D = 9: past what the generated scores write out, and
   * with no closed form (the full scale matrices' is below).
   */
  @Test
  void aModelWithoutScoresSaysWhyAndExitsTwo(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("d9.csv");
    java.nio.file.Files.writeString(data, gaussianRows(9, 40, 7));
    Path model = dir.resolve("t-diagonal.model");
    java.nio.file.Files.writeString(model, java.nio.file.Files.readString(Path.of("examples/t-mixture.model"))
        .replace("K = 2;", "K = 2;\nparam Sigma[z] : positive[D];"));
    Run r = CliTest.emc("fit", model.toString(), "--data", data.toString(), "--se");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--se: standard errors are not available for this model at these sizes"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  /** A t mixture with full scale matrices at D = 6 gets its standard errors in closed form. */
  @Test
  void aTMixtureAtSixDimensions(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("d6.csv");
    java.nio.file.Files.writeString(data, gaussianRows(6, 200, 6));
    Run r = CliTest.emc("fit", "examples/t-mixture.model", "--data", data.toString(), "--se");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("in closed form"), r.out());
    assertTrue(r.out().contains("Sigma[2][6][6]") && r.out().contains("nu[2]"), r.out());
    assertFalse(r.out().contains("NaN"), r.out());
  }

  /** A full-covariance Gaussian mixture at D = 8 gets its standard errors in closed form. */
  @Test
  void aGaussianMixtureAtEightDimensions(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("d8.csv");
    java.nio.file.Files.writeString(data, gaussianRows(8, 200, 8));
    Run r = CliTest.emc("fit", "examples/gmm.model", "--data", data.toString(), "--se");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("in closed form"), r.out());
    assertTrue(r.out().contains("Sigma[2][8][8]"), r.out());
    assertFalse(r.out().contains("NaN"), r.out());
  }

  /** Rows of D columns from two clusters, the second shifted by 4 in every column. */
  private static String gaussianRows(int d, int rows, long seed) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    StringBuilder csv = new StringBuilder();
    for (int a = 0; a < d; a++) {
      csv.append(a == 0 ? "" : ",").append("x").append(a + 1);
    }
    csv.append('\n');
    for (int n = 0; n < rows; n++) {
      for (int a = 0; a < d; a++) {
        csv.append(a == 0 ? "" : ",").append(4 * (n % 2) + random.nextGaussian());
      }
      csv.append('\n');
    }
    return csv.toString();
  }
}
