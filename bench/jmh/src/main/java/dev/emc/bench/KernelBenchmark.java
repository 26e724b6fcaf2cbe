package dev.emc.bench;

import dev.emc.runtime.Linalg;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload b's two dense steps on its shapes (D = 30, K = 30, a block of 128 rows, as the pass), for all K
 * components: the quadratic forms, squared norms of the block against each component's Cholesky
 * factor L solved (TRSM-like, about K·n·D² flops) or multiplied by L⁻¹ (TRMM-like, as
 * BlockKernels), and the weighted scatter S_k += X_bᵀ diag(r_k) X_b,
 * lower triangle (SYRK-like, K·n·D(D+1) flops). Each three ways: as the pass did it before
 * ("today"); runtime.BlockKernels, with the Vector API ({@code -jvmArgsAppend -Demc.vector=false}
 * for its plain loops), the scatter twice: {@code scatterLower} over rows, as before the rows went
 * into vector lanes, and {@code products} over the transposed block, as now; and
 * dev.ludovic.netlib's dtrsm/dsyrk (OpenBLAS through JNI when the OS has it: {@code apt-get install
 * libopenblas0}; run with OPENBLAS_NUM_THREADS=1).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class KernelBenchmark {
  static final int D = 30, K = 30, N = 128, DP = 32;

  double[] chol = new double[K * D * D];
  double[] inverse = new double[K * D * D];
  double[] data = new double[N * D];
  double[] mu = new double[K * D];
  double[] resp = new double[N * K];
  double[][] v = new double[D][N];
  double[] q = new double[N];
  double[][] sRows = new double[K * D][DP];
  double[] xc = new double[N * DP];
  double[] w = new double[N * DP];

  @Setup
  public void setUp() {
    Random rnd = new Random(1);
    for (int k = 0; k < K; k++) {
      double[] a = new double[D * D];
      double[] g = new double[D * D];
      for (int i = 0; i < D * D; i++) {
        g[i] = rnd.nextGaussian();
      }
      for (int i = 0; i < D; i++) {
        for (int j = 0; j < D; j++) {
          double s = i == j ? D : 0;
          for (int m = 0; m < D; m++) {
            s += g[i * D + m] * g[j * D + m];
          }
          a[i * D + j] = s;
        }
      }
      Linalg.cholesky(a, 0, D, chol, k * D * D);
      Linalg.invertLower(chol, k * D * D, D, inverse, k * D * D);
    }
    for (int i = 0; i < data.length; i++) {
      data[i] = rnd.nextGaussian();
    }
    for (int i = 0; i < mu.length; i++) {
      mu[i] = 0.1 * rnd.nextGaussian();
    }
    for (int i = 0; i < resp.length; i++) {
      resp[i] = rnd.nextDouble();
    }
    transpose();
  }

  private void center(int k) {
    for (int i = 0; i < D; i++) {
      for (int b = 0; b < N; b++) {
        v[i][b] = data[b * D + i] - mu[k * D + i];
      }
    }
  }

  // ---- TRSM with squares -------------------------------------------------------------------

  /** The substitution as the pass did it before the block kernels: a loop over columns per step. */
  static void forwardSquaresToday(double[] l, int base, int d, double[][] v, int n, double[] q) {
    for (int i = 0; i < d; i++) {
      final double inv = 1.0 / l[base + i * d + i];
      final double[] vi = v[i];
      for (int b = 0; b < n; b++) {
        final double t = vi[b] * inv;
        vi[b] = t;
        q[b] += t * t;
      }
      for (int j = i + 1; j < d; j++) {
        final double lji = l[base + j * d + i];
        final double[] vj = v[j];
        for (int b = 0; b < n; b++) {
          vj[b] -= lji * vi[b];
        }
      }
    }
  }

  @Benchmark
  public double trsmToday() {
    double s = 0;
    for (int k = 0; k < K; k++) {
      center(k);
      java.util.Arrays.fill(q, 0);
      forwardSquaresToday(chol, k * D * D, D, v, N, q);
      s += q[0];
    }
    return s;
  }

  // ---- weighted SYRK ------------------------------------------------------------------------

  /** Today's generated collect: a rank-1 update per row and component. */
  @Benchmark
  public double syrkToday() {
    for (int k = 0; k < K; k++) {
      for (int n = 0; n < N; n++) {
        final double rk = resp[n * K + k];
        final int row = n * D;
        final double[] dv1 = new double[D];
        for (int i2 = 0; i2 < D; i2++) {
          dv1[i2] = data[row + i2] - mu[k * D + i2];
        }
        for (int i3 = 0; i3 < D; i3++) {
          final double a = rk * dv1[i3];
          final double[] s = sRows[k * D + i3];
          for (int i4 = 0; i4 < i3 + 1; i4++) {
            s[i4] += a * dv1[i4];
          }
        }
      }
    }
    return sRows[5][3];
  }

  private void centerRows(int k) {
    for (int n = 0; n < N; n++) {
      final double rk = resp[n * K + k];
      for (int j = 0; j < D; j++) {
        final double x = data[n * D + j] - mu[k * D + j];
        xc[n * DP + j] = x;
        w[n * DP + j] = rk * x;
      }
    }
  }

  // ---- dev.ludovic.netlib (native BLAS when the OS has one, else its Java kernels) ------------

  private static final dev.ludovic.netlib.blas.BLAS BLAS = dev.ludovic.netlib.blas.BLAS.getInstance();
  private final double[] colMajor = new double[N * D];
  private final double[] sFlat = new double[K * D * D];

  /** dtrsm of the block's rows (D × n column-major: row b's values contiguous) by L, then the squares. */
  @Benchmark
  public double trsmNetlib() {
    double s = 0;
    for (int k = 0; k < K; k++) {
      for (int b = 0; b < N; b++) {
        for (int i = 0; i < D; i++) {
          colMajor[b * D + i] = data[b * D + i] - mu[k * D + i];
        }
      }
      // Row-major L is column-major Lᵀ (upper): solve L y = x as Lᵀᵀ.
      BLAS.dtrsm("L", "U", "T", "N", D, N, 1.0, chol, k * D * D, D, colMajor, 0, D);
      for (int b = 0; b < N; b++) {
        double t = 0;
        for (int i = 0; i < D; i++) {
          t += colMajor[b * D + i] * colMajor[b * D + i];
        }
        q[b] = t;
      }
      s += q[0];
    }
    return s;
  }

  /** dsyrk of the rows scaled by √r (so that the update is weighted by r). */
  @Benchmark
  public double syrkNetlib() {
    for (int k = 0; k < K; k++) {
      for (int b = 0; b < N; b++) {
        final double sr = Math.sqrt(resp[b * K + k]);
        for (int i = 0; i < D; i++) {
          colMajor[b * D + i] = sr * (data[b * D + i] - mu[k * D + i]);
        }
      }
      BLAS.dsyrk("U", "N", D, N, 1.0, colMajor, 0, D, 1.0, sFlat, k * D * D, D);
    }
    return sFlat[5];
  }

  // ---- the runtime's BlockKernels (Vector API when the JVM has it; emc.vector=false: plain) ----

  private final double[] flat = new double[D * N];
  private final double[] sPadded = new double[K * D * DP];

  /**
   * The forms as the pass now computes them: ‖L⁻¹(x − μ)‖² with L⁻¹ from prepare() (TRMM-like), over
   * the transposed block, μ subtracted as the kernel reads it.
   */
  @Benchmark
  public double trmmBlockKernels() {
    double s = 0;
    for (int k = 0; k < K; k++) {
      java.util.Arrays.fill(q, 0);
      dev.emc.runtime.BlockKernels.inverseSquares(inverse, k * D * D, D, blockCols, mu, k * D, N, N, q, flat);
      s += q[0];
    }
    return s;
  }

  private final double[] blockCols = new double[D * N];
  private final double[] respCols = new double[K * N];
  private final double[] firstLanes = new double[K * D * dev.emc.runtime.BlockKernels.lanes()];
  private final double[] lanes = new double[K * D * (D + 1) / 2 * dev.emc.runtime.BlockKernels.lanes()];
  private final double[] scratch = new double[(D + 1) * N];

  /**
   * The scatter as the pass now does it: the block transposed (a row of N per element, as the E-step
   * left it) and the sums kept per lane, {@code products}' tiles of 4 × 4 entries, with Σ r (x − μ).
   */
  @Benchmark
  public double syrkProducts() {
    for (int k = 0; k < K; k++) {
      dev.emc.runtime.BlockKernels.products(blockCols, N, N, D, mu, k * D, respCols, k * N, firstLanes, k * D,
          lanes, k * (D * (D + 1) / 2), scratch);
    }
    return lanes[5];
  }

  /** The block and the responsibilities as the pass holds them: a row of N per element or component. */
  private void transpose() {
    for (int b = 0; b < N; b++) {
      for (int i = 0; i < D; i++) {
        blockCols[i * N + b] = data[b * D + i];
      }
      for (int k = 0; k < K; k++) {
        respCols[k * N + b] = resp[b * K + k];
      }
    }
  }

  @Benchmark
  public double syrkBlockKernels() {
    for (int k = 0; k < K; k++) {
      centerRows(k);
      dev.emc.runtime.BlockKernels.scatterLower(xc, w, N, D, DP, sPadded, k * D * DP);
    }
    return sPadded[5];
  }
}
