package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.cli.CliTest.Run;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.io.TempDir;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code emc select} on Old Faithful with full covariances, against R's mclust 6 (model VVV):
 * {@code Mclust(faithful, G = k, modelNames = "VVV")}, printed in emc's sign (mclust's BIC and ICL
 * are the negatives). Where mclust's default tolerance stops short of the maximum, the ICL comes
 * from a run with {@code emControl(tol = c(1e-12, …))}: −1130.263960 at K = 2, as emc finds.
 */
class SelectCliTest {
  private static final String REFERENCE = "emc-core/src/test/resources/reference/iris_bic_mclust.json";
  private static final String IRIS = "sepal_length,sepal_width,petal_length,petal_width";

  @Test
  void theCriteriaMatchMclustAndRestartsReachItsMaximaOrHigher() {
    Run r = CliTest.emc("select", "examples/gmm.model", "--data", "examples/data/faithful.csv", "--set", "K=1..5");
    assertEquals(0, r.code(), r.err());
    Map<Integer, String[]> rows = new HashMap<>();
    for (String line : r.out().split("\n")) {
      String[] cells = line.strip().split("\\s+");
      if (cells.length >= 7 && cells[0].matches("\\d+")) {
        rows.put(Integer.parseInt(cells[0]), cells);
      }
    }
    assertEquals(5, rows.size(), r.out());
    // K, log-likelihood, p, BIC, ICL
    check(rows.get(1), -1289.796745, 5, 2607.622500, 2607.622500);
    check(rows.get(2), -1130.264068, 11, 2322.191959, 2322.704680);
    // Local optima: at least what mclust's hierarchical start reaches.
    double[] mclust = {-1127.198810, -1111.279891, -1108.409915};
    int[] p = {17, 23, 29};
    for (int k = 3; k <= 5; k++) {
      assertTrue(number(rows.get(k)[1]) >= mclust[k - 3], "K = " + k + ": " + r.out());
      assertEquals(p[k - 3], Integer.parseInt(rows.get(k)[2]));
    }
    assertTrue(rows.get(2)[3].endsWith("*"), "K = 2 has the best BIC: " + r.out());
    assertTrue(r.out().contains("smaller is better (mclust prints −BIC, −ICL)"), r.out());
  }

  /**
   * Fisher's iris, four measurements, full covariances: at K = 4 and 5 the best restart has a
   * component on 3 rows, with BIC below K = 2's. mclust (Mclust(iris[, 1:4], G = 1:9, modelNames =
   * "VVV")) picks K = 2, and so does emc once those fits are flagged as spurious; the BIC where both
   * reach the same optimum is mclust's (iris_bic_mclust.json, negated: mclust's sign is 2 log L − p ln N).
   */
  @Test
  void onIrisASpuriousComponentIsFlaggedAndKTwoIsChosenAsByMclust(@TempDir Path dir) throws Exception {
    JsonNode mclust = new ObjectMapper().readTree(Path.of(REFERENCE).toFile());
    assertEquals(2, mclust.at("/chosen/K").asInt());
    Path out = dir.resolve("select.json");
    Run r = CliTest.emc("select", "examples/gmm.model", "--data", "examples/data/iris.csv", "--columns", IRIS,
        "--set", "K=1..5", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("chosen by BIC: gmm, K = 2 (BIC 574.018)"), r.out());
    assertTrue(r.out().contains("! K = 4: component 3 holds 3.00 rows, fewer than D + 1 = 5"), r.out());
    JsonNode json = new ObjectMapper().readTree(out.toFile());
    assertEquals(2, json.at("/chosen/K").asInt());
    JsonNode vvv = mclust.at("/models/VVV/bic");
    for (JsonNode fit : json.get("fits")) {
      int k = fit.get("K").asInt();
      if (k <= 3) {
        assertTrue(fit.get("spurious").isNull(), fit.toString());
        // --reg's 1e-6 · variance moves the optimum by less than this.
        assertEquals(-vvv.get(k - 1).asDouble(), fit.get("bic").asDouble(), 2e-3, "K = " + k);
      } else {
        assertFalse(fit.get("spurious").isNull(), "K = " + k + " is spurious: " + fit);
      }
    }
    assertTrue(fit(json, 4).get("bic").asDouble() < fit(json, 2).get("bic").asDouble(), "K = 4 would win by BIC");
    Run allowed = CliTest.emc("select", "examples/gmm.model", "--data", "examples/data/iris.csv", "--columns", IRIS,
        "--set", "K=1..5", "--allow-spurious");
    assertTrue(allowed.out().contains("chosen by BIC: gmm, K = 4"), allowed.out());
  }

