package dev.emc.bench;

import dev.emc.runtime.BlockKernels;
import java.util.Random;
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
 * The row-lane kernels of a Gaussian mixture's E-step on one block of 128 rows (the pass's), for all K
 * components, on workload c's shapes (D = 10, K = 5) and a's (D = 2, K = 2): the diagonal
 * quadratic forms, the normalization with its exps (e^x in vector lanes), and the weighted first
 * and second moments. With the Vector API (the fork's flag); {@code -jvmArgsAppend
 * -Demc.vector=false} gives their plain loops. Per block; divide by 64 for a row.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class LaneBenchmark {
  static final int N = 128;

  @Param({"10,5", "2,2"})
  public String shape;

  int d;
  int k;
  double[] cols;
  double[] mu;
  double[] inv;
  double[] lp;
  double[] work;
  double[] q;
  double[] first;
  double[] second;

  @Setup
  public void setUp() {
    d = Integer.parseInt(shape.split(",")[0]);
    k = Integer.parseInt(shape.split(",")[1]);
    Random rnd = new Random(1);
    cols = new double[d * N];
    for (int i = 0; i < cols.length; i++) {
      cols[i] = 3 * rnd.nextGaussian();
    }
    mu = new double[k * d];
    inv = new double[k * d];
    for (int i = 0; i < k * d; i++) {
      mu[i] = rnd.nextGaussian();
      inv[i] = 0.5 + rnd.nextDouble();
    }
    lp = new double[(k + 3) * N];
    for (int i = 0; i < k * N; i++) {
      lp[i] = -20 * rnd.nextDouble();
    }
    work = lp.clone();
    q = new double[N];
    first = new double[k * d * BlockKernels.lanes()];
    second = new double[k * d * BlockKernels.lanes()];
  }

  @Benchmark
  public double diagonalSquares() {
    for (int c = 0; c < k; c++) {
      BlockKernels.diagonalSquares(cols, N, N, d, mu, c * d, inv, c * d, q);
    }
    return q[3];
  }

  @Benchmark
  public double responsibilities() {
    System.arraycopy(lp, 0, work, 0, k * N);
    return BlockKernels.responsibilities(work, N, k, N);
  }

  @Benchmark
  public double moments() {
    for (int c = 0; c < k; c++) {
      BlockKernels.moments(cols, N, N, d, mu, c * d, lp, c * N, first, c * d, second, c * d);
    }
    return first[1] + second[2];
  }
}
