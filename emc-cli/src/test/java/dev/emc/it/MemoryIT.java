package dev.emc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A million rows of examples/gmm.model's data in small heaps: the fit runs (streamed, as the free
 * heap cannot hold the rows) or says that memory is short, with exit 2; never exit 70 or a trace.
 */
class MemoryIT {
  @TempDir static Path dir;
  static Path data;

  @BeforeAll
  static void rows() throws Exception {
    // Two clusters shaped like Old Faithful's: eruptions (in seconds) and waiting (in minutes), whole
    // numbers, written without formatting, which would take longer than the fit.
    data = dir.resolve("rows.csv");
    SplittableRandom rng = new SplittableRandom(16);
    try (BufferedWriter w = Files.newBufferedWriter(data)) {
      w.write("eruptions,waiting\n");
      for (int n = 0; n < 1_000_000; n++) {
        boolean shortOne = rng.nextDouble() < 0.35;
        w.write(Long.toString(Math.round((shortOne ? 120 : 258) + rng.nextGaussian() * 21)));
        w.write(',');
        w.write(Long.toString(Math.round((shortOne ? 54 : 80) + rng.nextGaussian() * 6)));
        w.write('\n');
      }
    }
  }

  private record Run(int code, String err) {}

  private static Run emc(String heap, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("java", heap, "-jar",
        Path.of("emc-cli/target/emc.jar").toAbsolutePath().toString(), "fit", "examples/gmm.model", "--data",
        data.toString(), "-q"));
    command.addAll(List.of(args));
    Path err = dir.resolve("err.txt");
    Process p = new ProcessBuilder(command).redirectError(err.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "emc ends");
    return new Run(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void aMillionRowsInSixtyFourMegabytesFitOrSaySo() throws Exception {
    Run r = emc("-Xmx64m", "--max-iter", "3", "--out", dir.resolve("fit.json").toString());
    if (r.code() == 0) {
      assertTrue(r.err().startsWith("emc: streaming " + data), r.err());
      assertTrue(Files.exists(dir.resolve("fit.json")));
    } else {
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().matches("(emc: streaming .*\n)?emc: error: not enough memory"
          + "( to stream " + java.util.regex.Pattern.quote(data.toString()) + ")?: use (--stream or )?a larger -Xmx"
          + " \\(the heap is at most \\d+ MB\\)\n"), r.err());
    }
  }

  @Test
  void aHeapTooSmallEvenToStreamIsSaidBeforeReading() throws Exception {
    Run r = emc("-Xmx40m");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().matches("emc: error: not enough memory to stream " + java.util.regex.Pattern.quote(
        data.toString()) + ": use a larger -Xmx \\(the heap is at most \\d+ MB\\)\n"), r.err());
  }

  @Test
  void runningOutOfHeapWhileReadingIsSaidPlainly() throws Exception {
    // --missing marginalize keeps the rows in memory: 24 MB of heap cannot hold them as they are read.
    Run r = emc("-Xmx24m", "--missing", "marginalize");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().matches("emc: error: not enough memory: use --stream or a larger -Xmx"
        + " \\(the heap is at most \\d+ MB\\)\n"), r.err());
  }
}
