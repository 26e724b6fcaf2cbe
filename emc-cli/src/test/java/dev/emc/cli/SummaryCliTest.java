package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.cli.CliTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What `emc fit` prints and writes about the rows' components: sizes, uncertainty and, with
 * --labels, the table against the labels. The numbers themselves are checked against mclust in
 * api/ClassificationReferenceTest; here, that the summary and the JSON say the same, and where the
 * block is left out. The clustering table is mclust's (faithful_summary_mclust.json), 175 and 97.
 */
class SummaryCliTest {
  private static final String FAITHFUL = "examples/data/faithful.csv";
  private static final String LABELLED = "examples/data/faithful-missing-labels.csv";

  @TempDir Path dir;

  private JsonNode fit(Path out, String... args) throws Exception {
    Run r = CliTest.emc(args);
    assertEquals(0, r.code(), r.err());
    JsonNode json = new ObjectMapper().readTree(out.toFile());
    printed = r.out();
    return json;
  }

  private String printed;

  @Test
  void theReferenceFitSaysHowLargeItsComponentsAreAndHowSureItsRowsAre() throws Exception {
    Path out = dir.resolve("fit.json");
    JsonNode json = fit(out, "fit", "examples/gmm.model", "--data", FAITHFUL, "--out", out.toString());
    JsonNode c = json.get("classification");
    JsonNode mclust = new ObjectMapper().readTree(
        Path.of("emc-core/src/test/resources/reference/faithful_summary_mclust.json").toFile());
    assertEquals(mclust.get("hardCounts"), c.get("hardCounts"));
    String block = "\n  component             1            2\n"
        + "  rows                175           97   (each in its most likely component)\n"
        + String.format(Locale.ROOT, "  %-10s %12s %12s   (r_nk: row n's posterior probability of component k)%n",
            "Σ_n r_nk", g(c.get("posteriorSums").get(0)), g(c.get("posteriorSums").get(1)))
        + "  uncertainty 1 − max_k r_nk: mean " + g(c.get("meanUncertainty")) + ", max " + g(c.get("maxUncertainty"))
        + "\n\ntime:";
    assertTrue(printed.contains("      33.6973\n" + block), printed);
    assertEquals(272, c.get("posteriorSums").get(0).asDouble() + c.get("posteriorSums").get(1).asDouble(), 1e-9);
    assertNull(c.get("labels"));
  }

  /**
   * The labels are, by construction, the classification of the rows by the maximum-likelihood fit
   * (faithful_mclustssc.R), which the labelled fit classifies the same: the table is diagonal, with
   * each label's count on it, and the index is 1.
   */
  @Test
  void labelledRowsGetTheirTableAndTheAdjustedRandIndex() throws Exception {
    int[] labels = new int[3];
    for (String line : Files.readAllLines(Path.of(LABELLED)).subList(1, 273)) {
      String cell = line.substring(line.lastIndexOf(',') + 1);
      labels[cell.isEmpty() ? 0 : Integer.parseInt(cell)]++;
    }
    Path out = dir.resolve("fit.json");
    JsonNode json = fit(out, "fit", "examples/gmm.model", "--data", LABELLED, "--labels", "label", "--out",
        out.toString());
    JsonNode l = json.get("classification").get("labels");
    assertEquals("label", l.get("column").asText());
    assertEquals(labels[1] + labels[2], l.get("labelled").asInt());
    assertEquals(new ObjectMapper().readTree("[[" + labels[1] + ", 0], [0, " + labels[2] + "]]"), l.get("table"));
    assertEquals(1.0, l.get("adjustedRandIndex").asDouble());
    assertTrue(printed.contains("\n  30 labelled rows: adjusted Rand index 1.00000 between their labels and their most"
        + " likely components\n"
        + "  label       component 1  component 2\n"
        + String.format(Locale.ROOT, "  1          %12d %12d%n", labels[1], 0)
        + String.format(Locale.ROOT, "  2          %12d %12d%n", 0, labels[2])), printed);
  }

