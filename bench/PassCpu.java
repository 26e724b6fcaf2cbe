import dev.emc.api.BindOptions;
import dev.emc.api.Bound;
import dev.emc.api.Emc;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The generated pass of one workload on one thread, in CPU nanoseconds per row: the thread's own
 * CPU time, which a machine shared with other work does not inflate the way it inflates wall time
 * (JMH's). Chunk by chunk as a fit calls it; with CACHED &gt; 0, the first CACHED rows again and
 * again instead (the arithmetic without memory traffic). With THREADS &gt; 1 (CACHED 0), wall
 * nanoseconds per row instead, the chunks shared by THREADS threads as a fit's workers share them.
 * Run it with two jars, one after the other, to compare them on a busy machine.
 *
 * <pre>
 * bin/emc --version    # builds emc-cli/target/emc.jar
 * java -cp emc-cli/target/emc.jar bench/PassCpu.java examples/gmm.model bench/data/a.csv 2 [CACHED [THREADS]]
 * </pre>
 */
public class PassCpu {
  public static void main(String[] args) throws Exception {
    Bound b = Emc.builtIn().load(Path.of(args[0]), Map.of("K", Double.parseDouble(args[2])))
        .bind(Table.read(Path.of(args[1])), BindOptions.defaults());
    int cached = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 1;
    DataMatrix data = b.data().orElseThrow();
    // Parameters where a fit puts them after a few iterations, as PassBenchmark's.
    EmModel m = b.compile().fit(data, FitOptions.defaults().withMaxIter(3).withTol(0)).model();
    m.prepare();
    double[] rows = data.values();
    int n = data.rows();
    if (threads > 1) {
      wall(m, rows, n, threads, args[1]);
      return;
    }
    double[] stats = new double[m.statisticsLength()];
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    double best = Double.POSITIVE_INFINITY;
    for (int pass = 0; pass < 15; pass++) {
      Arrays.fill(stats, 0);
      long t0 = cpu.getCurrentThreadCpuTime();
      for (int from = 0; from < n; from += cached > 0 ? cached : DataMatrix.CHUNK) {
        if (cached > 0) {
          m.accumulate(rows, 0, Math.min(cached, n), stats);
        } else {
          m.accumulate(rows, from, Math.min(n, from + DataMatrix.CHUNK), stats);
        }
      }
      long t1 = cpu.getCurrentThreadCpuTime();
      if (pass >= 5) { // the first five warm the JIT up
        best = Math.min(best, (t1 - t0) / (double) n);
      }
    }
    System.out.printf("%s: %.1f CPU ns per row (fastest of 10 passes), %.1f million rows per second%n",
        args[1], best, 1e3 / best);
  }

  /** Wall nanoseconds per row of a pass whose chunks THREADS threads take in turn, fastest of 10. */
  static void wall(EmModel m, double[] rows, int n, int threads, String name) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    double best = Double.POSITIVE_INFINITY;
    for (int pass = 0; pass < 15; pass++) {
      AtomicInteger next = new AtomicInteger();
      List<Future<?>> running = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        running.add(pool.submit(() -> {
          double[] stats = new double[m.statisticsLength()];
          for (int from; (from = next.getAndIncrement() * DataMatrix.CHUNK) < n; ) {
            m.accumulate(rows, from, Math.min(n, from + DataMatrix.CHUNK), stats);
          }
        }));
      }
      for (Future<?> f : running) {
        f.get();
      }
      if (pass >= 5) {
        best = Math.min(best, (System.nanoTime() - t0) / (double) n);
      }
    }
    pool.shutdown();
    System.out.printf("%s: %.1f wall ns per row on %d threads (fastest of 10 passes)%n", name, best, threads);
  }
}
