package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data files as they come (issue 22, item 1): id and label columns the model does not use, NA
 * cells, tabs, gzip, standard input and string sequence ids. Each file is the clean one rewritten,
 * so the expected number is the clean file's own fit: the same rows must give the same
 * log-likelihood, to the last bit.
 */
class DataAsItComesTest {
  private static final Path FAITHFUL = Path.of("examples/data/faithful.csv");
  private static final Path HMM = Path.of("examples/data/hmm.csv");

  @TempDir
  Path dir;

  @AfterEach
  void standardInputIsTheProcesssAgain() {
    ReadFlags.reset(System.in);
  }

  /** The fit's log-likelihood, from the JSON --out writes (exactly, not as the summary rounds it). */
  private double logLikelihood(String... args) throws Exception {
    Path out = dir.resolve("fit" + System.nanoTime() + ".json");
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--out", out.toString(), "-q"));
    CliTest.Run run = CliTest.emc(all.toArray(String[]::new));
    assertEquals(0, run.code(), run.err());
    return new ObjectMapper().readTree(out.toFile()).get("logLikelihood").asDouble();
  }

  /**
   * faithful.csv as a file might come: an id, a label, cells separated by {@code delimiter}, and
   * eruptions NA in the rows (1-based) {@code naRows}; beside it NAME-clean.csv, the same rows as
   * faithful.csv writes them, those cells empty.
   */
  private Path messy(String name, int[] naRows, String delimiter) throws Exception {
    List<String> lines = Files.readAllLines(FAITHFUL);
    StringBuilder b = new StringBuilder(String.join(delimiter, "id", "eruptions", "kind", "waiting")).append('\n');
    StringBuilder clean = new StringBuilder(lines.get(0)).append('\n');
    for (int i = 1; i < lines.size(); i++) {
      String[] cells = lines.get(i).split(",");
      int row = i;
      boolean na = java.util.Arrays.stream(naRows).anyMatch(r -> r == row);
      String e = cells[0];
      b.append(String.join(delimiter, "s" + i, na ? "NA" : e, Double.parseDouble(e) > 3 ? "long" : "short",
          cells[1])).append('\n');
      clean.append(na ? "" : e).append(',').append(cells[1]).append('\n');
    }
    Files.writeString(dir.resolve(name + "-clean.csv"), clean.toString());
    return Files.writeString(dir.resolve(name), b.toString());
  }

  @Test
  void aFileWithAnIdALabelNaCellsAndTabsFitsWithOneFlag() throws Exception {
    Path tsv = messy("faithful.tsv", new int[] {4, 51, 200}, "\t");
    double clean = logLikelihood("fit", "examples/gmm.model", "--data", dir.resolve("faithful.tsv-clean.csv").toString(),
        "--missing", "marginalize");
    double messy = logLikelihood("fit", "examples/gmm.model", "--data", tsv.toString(), "--missing", "marginalize");
    assertEquals(clean, messy, 0.0);
    // Without NA cells it needs no flag at all.
    Path whole = messy("whole.tsv", new int[0], "\t");
    assertEquals(logLikelihood("fit", "examples/gmm.model", "--data", FAITHFUL.toString()),
        logLikelihood("fit", "examples/gmm.model", "--data", whole.toString()), 0.0);
  }

  @Test
  void anNaCellIsMissingAndSaidAsWritten() throws Exception {
    Path tsv = messy("na.tsv", new int[] {4}, "\t");
    CliTest.Run run = CliTest.emc("fit", "examples/gmm.model", "--data", tsv.toString());
    assertEquals(2, run.code());
    assertTrue(run.err().startsWith(tsv + ":5:4: error: the cell in column eruptions is `NA`, a missing value"),
        run.err());
    // --na names other tokens; NA is then a word, and a column with a word is not numbers.
    Path dots = Files.writeString(dir.resolve("dots.csv"), Files.readString(dir.resolve("na.tsv-clean.csv"))
        .replace("\n,", "\n.,"));
    assertEquals(logLikelihood("fit", "examples/gmm.model", "--data", dir.resolve("na.tsv-clean.csv").toString(),
        "--missing", "marginalize"),
        logLikelihood("fit", "examples/gmm.model", "--data", dots.toString(), "--na", ".", "--missing", "marginalize"),
        0.0);
    run = CliTest.emc("fit", "examples/gmm.model", "--data", tsv.toString(), "--na", "?");
    assertTrue(run.err().startsWith(tsv + ":5:4: error: `NA` in column eruptions is not a number"), run.err());
  }

  @Test
  void columnsTheModelDoesNotUseAreNeverRead() throws Exception {
    Path csv = messy("labelled.csv", new int[0], ",");
    double clean = logLikelihood("fit", "examples/gmm.model", "--data", FAITHFUL.toString());
    // Until now: "`long` in column kind is not a number", even with --columns.
    assertEquals(clean, logLikelihood("fit", "examples/gmm.model", "--data", csv.toString(),
        "--columns", "eruptions,waiting"), 0.0);
    // A column of words the model is given is an error at its first word.
    CliTest.Run run = CliTest.emc("fit", "examples/gmm.model", "--data", csv.toString(), "--columns", "eruptions,kind");
    assertEquals(2, run.code());
    assertEquals(csv + ":2:8: error: `long` in column kind is not a number\n    s1,3.6,long,79\n"
        + "           ^^^^\n", run.err());
  }