  /**
   * Four covariance forms in one table, as mclust's summary of mclustBIC: at K = 1 each form has one
   * fit, mclust's; above, restarts reach at least the BIC of mclust's one hierarchical start.
   */
  @Test
  void severalModelsMakeOneTableAgainstMclust(@TempDir Path dir) throws Exception {
    JsonNode mclust = new ObjectMapper().readTree(Path.of(REFERENCE).toFile());
    Path out = dir.resolve("select.json");
    Path plot = dir.resolve("bic.png");
    Run r = CliTest.emc("select", "examples/gmm.model", "examples/gmm-tied.model", "examples/gmm-diagonal.model",
        "examples/gmm-spherical.model", "examples/gmm.model", "--data", "examples/data/iris.csv", "--columns", IRIS,
        "--set", "K=1..3", "--restarts", "3", "--out", out.toString(), "--plot", plot.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("   K            gmm       gmm-tied   gmm-diagonal  gmm-spherical\n"), r.out());
    assertTrue(r.out().contains("\nICL\n"), r.out());
    JsonNode json = new ObjectMapper().readTree(out.toFile());
    assertEquals(12, json.get("fits").size(), "a model named twice is fitted once");
    Map<String, String> forms = Map.of("gmm", "VVV", "gmm-tied", "EEE", "gmm-diagonal", "VVI", "gmm-spherical", "VII");
    for (JsonNode fit : json.get("fits")) {
      int k = fit.get("K").asInt();
      String form = forms.get(fit.get("model").asText());
      double theirs = -mclust.at("/models/" + form + "/bic").get(k - 1).asDouble();
      assertEquals(mclust.at("/models/" + form + "/parameters").get(k - 1).asInt(), fit.get("parameters").asInt());
      if (k == 1) {
        assertEquals(theirs, fit.get("bic").asDouble(), 1e-3, form);
      } else {
        assertTrue(fit.get("bic").asDouble() <= theirs + 2e-3, form + " K = " + k + ": " + fit);
      }
    }
    assertEquals("gmm", json.at("/chosen/model").asText());
    assertEquals(2, json.at("/chosen/K").asInt());
    assertTrue(ImageIO.read(plot.toFile()).getWidth() > 0);
  }

  /**
   * Ten rows on the line b = 5 span one dimension of two: their component's covariance is singular
   * but for --reg, whose Ψ / N_k is then all of its smallest eigenvalue. With --reg 1e-3 that is
   * above 1e-6 of the largest, so the floor, not the ratio, flags it.
   */
  @Test
  void aCovarianceKeptFiniteByTheRegularizationAloneIsSpurious(@TempDir Path dir) throws Exception {
    StringBuilder csv = new StringBuilder("a,b\n");
    for (int i = 0; i < 20; i++) {
      csv.append(String.format(java.util.Locale.ROOT, "%.4f,%.4f%n", 2 * Math.sin(1.7 * i), 2 * Math.cos(2.3 * i)));
    }
    for (int i = 0; i < 10; i++) {
      csv.append(String.format(java.util.Locale.ROOT, "%.4f,5%n", 10 + 0.7 * i));
    }
    Path data = dir.resolve("flat.csv");
    java.nio.file.Files.writeString(data, csv);
    Run r = CliTest.emc("select", "examples/gmm.model", "--data", data.toString(), "--set", "K=1..2", "--reg", "1e-3");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("! K = 2: component 2 (10.0 rows): its covariance's smallest eigenvalue"), r.out());
    assertTrue(r.out().contains("is kept above 0 by the regularization alone"), r.out());
    assertTrue(r.out().contains("chosen by BIC: gmm, K = 1"), r.out());
  }

  private static JsonNode fit(JsonNode json, int k) {
    for (JsonNode fit : json.get("fits")) {
      if (fit.get("K").asInt() == k) {
        return fit;
      }
    }
    throw new AssertionError("no K = " + k);
  }

  @Test
  void oneConstantRanges() {
    Run r = CliTest.emc("select", "examples/gmm.model", "--data", "examples/data/faithful.csv", "--set", "K=3");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--set NAME=FROM..TO gives the values to compare"), r.err());
  }

  private static void check(String[] row, double ll, int p, double bic, double icl) {
    assertEquals(ll, number(row[1]), 1e-3);
    assertEquals(p, Integer.parseInt(row[2]));
    assertEquals(bic, number(row[3]), 1e-3);
    assertEquals(icl, number(row[5]), 1e-3);
  }

  private static double number(String cell) {
    return Double.parseDouble(cell.replace("*", ""));
  }
}