  /**
   * Every row weighing 2 is every row twice: the counts double, the uncertainty stays. (Without the
   * regularization, whose penalty the doubled data would halve, and run to the maximum.)
   */
  @Test
  void weightsCountAsRepeatedRows() throws Exception {
    Path csv = dir.resolve("weighted.csv");
    List<String> lines = Files.readAllLines(Path.of(FAITHFUL));
    StringBuilder b = new StringBuilder(lines.get(0)).append(",w\n");
    lines.subList(1, lines.size()).forEach(line -> b.append(line).append(",2\n"));
    Files.writeString(csv, b);
    Path once = dir.resolve("once.json");
    Path twice = dir.resolve("twice.json");
    JsonNode one = fit(once, "fit", "examples/gmm.model", "--data", FAITHFUL, "--out", once.toString(), "-q",
        "--reg", "0", "--tol", "1e-15", "--max-iter", "10000")
        .get("classification");
    JsonNode two = fit(twice, "fit", "examples/gmm.model", "--data", csv.toString(), "--weights", "w", "--out",
        twice.toString(), "-q", "--reg", "0", "--tol", "1e-15", "--max-iter", "10000").get("classification");
    // The weighted fit starts elsewhere and may number the components the other way round.
    double first = one.get("posteriorSums").get(0).asDouble();
    int swap = Math.abs(2 * first - two.get("posteriorSums").get(0).asDouble())
        < Math.abs(2 * first - two.get("posteriorSums").get(1).asDouble()) ? 0 : 1;
    for (int k = 0; k < 2; k++) {
      assertEquals(2 * one.get("hardCounts").get(k).asDouble(), two.get("hardCounts").get(k ^ swap).asDouble());
      assertEquals(2 * one.get("posteriorSums").get(k).asDouble(), two.get("posteriorSums").get(k ^ swap).asDouble(),
          1e-8);
    }
    assertEquals(one.get("meanUncertainty").asDouble(), two.get("meanUncertainty").asDouble(), 1e-9);
    assertEquals(one.get("maxUncertainty").asDouble(), two.get("maxUncertainty").asDouble(), 1e-9);
  }

  /** A chain's states are sized from their posteriors given the whole sequence, as predict writes them. */
  @Test
  void aChainsStatesAreSizedFromTheirPosteriors() throws Exception {
    Path out = dir.resolve("hmm.json");
    JsonNode c = fit(out, "fit", "examples/hmm.model", "--data", "examples/data/hmm.csv", "--sequence", "seq",
        "--out", out.toString()).get("classification");
    assertTrue(printed.contains("\n  state                 1            2\n"), printed);
    Run p = CliTest.emc("predict", "examples/hmm.model", "--params", out.toString(), "--data",
        "examples/data/hmm.csv", "--sequence", "seq");
    assertEquals(0, p.code(), p.err());
    String[] rows = p.out().split("\n");
    assertEquals("r1,r2,component,uncertainty,logDensity", rows[0]);
    double[] hard = new double[2];
    double[] soft = new double[2];
    double mean = 0;
    double max = 0;
    for (int n = 1; n < rows.length; n++) {
      String[] cells = rows[n].split(",");
      hard[Integer.parseInt(cells[2]) - 1]++;
      soft[0] += Double.parseDouble(cells[0]);
      soft[1] += Double.parseDouble(cells[1]);
      mean += Double.parseDouble(cells[3]) / (rows.length - 1);
      max = Math.max(max, Double.parseDouble(cells[3]));
    }
    for (int k = 0; k < 2; k++) {
      assertEquals(hard[k], c.get("hardCounts").get(k).asDouble());
      assertEquals(soft[k], c.get("posteriorSums").get(k).asDouble(), 1e-9);
    }
    assertEquals(mean, c.get("meanUncertainty").asDouble(), 1e-12);
    assertEquals(max, c.get("maxUncertainty").asDouble());
  }

  /** Factor analysis has one component: nothing to say about components. */
  @Test
  void factorAnalysisSaysNothingAboutComponents() throws Exception {
    Path out = dir.resolve("factor.json");
    JsonNode json = fit(out, "fit", "examples/factor.model", "--data", "examples/data/wine.csv", "--out",
        out.toString());
    assertNull(json.get("classification"));
    assertFalse(printed.contains("uncertainty"), printed);
  }

  private static String g(JsonNode v) {
    return String.format(Locale.ROOT, "%.6g", v.asDouble());
  }
}
