package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.cli.CliTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** `emc fit --labels COL`: partly labelled rows from the command line, and the labels it refuses. */
class LabelsCliTest {
  private static final String LABELLED = "examples/data/faithful-missing-labels.csv";

  @TempDir Path dir;

  @Test
  void theFitSaysHowManyRowsWereLabelledAndPredictNeedsNoLabels() throws Exception {
    Path fit = dir.resolve("fit.json");
    Run r = CliTest.emc("fit", "examples/gmm.model", "--data", LABELLED, "--labels", "label", "--out", fit.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("model gmm: 2 components, 272 rows × 2 columns (eruptions, waiting), 30 labelled\n"),
        r.out());
    assertTrue(r.out().contains("log-likelihood -1130.2641"), r.out());
    Path out = dir.resolve("predicted.csv");
    Run p = CliTest.emc("predict", "examples/gmm.model", "--params", fit.toString(), "--data", LABELLED,
        "-o", out.toString());
    assertEquals(0, p.code(), p.err());
    assertEquals(273, Files.readAllLines(out).size());
  }

  /** One located message, as for other bad data (BadDataTest), and exit 2. */
  @ParameterizedTest
  @CsvSource({"0", "3", "2.5"})
  void aLabelOutsideTheComponentsIsRefusedAtItsCell(String label) throws Exception {
    Path data = dir.resolve("data.csv");
    Files.writeString(data, "eruptions,waiting,label\n3.6,79,1\n1.8,54,\n3.3,74," + label + "\n2.2,62,2\n");
    Run r = fail(data);
    assertEquals(data + ":4:8: error: a label must be one of 1..2 (a component of the model's 2), or an empty"
        + " cell where it is not known, but column label has " + label + "\n    3.3,74," + label + "\n           "
        + "^".repeat(label.length()) + "\n", r.err());
  }

  @Test
  void aLabelThatIsNotANumberIsRefusedAtItsCell() throws Exception {
    Path data = dir.resolve("data.csv");
    Files.writeString(data, "eruptions,waiting,label\n3.6,79,one\n1.8,54,\n");
    assertEquals(data + ":2:8: error: `one` in column label is not a number\n    3.6,79,one\n           ^^^\n",
        fail(data).err());
  }

  @Test
  void aChainsStatesCannotBeLabelledYet() throws Exception {
    Path data = dir.resolve("data.csv");
    Files.writeString(data, "seq,x,label\n1,0.5,1\n1,-0.2,\n1,1.5,\n1,0.1,2\n");
    Run r = CliTest.emc("fit", "examples/hmm.model", "--data", data.toString(), "--sequence", "seq",
        "--labels", "label");
    assertEquals(2, r.code(), r.err());
    assertEquals(data + ": error: model hmm has a latent chain: labelled rows are not supported there yet (a known"
        + " state would fix the forward-backward pass at that row); fit without --labels\n", r.err());
  }

  @Test
  void factorsCannotBeLabelled() throws Exception {
    java.util.List<String> wine = Files.readAllLines(Path.of("examples/data/wine.csv"));
    StringBuilder csv = new StringBuilder(wine.get(0)).append(",label\n");
    for (int r = 1; r < wine.size(); r++) {
      csv.append(wine.get(r)).append(r % 5 == 0 ? ",1\n" : ",\n");
    }
    Path data = dir.resolve("wine.csv");
    Files.writeString(data, csv);
    Run r = CliTest.emc("fit", "examples/factor.model", "--data", data.toString(), "--labels", "label");
    assertEquals(2, r.code(), r.err());
    assertEquals(data + ": error: model factor has a continuous latent (factors), which no row can be labelled"
        + " with; fit without --labels\n", r.err());
  }

  @Test
  void rowsWithEmptyCellsCannotBeLabelledYet() throws Exception {
    Path data = dir.resolve("data.csv");
    Files.writeString(data, "eruptions,waiting,label\n3.6,79,1\n1.8,,\n3.3,74,\n2.2,62,2\n4.1,80,\n");
    Run r = CliTest.emc("fit", "examples/gmm.model", "--data", data.toString(), "--labels", "label",
        "--missing", "marginalize");
    assertEquals(2, r.code(), r.err());
    assertEquals(data + ": error: rows with empty cells cannot be labelled yet: fill the cells, or fit without"
        + " labels\n", r.err());
  }

  @Test
  void labelledRowsAreNotStreamed() throws Exception {
    Run r = CliTest.emc("fit", "examples/gmm.model", "--data", LABELLED, "--labels", "label", "--stream");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--labels needs the rows in memory, not --stream"), r.err());
  }

  private Run fail(Path data) throws Exception {
    Path out = dir.resolve("fit.json");
    Run r = CliTest.emc("fit", "examples/gmm.model", "--data", data.toString(), "--labels", "label",
        "--out", out.toString());
    assertEquals(2, r.code(), r.err());
    assertFalse(Files.exists(out), "no output on failure");
    return r;
  }
}
