package dev.emc.runtime.fit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The fit's threads. A pass hands them numbered units of work (chunks of rows, sequences), each
 * of which writes its own partial statistics; the partials are then added in unit order, so a
 * result is the same, bit for bit, on any number of threads.
 */
public final class Workers implements AutoCloseable {
  private final int threads;
  private final ExecutorService pool;

  public Workers(int threads) {
    this.threads = Math.max(1, threads);
    this.pool = this.threads == 1 ? null : Executors.newFixedThreadPool(this.threads, r -> {
      Thread t = new Thread(r, "emc-pass");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Runs {@code unit} for every number in [from, to), on as many threads as have a unit to take,
   * or on this one when there is no pool or one unit.
   */
  public void each(int from, int to, IntConsumer unit) {
    if (pool == null || to - from <= 1) {
      for (int u = from; u < to; u++) {
        unit.accept(u);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger(from);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < Math.min(threads, to - from); t++) {
      futures.add(pool.submit(() -> {
        for (int u = next.getAndIncrement(); u < to; u = next.getAndIncrement()) {
          unit.accept(u);
        }
      }));
    }
    await(futures);
  }

  /** The partial statistics added in order, into the first. */
  public static double[] sum(double[][] partial) {
    double[] total = partial[0];
    for (int c = 1; c < partial.length; c++) {
      double[] p = partial[c];
      for (int i = 0; i < total.length; i++) {
        total[i] += p[i];
      }
    }
    return total;
  }

  private static void await(List<Future<?>> futures) {
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException(cause);
      }
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
