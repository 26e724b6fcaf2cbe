package dev.emc.cli;

import dev.emc.runtime.fit.Fitter;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A long fit as it goes: one line on the terminal, rewritten at most five times a second (run,
 * iteration of the most, objective, its last change, iterations per second, time since the command
 * began), and Ctrl-C as a request to stop
 * that the fit honours at its next iteration, so that what it has so far can still be written.
 */
final class Progress implements Fitter.Monitor, AutoCloseable {
  private static final long REDRAW_NANOS = 200_000_000L;
  /** How long Ctrl-C waits for the best fit so far to be written before the JVM goes. */
  private static final long GRACE_SECONDS = 30;

  private final PrintWriter err;
  private final boolean show;
  private final int maxIterations;
  /** When the command began: the elapsed time includes the load and the compile. */
  private final long began = System.nanoTime();
  private final Thread hook;
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean interrupted;
  /** When the first iteration was seen: the rate leaves out the compile and the start. */
  private long started;
  private long drawn;
  private int iterations;
  private int lastRun = -1;
  private double previous = Double.NaN;
  private boolean dirty;

  /**
   * {@code show}: draw the line (on a terminal, not --quiet); Ctrl-C is caught either way.
   * {@code maxIterations}: the most iterations a run takes (--max-iter).
   */
  Progress(PrintWriter err, boolean show, int maxIterations) {
    this.err = err;
    this.show = show;
    this.maxIterations = maxIterations;
    this.hook = new Thread(() -> {
      interrupted = true;
      try {
        finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "emc-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Whether the user asked the fit to stop. */
  boolean interrupted() {
    return interrupted;
  }

  @Override
  public boolean iteration(int run, int runs, int iteration, double objective) {
    if (run != lastRun) {
      lastRun = run;
      previous = Double.NaN;
    }
    long now = System.nanoTime();
    if (iterations++ == 0) {
      started = now;
    }
    if (show && now - drawn >= REDRAW_NANOS) {
      drawn = now;
      double rate = iterations == 1 ? 0 : (iterations - 1) / ((now - started) / 1e9);
      err.print("\r\033[K" + line(run, runs, iteration, maxIterations, objective, previous, rate, (now - began) / 1e9));
      err.flush();
      dirty = true;
    }
    previous = objective;
    return !interrupted;
  }

  /** The progress line's text: {@code previous} is NaN at a run's first iteration. */
  static String line(int run, int runs, int iteration, int maxIterations, double objective, double previous,
      double rate, double elapsedSeconds) {
    String change = Double.isNaN(previous) ? "" : String.format(Locale.ROOT, "  change %+.3g", objective - previous);
    long seconds = (long) elapsedSeconds;
    return String.format(Locale.ROOT, "run %d/%d  iteration %d/%d  objective %.6f%s  %.0f it/s  elapsed %d:%02d:%02d",
        run + 1, runs, iteration, maxIterations, objective, change, rate, seconds / 3600, seconds / 60 % 60,
        seconds % 60);
  }

  /**
   * After batch {@code batches} of an online fit, {@code rows} rows in, with the running
   * log-likelihood per row: the line shows them and the rows per second. False when Ctrl-C asks
   * the fit to stop.
   */
  boolean batch(long batches, long rows, double perRow) {
    long now = System.nanoTime();
    if (iterations++ == 0) {
      started = now;
      startRows = rows;
    }
    if (show && now - drawn >= REDRAW_NANOS) {
      drawn = now;
      double rate = iterations == 1 ? 0 : (rows - startRows) / ((now - started) / 1e9);
      err.printf(Locale.ROOT, "\r\033[Kbatch %d  rows %d  log-likelihood per row %.6f  %.0f rows/s",
          batches, rows, perRow, rate);
      err.flush();
      dirty = true;
    }
    return !interrupted;
  }

  private long startRows;

  /** Clears the line, for what is printed next. */
  void clear() {
    if (dirty) {
      err.print("\r\033[K");
      err.flush();
      dirty = false;
    }
  }

  /** Clears the line and lets a waiting Ctrl-C go: what it waited for is written. */
  @Override
  public void close() {
    clear();
    finished.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down (Ctrl-C): the hook is running and has just been let go.
    }
  }
}
