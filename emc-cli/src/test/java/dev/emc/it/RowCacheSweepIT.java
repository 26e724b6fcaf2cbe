package dev.emc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row caches do not outlive their process: one left by a fit killed with SIGKILL is deleted by the
 * next streamed fit, one whose fit is still running is kept, and one whose fit is stopped by a
 * signal it can catch is deleted as the process exits. Each process gets its own temporary
 * directory, {@code tmp}, so that nothing else's caches take part.
 */
class RowCacheSweepIT {
  @TempDir Path dir;

  @Test
  void aKilledFitsCacheIsSweptAndALiveOnesIsKept() throws Exception {
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    Path data = dir.resolve("rows.csv");
    StringBuilder csv = new StringBuilder("a,b\n");
    SplittableRandom rng = new SplittableRandom(5);
    for (int n = 0; n < 2000; n++) {
      csv.append(rng.nextGaussian()).append(',').append(rng.nextGaussian() + (n % 2) * 4).append('\n');
    }
    Files.writeString(data, csv);

    Process live = endless(tmp, data);
    Path liveCache = cacheOf(live);
    Process killed = endless(tmp, data);
    Path killedCache = cacheOf(killed);
    killed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    assertTrue(Files.exists(killedCache), "SIGKILL leaves the cache behind");
    assertEquals(List.of(liveCache, killedCache, lock(liveCache), lock(killedCache)).stream().sorted().toList(),
        caches(tmp));

    Process next = emc(tmp, data, "--max-iter", "2");
    next.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertTrue(next.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, next.exitValue(), new String(next.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    assertEquals(List.of(liveCache, lock(liveCache)).stream().sorted().toList(), caches(tmp),
        "the next streamed fit deleted the killed fit's cache and its own, and kept the live fit's");

    // SIGTERM: the fit stops at its next iteration and the cache goes as the JVM exits (128 + 15).
    live.destroy();
    assertTrue(live.waitFor(60, TimeUnit.SECONDS));
    assertEquals(143, live.exitValue());
    assertEquals(List.of(), caches(tmp));
  }

  /** A streamed fit that runs until it is stopped, on one thread: the other is the next fit's. */
  private static Process endless(Path tmp, Path data) throws Exception {
    return emc(tmp, data, "--tol", "0", "--max-iter", "100000000", "--threads", "1");
  }

  private static Process emc(Path tmp, Path data, String... more) throws Exception {
    List<String> command = new ArrayList<>(List.of("java", "-Djava.io.tmpdir=" + tmp, "-jar",
        Path.of("emc-cli/target/emc.jar").toAbsolutePath().toString(), "fit", "examples/gmm.model", "--data", data.toString(),
        "--stream", "-q"));
    command.addAll(List.of(more));
    return new ProcessBuilder(command).start();
  }

  /** The cache a streamed fit names on its first line, once it exists and is locked. */
  private static Path cacheOf(Process fit) throws Exception {
    BufferedReader err = new BufferedReader(new InputStreamReader(fit.getErrorStream(), StandardCharsets.UTF_8));
    String first = err.readLine();
    assertTrue(first != null && first.startsWith("emc: streaming "), String.valueOf(first));
    return Path.of(first.substring(first.indexOf('(') + 1, first.indexOf(')')));
  }

  private static Path lock(Path cache) {
    return cache.resolveSibling(cache.getFileName().toString().replace(".bin", ".lock"));
  }

  private static List<Path> caches(Path tmp) throws Exception {
    try (Stream<Path> files = Files.list(tmp)) {
      return files.filter(f -> f.getFileName().toString().startsWith("emc-rows-")).sorted().toList();
    }
  }
}
