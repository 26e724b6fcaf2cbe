package dev.emc.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's double-precision peak, the yardstick for "% of peak": multiply-adds on twelve
 * independent chains (more than the FMA latency times the FMA units, so the units never wait), in
 * floating-point operations per second (an FMA is two). Run with {@code -t 1} and {@code -t 2}
 * for one core and both.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class PeakBenchmark {
  // Constants, so that the JIT compiles the vectors to registers (a species it cannot see
  // through boxes every vector).
  private static final VectorSpecies<Double> S256 = DoubleVector.SPECIES_256;
  private static final VectorSpecies<Double> S512 = DoubleVector.SPECIES_512;
  private static final int ROUNDS = 1 << 16;
  private static final int CHAINS = 12;

  // Fields, so that the JIT cannot fold the arithmetic away.
  public double a = 0.999999, b = 1e-9;

  /** Scalar Math.fma, twelve chains. */
  @Benchmark
  @OperationsPerInvocation(2 * CHAINS * ROUNDS)
  public double scalarFma() {
    double c0 = 0, c1 = 1, c2 = 2, c3 = 3, c4 = 4, c5 = 5, c6 = 6, c7 = 7, c8 = 8, c9 = 9, c10 = 10,
        c11 = 11;
    final double x = a, y = b;
    for (int r = 0; r < ROUNDS; r++) {
      c0 = Math.fma(c0, x, y); c1 = Math.fma(c1, x, y); c2 = Math.fma(c2, x, y);
      c3 = Math.fma(c3, x, y); c4 = Math.fma(c4, x, y); c5 = Math.fma(c5, x, y);
      c6 = Math.fma(c6, x, y); c7 = Math.fma(c7, x, y); c8 = Math.fma(c8, x, y);
      c9 = Math.fma(c9, x, y); c10 = Math.fma(c10, x, y); c11 = Math.fma(c11, x, y);
    }
    return c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
  }

  /** DoubleVector.fma on 4 lanes (256 bits, AVX2), twelve chains. */
  @Benchmark
  @OperationsPerInvocation(2 * CHAINS * ROUNDS * 4)
  public double vector256Fma() {
    return chains256(a, b);
  }

  /** DoubleVector.fma on 8 lanes (512 bits, AVX-512), twelve chains. */
  @Benchmark
  @OperationsPerInvocation(2 * CHAINS * ROUNDS * 8)
  public double vector512Fma() {
    return chains512(a, b);
  }

  private static double chains256(double a, double b) {
    DoubleVector c0 = DoubleVector.broadcast(S256, 0), c1 = DoubleVector.broadcast(S256, 1),
        c2 = DoubleVector.broadcast(S256, 2), c3 = DoubleVector.broadcast(S256, 3),
        c4 = DoubleVector.broadcast(S256, 4), c5 = DoubleVector.broadcast(S256, 5),
        c6 = DoubleVector.broadcast(S256, 6), c7 = DoubleVector.broadcast(S256, 7),
        c8 = DoubleVector.broadcast(S256, 8), c9 = DoubleVector.broadcast(S256, 9),
        c10 = DoubleVector.broadcast(S256, 10), c11 = DoubleVector.broadcast(S256, 11);
    final DoubleVector x = DoubleVector.broadcast(S256, a), y = DoubleVector.broadcast(S256, b);
    for (int r = 0; r < ROUNDS; r++) {
      c0 = c0.fma(x, y); c1 = c1.fma(x, y); c2 = c2.fma(x, y); c3 = c3.fma(x, y);
      c4 = c4.fma(x, y); c5 = c5.fma(x, y); c6 = c6.fma(x, y); c7 = c7.fma(x, y);
      c8 = c8.fma(x, y); c9 = c9.fma(x, y); c10 = c10.fma(x, y); c11 = c11.fma(x, y);
    }
    return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10)
        .add(c11).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }

  private static double chains512(double a, double b) {
    DoubleVector c0 = DoubleVector.broadcast(S512, 0), c1 = DoubleVector.broadcast(S512, 1),
        c2 = DoubleVector.broadcast(S512, 2), c3 = DoubleVector.broadcast(S512, 3),
        c4 = DoubleVector.broadcast(S512, 4), c5 = DoubleVector.broadcast(S512, 5),
        c6 = DoubleVector.broadcast(S512, 6), c7 = DoubleVector.broadcast(S512, 7),
        c8 = DoubleVector.broadcast(S512, 8), c9 = DoubleVector.broadcast(S512, 9),
        c10 = DoubleVector.broadcast(S512, 10), c11 = DoubleVector.broadcast(S512, 11);
    final DoubleVector x = DoubleVector.broadcast(S512, a), y = DoubleVector.broadcast(S512, b);
    for (int r = 0; r < ROUNDS; r++) {
      c0 = c0.fma(x, y); c1 = c1.fma(x, y); c2 = c2.fma(x, y); c3 = c3.fma(x, y);
      c4 = c4.fma(x, y); c5 = c5.fma(x, y); c6 = c6.fma(x, y); c7 = c7.fma(x, y);
      c8 = c8.fma(x, y); c9 = c9.fma(x, y); c10 = c10.fma(x, y); c11 = c11.fma(x, y);
    }
    return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10)
        .add(c11).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }
}
