package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.cli.CliTest.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad data: one message with the file and line (and column, with a caret), exit 2, no output. */
class BadDataTest {
  @TempDir Path dir;

  /** Whether the fits stream their rows (StreamedBadDataTest): the messages must be the same. */
  boolean streamed() {
    return false;
  }

  private Run fit(String csv, String... more) throws Exception {
    return fit(csv.getBytes(StandardCharsets.UTF_8), more);
  }

  private Run fit(byte[] csv, String... more) throws Exception {
    Path data = dir.resolve("data.csv");
    Files.write(data, csv);
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
        "fit", "examples/gmm.model", "--data", data.toString(), "--out=" + dir.resolve("fit.json")));
    args.addAll(java.util.List.of(more));
    if (streamed()) {
      args.add("--stream");
    }
    Run r = CliTest.emc(args.toArray(String[]::new));
    if (streamed()) {
      String first = r.err().lines().findFirst().orElse("");
      assertTrue(first.startsWith("emc: streaming "), r.err());
      Path cache = Path.of(first.substring(first.indexOf('(') + 1, first.indexOf(')')));
      assertFalse(Files.exists(cache), "the row cache is deleted");
      r = new Run(r.code(), r.out(), r.err().substring(first.length() + 1));
    }
    assertEquals(2, r.code(), r.err());
    assertFalse(Files.exists(dir.resolve("fit.json")), "no output on failure");
    assertFalse(r.err().contains("Exception"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    return r;
  }

  private String data() {
    return dir.resolve("data.csv").toString();
  }

  @Test
  void aRaggedRow() throws Exception {
    Run r = fit("a,b\n1,2\n3,4,5\n5,6\n");
    assertEquals(data() + ":3:5: error: this row has 3 values, but the header has 2 columns\n"
        + "    3,4,5\n        ^\n", r.err());
  }

  @Test
  void aShortRow() throws Exception {
    Run r = fit("a,b\n1,2\n3\n5,6\n");
    assertEquals(data() + ":3:2: error: this row has 1 value, but the header has 2 columns\n"
        + "    3\n     ^\n", r.err());
  }

  @Test
  void aCellThatIsNotANumber() throws Exception {
    Run r = fit("a,b\n1,2\n3,x4\n5,6\n");
    assertEquals(data() + ":3:3: error: `x4` in column b is not a number\n    3,x4\n      ^^\n", r.err());
  }

  @Test
  void anEmptyCell() throws Exception {
    Run r = fit("a,b\n1,2\n3,\n5,6\n");
    assertTrue(r.err().startsWith(data() + ":3:3: error: the cell in column b is empty"), r.err());
  }

  @Test
  void aNaN() throws Exception {
    // NaN is one of the default NA tokens: a missing value, which --missing decides about.
    Run r = fit("a,b\n1,2\nNaN,4\n5,6\n");
    assertTrue(r.err().startsWith(data() + ":3:1: error: the cell in column a is `NaN`, a missing value"), r.err());
    Run inf = fit("a,b\n1,2\nInf,4\n5,6\n");
    assertTrue(inf.err().startsWith(data() + ":3:1: error: `Inf` in column a is not a finite number"), inf.err());
  }

  @Test
  void aFileWithoutAHeader() throws Exception {
    Run r = fit("3.6,79\n1.8,54\n3.3,74\n");
    assertEquals(data() + ":1:1: error: this row is numbers, but the first row must be the header: a name for each"
        + " column\n    3.6,79\n    ^^^^^^\n", r.err());
  }

  /** Latin-1 é (0xE9): in a row the fast reader gives up on, in the header, and after a quoted cell. */
  @Test
  void bytesThatAreNotUtf8() throws Exception {
    Run row = fit(latin1("a,b\n1,2\n3,4é\n5,6\n"));
    assertEquals(data() + ":3:4: error: not UTF-8 text (byte 0xE9); save the file as UTF-8\n"
        + "    3,4\uFFFD\n       ^\n", row.err());
    Run header = fit(latin1("a,bé\n1,2\n"));
    assertEquals(data() + ":1:4: error: not UTF-8 text (byte 0xE9); save the file as UTF-8\n"
        + "    a,b\uFFFD\n       ^\n", header.err());
    Run quoted = fit(latin1("a,b\n\"1\",2\n\"x\",\"caf\u00e9\"\n"));
    assertEquals(data() + ":3:9: error: not UTF-8 text (byte 0xE9); save the file as UTF-8\n"
        + "    \"x\",\"caf\uFFFD\"\n            ^\n", quoted.err());
  }

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void aQuoteNeverClosed() throws Exception {
    Run r = fit("a,b\n1,2\n3, \"4\n5,6\n");
    assertEquals(data() + ":3:4: error: this quote opens a cell that is never closed: the file ends inside it\n"
        + "    3, \"4\n       ^\n", r.err());
  }

  @Test
  void aCellGoingOnAfterItsClosingQuote() throws Exception {
    Run r = fit("a,\"b\"\"c\"\n1,2\n3,\"4\" x\n5,6\n");
    assertEquals(data() + ":3:7: error: the cell goes on after its closing quote; put the whole cell in quotes,"
        + " with each quote inside it written twice (\"\")\n    3,\"4\" x\n          ^\n", r.err());
  }

  @Test
  void aColumnNamedTwice() throws Exception {
    Run r = fit("a,b\n1,2\n3,4\n5,6\n", "--columns", "b,b");
    assertEquals(data() + ": error: --columns names b twice\n", r.err());
  }

  @Test
  void anEmptyFile() throws Exception {
    Run r = fit("");
    assertEquals(data() + ": error: the file is empty; it needs a header row and data rows\n", r.err());
  }

  @Test
  void aHeaderWithoutRows() throws Exception {
    Run r = fit("a,b\n");
    assertTrue(r.err().contains("has a header but no data rows"), r.err());
  }

  @Test
  void fewerRowsThanComponents() throws Exception {
    Run r = fit("a,b\n1,2\n", "--set", "K=2");
    assertTrue(r.err().contains("the data have 1 row, fewer than the 2 components"), r.err());
  }

  @Test
  void aConstantColumnWithoutRegularization() throws Exception {
    Run r = fit("a,b\n1,7\n2,7\n3,7\n4,7\n", "--reg", "0");
    assertTrue(r.err().contains("column b is constant (every row has 7)"), r.err());
    assertTrue(r.err().startsWith(data() + ": error:"), r.err());
  }

  @Test
  void aValueOutsideItsFamilysSupport() throws Exception {
    Path data = dir.resolve("hits.csv");
    Files.writeString(data, "hits\n3\n25\n7\n");
    Run r = CliTest.emc("fit", "examples/binomial.model", "--data", data.toString());
    assertEquals(2, r.code());
    assertEquals(data + ":3: error: row 2: hits is 25, but Binomial needs hits ≤ 20\n", r.err());
  }

  @Test
  void aMissingDataFile() throws Exception {
    Run r = CliTest.emc("fit", "examples/gmm.model", "--data", dir.resolve("none.csv").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("cannot read") && r.err().contains("no such file"), r.err());
  }

  @Test
  void aModelErrorBeforeAnyData() {
    Run r = CliTest.emc("fit", "emc-core/src/test/resources/bad/unknown-family.model", "--data", "examples/data/faithful.csv");
    assertEquals(2, r.code());
    assertTrue(r.err().contains(":3:5: error: unknown distribution family Normall"), r.err());
  }
}