  @Test
  void theDelimiterIsDetectedOrGiven() throws Exception {
    double clean = logLikelihood("fit", "examples/gmm.model", "--data", FAITHFUL.toString());
    Path semi = messy("semi.txt", new int[0], ";");
    assertEquals(clean, logLikelihood("fit", "examples/gmm.model", "--data", semi.toString()), 0.0);
    Path bar = messy("bar.txt", new int[0], "|");
    assertEquals(clean, logLikelihood("fit", "examples/gmm.model", "--data", bar.toString(), "--delimiter", "|"), 0.0);
    CliTest.Run run = CliTest.emc("fit", "examples/gmm.model", "--data", bar.toString(), "--delimiter", "||");
    assertEquals(2, run.code());
    assertTrue(run.err().startsWith("emc: error: --delimiter is one character"), run.err());
  }

  @Test
  void gzipIsReadThroughInMemoryAndStreamed() throws Exception {
    Path tsv = messy("gz.tsv", new int[0], "\t");
    Path gz = dir.resolve("gz.tsv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(tsv, out);
    }
    double clean = logLikelihood("fit", "examples/gmm.model", "--data", FAITHFUL.toString());
    assertEquals(clean, logLikelihood("fit", "examples/gmm.model", "--data", gz.toString()), 0.0);
    assertEquals(clean, logLikelihood("fit", "examples/gmm.model", "--data", gz.toString(), "--stream"), 0.0);
    // A message inside a gzip file still shows its line.
    CliTest.Run run = CliTest.emc("fit", "examples/gmm.model", "--data", gz.toString(), "--columns", "kind");
    assertTrue(run.err().startsWith(gz + ":2:8: error: `long` in column kind is not a number\n    s1\t3.6\tlong\t79"),
        run.err());
  }

  @Test
  void standardInputIsReadWithDashInMemoryAndStreamed() throws Exception {
    double clean = logLikelihood("fit", "examples/gmm.model", "--data", FAITHFUL.toString());
    byte[] tsv = Files.readAllBytes(messy("stdin.tsv", new int[0], "\t"));
    ReadFlags.reset(new ByteArrayInputStream(tsv));
    assertEquals(clean, logLikelihood("fit", "examples/gmm.model", "--data", "-"), 0.0);
    ReadFlags.reset(new ByteArrayInputStream(tsv));
    assertEquals(clean, logLikelihood("fit", "examples/gmm.model", "--data", "-", "--stream"), 0.0);
    ReadFlags.reset(new ByteArrayInputStream(tsv));
    CliTest.Run run = CliTest.emc("fit", "examples/gmm.model", "--data", "-", "--columns", "kind");
    assertTrue(run.err().startsWith("<stdin>:2:8: error: `long` in column kind is not a number\n"), run.err());
  }

  @Test
  void sequenceIdsMayBeWords() throws Exception {
    List<String> lines = Files.readAllLines(HMM);
    StringBuilder words = new StringBuilder(lines.get(0)).append('\n');
    for (String line : lines.subList(1, lines.size())) {
      int comma = line.indexOf(',');
      words.append("patient-").append((char) ('a' + Integer.parseInt(line.substring(0, comma))))
          .append(line.substring(comma)).append('\n');
    }
    Path named = Files.writeString(dir.resolve("named.csv"), words.toString());
    assertEquals(logLikelihood("fit", "examples/hmm.model", "--data", HMM.toString(), "--sequence", "seq"),
        logLikelihood("fit", "examples/hmm.model", "--data", named.toString(), "--sequence", "seq"), 0.0);
    Path interleaved = Files.writeString(dir.resolve("interleaved.tsv"), "seq\tx\nann\t0.5\nbob\t0.1\nann\t0.3\n");
    CliTest.Run run = CliTest.emc("fit", "examples/hmm.model", "--data", interleaved.toString(), "--sequence", "seq");
    assertEquals(2, run.code());
    assertTrue(run.err().startsWith(interleaved + ":4:1: error: sequence ann continues after other sequences' rows"),
        run.err());
  }

  @Test
  void predictReadsTheSameFiles() throws Exception {
    Path fit = dir.resolve("fit.json");
    assertEquals(0, CliTest.emc("fit", "examples/gmm.model", "--data", FAITHFUL.toString(), "--out", fit.toString(),
        "-q").code());
    String clean = CliTest.emc("predict", "examples/gmm.model", "--params", fit.toString(), "--data",
        FAITHFUL.toString()).out();
    Path tsv = messy("predict.tsv", new int[0], "\t");
    CliTest.Run run = CliTest.emc("predict", "examples/gmm.model", "--params", fit.toString(), "--data", tsv.toString());
    assertEquals(0, run.code(), run.err());
    assertEquals(clean, run.out());
  }
}
