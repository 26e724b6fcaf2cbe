package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model of thousands of repeated errors prints the first 50 and one line that counts the rest,
 * and a long line is shown around its caret: the output stays small however large the storm (56
 * KB of errors on one line once printed 168 MB and ran out of memory).
 */
class DiagnosticStormTest {
  private static final int STATEMENTS = 3000; // about 56 KB

  @Test
  void aStormOfErrorsPrintsTheFirst50AndCountsTheRest(@TempDir Path dir) throws Exception {
    CliTest.Run r = check(dir, "\n");
    assertEquals(2, r.code());
    String[] lines = r.err().split("\n");
    assertEquals(50 * 3 + 1, lines.length);
    assertEquals("storm.model:2:6: error: unknown distribution family Nrmal; did you mean Normal?",
        lines[0].substring(lines[0].indexOf("storm.model")));
    assertEquals("    x0 ~ Nrmal(mu, s);", lines[1]);
    assertEquals("         ^^^^^", lines[2]);
    assertEquals("and " + (STATEMENTS - 50) + " more errors", lines[lines.length - 1]);
  }

  @Test
  void errorsOnOneLongLineShowThePartAroundTheirCaret(@TempDir Path dir) throws Exception {
    long start = System.nanoTime();
    CliTest.Run r = check(dir, " ");
    assertTrue(System.nanoTime() - start < 10_000_000_000L, "a storm takes seconds at most");
    assertEquals(2, r.code());
    String[] lines = r.err().split("\n");
    assertEquals(50 * 3 + 1, lines.length);
    // The 50th error, x49's, at column 10 · 19 + 39 · 20 + 7: the line from 30 code points
    // before it, 120 of them, with … where it is cut.
    assertEquals("storm.model:2:977: error: unknown distribution family Nrmal; did you mean Normal?",
        lines[49 * 3].substring(lines[49 * 3].indexOf("storm.model")));
    assertEquals("    …s); x48 ~ Nrmal(mu, s); x49 ~ Nrmal(mu, s); x50 ~ Nrmal(mu, s); x51 ~ Nrmal(mu, s);"
        + " x52 ~ Nrmal(mu, s); x53 ~ Nrmal(mu, …", lines[49 * 3 + 1]);
    assertEquals("    " + " ".repeat(31) + "^^^^^", lines[49 * 3 + 2]);
    assertEquals("and " + (STATEMENTS - 50) + " more errors", lines[lines.length - 1]);
    assertTrue(r.err().length() < 50 * 400, r.err().length() + " characters");
  }

  /** `emc check` of a model of {@link #STATEMENTS} statements with an unknown family, joined by {@code gap}. */
  private static CliTest.Run check(Path dir, String gap) throws Exception {
    StringBuilder text = new StringBuilder("model storm;\n");
    for (int i = 0; i < STATEMENTS; i++) {
      text.append("x").append(i).append(" ~ Nrmal(mu, s);").append(gap);
    }
    Path model = dir.resolve("storm.model");
    Files.writeString(model, text);
    assertTrue(Files.size(model) > 56_000, Files.size(model) + " bytes");
    return CliTest.emc("check", model.toString());
  }
}
