package dev.emc.bench;

import dev.emc.runtime.FastMath;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The E-step's exp, {@link FastMath#exp} against {@link Math#exp}, in nanoseconds per call over
 * 1024 arguments in [−40, 0] (where lp_k − max falls), all independent so that calls can overlap.
 * The limit of a whole row's arithmetic is {@code PassBenchmark.generatedInCache}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ExpBenchmark {
  private static final int CALLS = 1024;

  private final double[] x = new double[CALLS];

  @Setup
  public void setUp() {
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < CALLS; i++) {
      x[i] = -40 * rng.nextDouble();
    }
  }

  @Benchmark
  @OperationsPerInvocation(CALLS)
  public double fastExp() {
    double sum = 0;
    for (int i = 0; i < CALLS; i++) {
      sum += FastMath.exp(x[i]);
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(CALLS)
  public double mathExp() {
    double sum = 0;
    for (int i = 0; i < CALLS; i++) {
      sum += Math.exp(x[i]);
    }
    return sum;
  }
}
