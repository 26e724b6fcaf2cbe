package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.cli.CliTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fit's JSON given back (predict, simulate, --init): its columns bind by name, its parameters
 * are checked by kind, its sizes against its parameters, each before any code is generated.
 */
class FittedJsonTest {
  private static final String FAITHFUL = "examples/data/faithful.csv";
  /** Parameters of the Gaussian mixture near the reference fit; any usable ones would do. */
  private static final String GMM = """
      {"sizes": {"K": 2, "D": 2}, "columns": ["eruptions", "waiting"],
       "params": {"phi": %s, "mu": [[4.29, 79.97], [2.04, 54.48]],
                  "Sigma": [[[0.17, 0.94], [0.94, 36.05]], %s]}}
      """;

  @TempDir Path dir;

  private Path json(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private Path gmm(String phi, String sigma1) throws Exception {
    return json("fit.json", GMM.formatted(phi, sigma1));
  }

  private Path gmm() throws Exception {
    return gmm("[0.64, 0.36]", "[[0.07, 0.44], [0.44, 33.70]]");
  }

  /** The CSV file with its columns in the given order (by name), and any more given as NAME=VALUE. */
  private Path reordered(String from, String name, String... order) throws Exception {
    List<String> lines = Files.readAllLines(Path.of(from));
    List<String> header = List.of(lines.get(0).split(","));
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      String[] cells = line.split(",");
      List<String> row = new ArrayList<>();
      for (String column : order) {
        String[] extra = column.split("=");
        row.add(extra.length == 2 ? (line == lines.get(0) ? extra[0] : extra[1]) : cells[header.indexOf(column)]);
      }
      out.add(String.join(",", row));
    }
    Path file = dir.resolve(name);
    Files.write(file, out);
    return file;
  }

  private static Run bad(String... args) {
    Run r = CliTest.emc(args);
    assertEquals(2, r.code(), r.err());
    return r;
  }

