package dev.emc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emc.api.BindOptions;
import dev.emc.api.Compiled;
import dev.emc.api.Fits;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streamed rows fit exactly as rows in memory do: same chunks, same sums, same bits. */
class RowCacheTest {
  @TempDir
  Path dir;

  @Test
  void aFitFromTheRowCacheIsTheFitFromMemory() throws Exception {
    int n = 10_000;
    double[][] rows = new double[n][2];
    SplittableRandom rng = new SplittableRandom(9);
    for (int i = 0; i < n; i++) {
      boolean second = rng.nextDouble() < 0.4;
      rows[i][0] = (second ? 3 : -1) + rng.nextGaussian();
      rows[i][1] = (second ? -2 : 1) + rng.nextGaussian() * (second ? 0.5 : 1.5);
    }
    DataMatrix memory = DataMatrix.of(rows, List.of("a", "b"));
    Path file = dir.resolve("rows.bin");
    RowCache cache;
    try (RowCache.Writer w = new RowCache.Writer(file)) {
      // In pieces that do not line up with anything, as slabs of a CSV arrive.
      for (int from = 0; from < n; from += 777) {
        int to = Math.min(n, from + 777);
        w.append(java.util.Arrays.copyOfRange(memory.values(), from * 2, to * 2), (to - from) * 2);
      }
      // Three slabs: 4096, 4096 and 1808 rows.
      cache = w.finish(2, DataMatrix.CHUNK);
    }
    DataMatrix streamed = new DataMatrix("rows", List.of("a", "b"), null, n, 2, null, cache);
    double[] back = new double[n * 2];
    streamed.slabs((values, first, count) -> System.arraycopy(values, 0, back, first * 2, count * 2));
    assertArrayEquals(memory.values(), back);

    Compiled model = Fits.model("K = 2; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);", Map.of())
        .bind(Fits.table(rows, "a", "b"), BindOptions.defaults()).compile();
    FitOptions options = FitOptions.defaults().withThreads(2);
    FitResult a = model.fit(memory, options);
    FitResult b = model.fit(streamed, options);
    assertEquals(a.logLikelihood(), b.logLikelihood());
    assertEquals(a.iterations(), b.iterations());
    for (String p : a.params().keySet()) {
      assertArrayEquals(a.params().get(p), b.params().get(p), p);
    }
    cache.close();
    assertEquals(false, Files.exists(file), "closing the cache deletes its file");
  }

  @Test
  void aSampleIsSpreadOverAllTheRows() throws Exception {
    int n = 10_000;
    double[][] rows = new double[n][1];
    for (int i = 0; i < n; i++) {
      rows[i][0] = i;
    }
    RowCache cache;
    try (RowCache.Writer w = new RowCache.Writer(dir.resolve("s.bin"))) {
      w.append(DataMatrix.of(rows, List.of("i")).values(), n);
      cache = w.finish(1, DataMatrix.CHUNK);
    }
    DataMatrix sample = new DataMatrix("rows", List.of("i"), null, n, 1, null, cache).sample(1000);
    assertEquals(1000, sample.rows());
    for (int i = 0; i < sample.rows(); i++) {
      assertEquals(10.0 * i, sample.values()[i]);
    }
    cache.close();
  }

  @Test
  void aSweepDeletesTheCachesWhoseLockIsFreeAndKeepsThisProcesssOwn() throws Exception {
    // Left by a process that is gone: nothing holds the lock.
    Path deadLock = Files.writeString(dir.resolve("emc-rows-1.lock"), "");
    Path deadCache = Files.writeString(dir.resolve("emc-rows-1.bin"), "rows");
    Path mine = RowCache.newFile(dir);
    assertEquals(false, Files.exists(deadCache), "the dead process's cache is swept");
    assertEquals(false, Files.exists(deadLock), "and its lock");
    RowCache.sweep(dir);
    assertEquals(true, Files.exists(mine), "a cache of this process is kept");
    try (RowCache.Writer w = new RowCache.Writer(mine)) {
      w.append(new double[] {1, 2}, 2);
      w.finish(2).close();
    }
    try (var left = Files.list(dir)) {
      assertEquals(List.of(), left.toList(), "closing the cache deletes it and its lock");
    }
  }
}
