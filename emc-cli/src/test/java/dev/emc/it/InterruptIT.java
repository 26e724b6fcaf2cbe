package dev.emc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during `emc fit --out` (SIGINT to the packaged jar's process): the fit stops at its next
 * iteration, the best fit so far is written whole, and the exit code says it was interrupted.
 */
class InterruptIT {
  @Test
  void ctrlCStopsTheFitAndKeepsTheBestSoFar(@TempDir Path dir) throws Exception {
    Path jar = Path.of("emc-cli/target/emc.jar").toAbsolutePath();
    Path rows = dir.resolve("rows.csv");
    StringBuilder csv = new StringBuilder("a,b\n");
    java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
    for (int n = 0; n < 200_000; n++) {
      csv.append(rng.nextGaussian()).append(',').append(rng.nextGaussian() * 3 + (n % 2) * 5).append('\n');
    }
    Files.writeString(rows, csv);
    Path out = dir.resolve("fit.json");
    Path err = dir.resolve("err.txt");
    // Iterations without end: only the interrupt stops this fit.
    Process p = new ProcessBuilder(List.of("java", "-jar", jar.toString(), "fit", "examples/gmm.model", "--data",
        rows.toString(), "--set", "K=8", "--tol", "0", "--max-iter", "100000000", "--out", out.toString()))
        .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    // Interrupt it once it has had time to iterate; earlier, it would stop at its first iteration.
    Thread.sleep(6000);
    assertTrue(p.isAlive(), Files.readString(err, StandardCharsets.UTF_8));
    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the fit stops");
    assertEquals(130, p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
    assertTrue(Files.readString(err).contains("emc: interrupted after"), Files.readString(err));
    JsonNode fit = new ObjectMapper().readTree(out.toFile());
    assertFalse(fit.get("converged").asBoolean());
    assertTrue(fit.get("logLikelihood").isNumber());
    assertTrue(fit.get("warnings").get(0).asText().startsWith("stopped after"), fit.toString());
  }
}