  @Test
  void predictBindsTheFittedColumnsByName() throws Exception {
    Path fit = gmm();
    Run original = CliTest.emc("predict", "examples/gmm.model", "--params", fit.toString(), "--data", FAITHFUL);
    assertEquals(0, original.code(), original.err());
    Path swapped = reordered(FAITHFUL, "swapped.csv", "note=7", "waiting", "eruptions");
    Run r = CliTest.emc("predict", "examples/gmm.model", "--params", fit.toString(), "--data", swapped.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(original.out(), r.out());

    Path renamed = dir.resolve("renamed.csv");
    Files.writeString(renamed, Files.readString(Path.of(FAITHFUL)).replaceFirst("waiting", "wait"));
    Run missing = bad("predict", "examples/gmm.model", "--params", fit.toString(), "--data", renamed.toString());
    assertEquals(renamed + ": error: the fit in " + fit + " was made with a column waiting, but these data have no"
        + " such column (they have eruptions, wait); rename it, or pick these data's columns for the fitted ones,"
        + " in order, with --columns\n", missing.err());
    // --columns says which of these columns are the fitted ones.
    Run mapped = CliTest.emc("predict", "examples/gmm.model", "--params", fit.toString(), "--data", renamed.toString(),
        "--columns", "eruptions,wait");
    assertEquals(original.out(), mapped.out(), mapped.err());
  }

  /** Scalars by name and a vector of the rest: the rest are the fitted ones, in the fit's order. */
  @Test
  void predictBindsAModelOfSeveralVariablesByName() throws Exception {
    Path fit = json("regression.json", """
        {"sizes": {"K": 2, "P": 2}, "columns": ["y", "one", "t"],
         "params": {"phi": [0.5, 0.5], "beta": [[1, 2], [3, -1]], "s2": [1, 2]}}
        """);
    String data = "examples/data/regression.csv";
    Run original = CliTest.emc("predict", "examples/regression.model", "--params", fit.toString(), "--data", data);
    assertEquals(0, original.code(), original.err());
    Path moved = reordered(data, "moved.csv", "t", "extra=0", "y", "one");
    Run r = CliTest.emc("predict", "examples/regression.model", "--params", fit.toString(), "--data", moved.toString());
    assertEquals(original.out(), r.out(), r.err());
  }

  @Test
  void simulateNamesItsColumnsAsTheFitDid() throws Exception {
    Path fit = json("fit.json", GMM.formatted("[0.64, 0.36]", "[[0.07, 0.44], [0.44, 33.70]]")
        .replace("\"eruptions\", \"waiting\"", "\"minutes\", \"wait\""));
    Run r = CliTest.emc("simulate", "examples/gmm.model", "--params", fit.toString(), "-n", "2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("minutes,wait\n"), r.out());
  }

  @Test
  void aSimplexThatDoesNotAddUpToOne() throws Exception {
    Path fit = gmm("[5, 5]", "[[0.07, 0.44], [0.44, 33.70]]");
    Run predict = bad("predict", "examples/gmm.model", "--params", fit.toString(), "--data", FAITHFUL);
    assertEquals(fit + ": error: params.phi adds up to 10, but the probabilities of a simplex add up to 1\n",
        predict.err());
    Path init = gmm("[0.9, 0.9]", "[[0.07, 0.44], [0.44, 33.70]]");
    Run fitted = bad("fit", "examples/gmm.model", "--data", FAITHFUL, "--init", init.toString());
    assertEquals(init + ": error: params.phi adds up to 1.8, but the probabilities of a simplex add up to 1\n",
        fitted.err());
  }

  @Test
  void aCovarianceThatIsNotOne() throws Exception {
    Path asymmetric = gmm("[0.5, 0.5]", "[[0.07, 0.44], [0.45, 33.70]]");
    assertEquals(asymmetric + ": error: params.Sigma[1] (component 2) is not symmetric: [0][1] is 0.44 but [1][0] is"
        + " 0.45\n", bad("simulate", "examples/gmm.model", "--params", asymmetric.toString(), "-n", "3").err());
    // 0.07 · 33.7 < 2²: the correlation would be above 1.
    Path indefinite = gmm("[0.5, 0.5]", "[[0.07, 2], [2, 33.70]]");
    assertEquals(indefinite + ": error: params.Sigma[1] (component 2) is not positive definite, as a covariance must"
        + " be\n", bad("fit", "examples/gmm.model", "--data", FAITHFUL, "--init", indefinite.toString()).err());
  }

  @Test
  void sizesThatDisagreeWithTheParameters() throws Exception {
    Path huge = json("huge.json", GMM.formatted("[0.64, 0.36]", "[[0.07, 0.44], [0.44, 33.70]]")
        .replace("\"K\": 2", "\"K\": 2000000000"));
    assertEquals(huge + ": error: params.phi holds 2 numbers, but at the sizes K = 2000000000, D = 2 model gmm's phi"
        + " has 2000000000\n", bad("simulate", "examples/gmm.model", "--params", huge.toString(), "-n", "3").err());
    Path beyond = json("beyond.json", GMM.formatted("[0.64, 0.36]", "[[0.07, 0.44], [0.44, 33.70]]")
        .replace("\"K\": 2", "\"K\": 3000000000"));
    assertEquals(beyond + ": error: sizes.K must be a whole number from 1 to 2147483647, not 3000000000\n",
        bad("predict", "examples/gmm.model", "--params", beyond.toString(), "--data", FAITHFUL).err());
  }

  @Test
  void sizesPastAnIntOrTheRows() {
    assertEquals("emc: error: --set K = 3000000000 is used as a size (z is 1..K), and a size must be a positive"
        + " integer of at most 2147483647\n", bad("fit", "examples/gmm.model", "--data", FAITHFUL,
        "--set", "K=3000000000").err());
    assertEquals("emc: error: --set K=1..3000000000: a size is at most 2147483647 (see emc select --help)\n",
        bad("select", "examples/gmm.model", "--data", FAITHFUL, "--set", "K=1..3000000000").err());
    // Found before the code for a million components is generated.
    assertEquals(FAITHFUL + ": error: the data have 272 rows, fewer than the 1000000 components\n",
        bad("fit", "examples/gmm.model", "--data", FAITHFUL, "--set", "K=1000000").err());
  }
}
