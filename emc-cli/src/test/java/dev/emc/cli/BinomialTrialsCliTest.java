package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.cli.CliTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rows a binomial with each row's own number of trials cannot take, each at its line. */
class BinomialTrialsCliTest {
  private static final Path MODEL = Path.of("examples/binomial-trials.model");

  @TempDir Path dir;

  @Test
  void aRowWithMoreSuccessesThanTrialsIsLocated() throws Exception {
    Path data = dir.resolve("hits.csv");
    Files.writeString(data, "hits,trials\n3,10\n12,11\n7,9\n");
    Run r = CliTest.emc("fit", MODEL.toString(), "--data", data.toString());
    assertEquals(2, r.code());
    assertEquals(data + ":3: error: row 2: hits is 12, but Binomial needs hits ≤ trials\n", r.err());
  }

  @Test
  void trialsThatAreNoCountAreLocated() throws Exception {
    for (String bad : List.of("2.5", "-3")) {
      Path data = dir.resolve("trials.csv");
      Files.writeString(data, "hits,trials\n3,10\n1," + bad + "\n7,9\n");
      Run r = CliTest.emc("fit", MODEL.toString(), "--data", data.toString());
      assertEquals(2, r.code());
      assertTrue(r.err().startsWith(data + ":3:"), r.err());
      assertTrue(r.err().contains("trials must be a count (0, 1, 2, …), but column trials has " + bad), r.err());
    }
  }
}
