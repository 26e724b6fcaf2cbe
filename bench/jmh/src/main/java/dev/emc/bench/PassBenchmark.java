package dev.emc.bench;

import dev.emc.api.BindOptions;
import dev.emc.api.Bound;
import dev.emc.api.Emc;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One generated pass — E-step and statistics — over a workload's rows on one thread, in
 * nanoseconds per row; and, for workload a, the same pass written by hand as a careful
 * programmer would (one exp per row, everything in registers), for the ratio generated : hand.
 *
 * <p>Run from the checkout, after {@code bench/generate.py}: see bench/README.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector") // as bin/emc runs emc
@State(Scope.Benchmark)
public class PassBenchmark {
  /** workload: model, data, K. */
  @Param({"a", "b", "c", "d"})
  public String workload;

  /** Rows of a block that fits the L1 cache (20 KB at 10 columns). */
  private static final int CACHED = 256;

  private EmModel model;
  private double[] rows;
  private int n;
  private double[] stats;

  @Setup
  public void setUp() throws Exception {
    String[] w = switch (workload) {
      case "a" -> new String[] {"examples/gmm.model", "a.csv", "2"};
      case "b" -> new String[] {"examples/gmm.model", "b.csv", "30"};
      case "c" -> new String[] {"examples/gmm-diagonal.model", "c.csv", "5"};
      case "d" -> new String[] {"examples/poisson.model", "d.csv", "4"};
      default -> throw new IllegalArgumentException(workload);
    };
    Bound b = Emc.builtIn().load(Path.of(w[0]), Map.of("K", Double.parseDouble(w[2])))
        .bind(Table.read(Path.of("bench/data", w[1])), BindOptions.defaults());
    DataMatrix data = b.data().orElseThrow();
    // Parameters where a fit puts them after a few iterations: responsibilities of every kind.
    model = b.compile().fit(data, FitOptions.defaults().withMaxIter(3).withTol(0)).model();
    model.prepare();
    rows = data.values();
    n = data.rows();
    stats = new double[model.statisticsLength()];
  }

  /**
   * The generated pass: nanoseconds per call; divide by the rows (printed by bench/README's
   * command). Chunk by chunk, as a fit calls it: one call over all rows would run the JIT's
   * on-stack-replacement compilation of the loop, which can be slower than the fit's.
   */
  @Benchmark
  public double generated() {
    java.util.Arrays.fill(stats, 0.0);
    for (int from = 0; from < n; from += DataMatrix.CHUNK) {
      model.accumulate(rows, from, Math.min(n, from + DataMatrix.CHUNK), stats);
    }
    return stats[EmModel.LOGLIK];
  }

  /**
   * The same pass over the same number of rows, but over the first 256 again and again: rows
   * that stay in the L1 cache, so what is left is the arithmetic. generated ÷ this is what
   * reading the rows from memory costs.
   */
  @Benchmark
  public double generatedInCache() {
    java.util.Arrays.fill(stats, 0.0);
    for (int from = 0; from + CACHED <= n; from += CACHED) {
      model.accumulate(rows, 0, CACHED, stats);
    }
    return stats[EmModel.LOGLIK];
  }

  /** Workload a's pass by hand, from the same prepared parameters. */
  @Benchmark
  public double handWritten() {
    if (!workload.equals("a")) {
      return 0;
    }
    return HandGmm.pass(model, rows, n, stats);
  }
}
