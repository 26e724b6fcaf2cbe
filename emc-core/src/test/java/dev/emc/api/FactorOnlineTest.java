package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Stepwise;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;

/**
 * Stepwise EM for factor models (factor analysis, probabilistic PCA, a mixture of factor
 * analysers), whose statistics the online fit keeps as moments about a fixed shift: against
 * incremental EM written out in the textbook's form, against one iteration of batch EM, and
 * against the batch fit of a large simulated data set.
 */
class FactorOnlineTest {
  private static final Path WINE = Path.of("examples/data/wine.csv");
  private static final Path MFA = Path.of("examples/data/mfa.csv");

  private static Compiled compiled(String model, Path data) throws Exception {
    return Fits.model(Files.readString(Path.of("examples/" + model + ".model")), Map.of())
        .bind(Table.read(data), BindOptions.defaults()).compile();
  }

  /**
   * A start that is not a fixed point: the ordinary start (principal components; for a mixture,
   * k-means clusters), its loadings shrunk and its noise grown, so that every update moves.
   */
  private static Map<String, double[]> start(Compiled c) throws Exception {
    Map<String, double[]> p = new HashMap<>(c.fit(FitOptions.defaults().withMaxIter(0)).params());
    p.put("W", Arrays.stream(p.get("W")).map(v -> 0.7 * v).toArray());
    p.put("Psi", Arrays.stream(p.get("Psi")).map(v -> 1.5 * v).toArray());
    return p;
  }

  /**
   * With γ_t = 1/t and one row per batch, the running statistics are the mean of the rows'
   * expected sufficient statistics, each at the parameters when it came, and the M-step from them
   * is incremental EM's in one pass (Neal and Hinton): {@link Textbook} writes it out, with the
   * D×D covariance inverted directly and raw moments of x and h̃ = (h, 1). The M-step waits for 20
   * rows in both.
   */
  @Test
  void withStepOneOverTAndOneRowPerBatchItIsIncrementalEm() throws Exception {
    for (String[] m : new String[][] {{"factor", WINE.toString()}, {"ppca", WINE.toString()}, {"mfa", MFA.toString()}}) {
      Compiled c = compiled(m[0], Path.of(m[1]));
      double[][] x = Fits.rows(Path.of(m[1]));
      Map<String, double[]> start = start(c);
      int warmup = 20;
      OnlineFit online = c.online(FitOptions.defaults().withReg(0).withStart(start), new Stepwise.Steps(1.0, 0, warmup));
      Textbook ref = new Textbook(start, x[0].length, m[0].equals("ppca"));
      for (int t = 1; t <= x.length; t++) {
        ref.add(x[t - 1], 1.0 / t);
        if (t >= warmup) {
          ref.maximize();
        }
        online.update(new double[][] {x[t - 1]});
        if (t == 50 || t == x.length) {
          Map<String, double[]> now = online.current().params();
          for (var e : ref.params().entrySet()) {
            close(e.getKey(), e.getValue(), now.get(e.getKey()), ref.q, m[0] + " after " + t + " rows");
          }
        }
      }
    }
  }

  /** One batch of every row, from a start, is one iteration of batch EM from it (and the same regularization). */
  @Test
  void oneBatchOfEveryRowIsOneIterationOfBatchEm() throws Exception {
    for (String[] m : new String[][] {{"factor", WINE.toString()}, {"ppca", WINE.toString()}, {"mfa", MFA.toString()}}) {
      Compiled c = compiled(m[0], Path.of(m[1]));
      Map<String, double[]> start = start(c);
      FitResult batch = c.fit(FitOptions.defaults().withStart(start).withMaxIter(1).withTol(0));
      assertEquals(1, batch.iterations(), m[0]);
      OnlineFit online = c.online(FitOptions.defaults().withStart(start), Stepwise.Steps.defaults());
      online.update(Fits.rows(Path.of(m[1])));
      Map<String, double[]> fit = online.current().params();
      for (var e : batch.params().entrySet()) {
        close(e.getKey(), e.getValue(), fit.get(e.getKey()), 2, m[0]);
      }
    }
  }

  /**
   * Within 1e-10 relative; a loading relative to its row of W (a column of x's loadings on the
   * Q factors), whose entries can be far smaller than the others without being any less rounded.
   */
  private static void close(String name, double[] expected, double[] actual, int q, String what) {
    assertEquals(expected.length, actual.length, what + ": " + name);
    for (int j = 0; j < expected.length; j++) {
      double scale = Math.abs(expected[j]);
      if (name.equals("W")) {
        double row = 0;
        for (int a = 0; a < q; a++) {
          row += expected[j / q * q + a] * expected[j / q * q + a];
        }
        scale = Math.sqrt(row);
      }
      assertTrue(Math.abs(expected[j] - actual[j]) <= 1e-10 * scale, what + ": " + name + "[" + j + "] expected "
          + expected[j] + ", found " + actual[j] + " (" + Math.abs(expected[j] - actual[j]) / scale + " of its scale)");
    }
  }

  /**
   * One pass over 200 000 rows drawn from a factor analysis (D = 6, Q = 2), in batches of 1 000
   * with γ_t = t^−0.6, reaches the batch fit of the same rows: its log-likelihood per row within
   * 1e-3, μ, Ψ and WWᵀ (W itself is only determined up to a rotation) within 3 standard errors of
   * the batch fit's. Those are the asymptotic ones at the batch fit: the delta method on the
   * inverse of the expected information of N(μ, Σ(θ)) in θ = (W, Ψ), I_ab = (N/2)
   * tr(Σ⁻¹ ∂_aΣ Σ⁻¹ ∂_bΣ), a pseudo-inverse since W's rotation leaves Σ unchanged (Ψ and WWᵀ are
   * functions of Σ, which the null direction does not move).
   *
   * <p>μ's standard error is √(Σ_ii / N) (μ̂ is the rows' mean). μ is the hardest: with γ_t = t^−α,
   * α &lt; 1, the statistics forget old batches, so the online μ rests on the γ-weighted mean of
   * the rows, batch t weighing ω_t = γ_t Π_{s &gt; t} (1 − γ_s), of variance Σ_ii Σ_t ω_t² / B (B
   * rows a batch), 2.9 times the batch fit's standard error here; and μ follows the factors' mean
   * E[h], which the E-steps of earlier parameters still move. Started, as the command starts, from
   * the first 64Ki rows it lands within 3 (2.4 measured); started from the first batch of 1000, it
   * was 6.5 off.
   */
  @Test
  void onePassOverManyRowsReachesTheBatchFit() throws Exception {
    int rows = 200_000;
    int d = 6;
    int q = 2;
    double[] w = {1.0, 0.0, 0.8, 0.3, 0.6, -0.5, 0.0, 1.2, -0.7, 0.4, 0.5, 0.9};
    double[] psi = {0.3, 0.5, 0.2, 0.4, 0.6, 0.35};
    double[] mu = {10, -5, 3, 0.5, 20, -1};
    double[] values = new double[rows * d];
    SplittableRandom random = new SplittableRandom(19);
    for (int n = 0; n < rows; n++) {
      double h0 = random.nextGaussian();
      double h1 = random.nextGaussian();
      for (int i = 0; i < d; i++) {
        values[n * d + i] = mu[i] + w[i * q] * h0 + w[i * q + 1] * h1 + Math.sqrt(psi[i]) * random.nextGaussian();
      }
    }
    List<String> names = List.of("x1", "x2", "x3", "x4", "x5", "x6");
    Compiled c = Fits.model(Files.readString(Path.of("examples/factor.model")), Map.of())
        .bind(new Table("drawn", names, values, rows, new int[rows]), BindOptions.defaults()).compile();
    FitResult batch = c.fit(FitOptions.defaults().withTol(1e-10));

    Stepwise.Steps steps = new Stepwise.Steps(0.6, 0, 0);
    OnlineFit online = c.online(FitOptions.defaults(), steps);
    online.start(slice(values, names, 0, 1 << 16));  // as `emc fit --online` starts: from its first slab
    int size = 1000;
    int batches = rows / size;
    for (int from = 0; from < rows; from += size) {
      online.update(slice(values, names, from, size));
    }
    double ll = 0;
    for (int from = 0; from < rows; from += size) {
      ll += online.logLikelihood(slice(values, names, from, size));
    }
    FitResult fit = online.current(ll);
    double gap = (batch.logLikelihood() - fit.logLikelihood()) / rows;
    assertTrue(Math.abs(gap) < 1e-3, "log-likelihood per row " + fit.logLikelihood() / rows + " vs the batch fit's "
        + batch.logLikelihood() / rows);

    double[] bw = batch.params().get("W");
    double[] bpsi = batch.params().get("Psi");
    RealMatrix sigma = covariance(bw, bpsi, d, q);
    RealMatrix sigmaInv = new LUDecomposition(sigma).getSolver().getInverse();
    // ∂Σ/∂W_ia = e_i w_aᵀ + w_a e_iᵀ (w_a W's column a); ∂Σ/∂Ψ_i = e_i e_iᵀ.
    int p = d * q + d;
    RealMatrix[] dSigma = new RealMatrix[p];
    for (int i = 0; i < d; i++) {
      for (int a = 0; a < q; a++) {
        RealMatrix m = new Array2DRowRealMatrix(d, d);
        for (int j = 0; j < d; j++) {
          m.addToEntry(i, j, bw[j * q + a]);
          m.addToEntry(j, i, bw[j * q + a]);
        }
        dSigma[i * q + a] = m;
      }
      RealMatrix m = new Array2DRowRealMatrix(d, d);
      m.setEntry(i, i, 1);
      dSigma[d * q + i] = m;
    }
    RealMatrix information = new Array2DRowRealMatrix(p, p);
    for (int a = 0; a < p; a++) {
      for (int b = 0; b < p; b++) {
        information.setEntry(a, b, 0.5 * rows * sigmaInv.multiply(dSigma[a]).multiply(sigmaInv).multiply(dSigma[b]).getTrace());
      }
    }
    RealMatrix covTheta = new SingularValueDecomposition(information).getSolver().getInverse();
    // Σ_t ω_t², with ω_t batch t's weight in the running average after the last batch.
    double squares = 0;
    double later = 1;
    for (int t = batches; t >= 1; t--) {
      double gamma = t == 1 ? 1 : steps.gamma(t);
      squares += Math.pow(gamma * later, 2);
      later *= 1 - gamma;
    }

    double[] ow = fit.params().get("W");
    double worst = 0;
    double worstMu = 0;
    for (int i = 0; i < d; i++) {
      double muBatch = batch.params().get("mu")[i];
      double muOnline = fit.params().get("mu")[i];
      worstMu = Math.max(worstMu, within(muBatch, muOnline, Math.sqrt(sigma.getEntry(i, i) / rows), "mu[" + i + "]"));
      worst = Math.max(worst, within(bpsi[i], fit.params().get("Psi")[i],
          Math.sqrt(covTheta.getEntry(d * q + i, d * q + i)), "Psi[" + i + "]"));
      for (int j = i; j < d; j++) {
        // ∂(WWᵀ)_ij/∂W_ka = δ_ik W_ja + δ_jk W_ia
        RealVector g = new ArrayRealVector(p);
        for (int a = 0; a < q; a++) {
          g.addToEntry(i * q + a, bw[j * q + a]);
          g.addToEntry(j * q + a, bw[i * q + a]);
        }
        worst = Math.max(worst, within(product(bw, i, j, q), product(ow, i, j, q),
            Math.sqrt(g.dotProduct(covTheta.operate(g))), "WWt[" + i + "][" + j + "]"));
      }
    }
    System.out.printf("factor online, %d rows in batches of %d, step t^-0.6: log-likelihood per row %.2e below the"
        + " batch fit's; Psi and WWt at most %.2f standard errors from it, mu %.2f (%.2f of the running average's)%n",
        rows, size, gap, worst, worstMu, worstMu * Math.sqrt(size / (rows * squares)));
  }

  private static double product(double[] w, int i, int j, int q) {
    double s = 0;
    for (int a = 0; a < q; a++) {
      s += w[i * q + a] * w[j * q + a];
    }
    return s;
  }

  private static RealMatrix covariance(double[] w, double[] psi, int d, int q) {
    RealMatrix sigma = new Array2DRowRealMatrix(d, d);
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        sigma.setEntry(i, j, product(w, i, j, q) + (i == j ? psi[i] : 0));
      }
    }
    return sigma;
  }

  /** How many standard errors apart, failing beyond 3. */
  private static double within(double batch, double online, double se, String what) {
    double apart = Math.abs(batch - online) / se;
    assertTrue(apart <= 3, what + ": online " + online + ", batch " + batch + ", standard error " + se
        + " (" + apart + " of them apart)");
    return apart;
  }

  private static DataMatrix slice(double[] values, List<String> names, int from, int size) {
    int d = names.size();
    return new DataMatrix("drawn", names, Arrays.copyOfRange(values, from * d, (from + size) * d), size, d, null);
  }

  /**
   * Incremental EM for K factor analysers (K = 1: factor analysis; one noise variance: PPCA) in
   * the textbook's form (Ghahramani &amp; Hinton 1996): r_k ∝ φ_k N(x; μ_k, W_kW_kᵀ + Ψ_k), β_k =
   * W_kᵀ(W_kW_kᵀ + Ψ_k)⁻¹, E[h | x, k] = β_k(x − μ_k), E[hhᵀ | x, k] = I − β_kW_k + E[h]E[h]ᵀ;
   * running means of r_k, r_k x h̃ᵀ, r_k E[h̃h̃ᵀ], r_k x_i²; then [W_k μ_k] = (Σ r_k x E[h̃]ᵀ)
   * (Σ r_k E[h̃h̃ᵀ])⁻¹, Ψ_k,i = (Σ r_k x_i² − [W_k μ_k]_i Σ r_k E[h̃] x_i) / N_k, φ_k = N_k / N.
   * x is taken about a fixed c, the start's first mean, for rounding's sake only: a wine column's
   * mean square is 10⁴ times its noise.
   */
  private static final class Textbook {
    final int k;
    final int d;
    final int q;
    final boolean spherical;
    final double[] phi;
    final RealMatrix[] w;
    final RealVector[] mu;
    final double[][] psi;
    final double[] n;
    final RealMatrix[] xh;
    final RealMatrix[] hh;
    final double[][] xx;
    final RealVector c;

    Textbook(Map<String, double[]> start, int d, boolean spherical) {
      this.d = d;
      this.k = start.get("mu").length / d;
      this.q = start.get("W").length / (k * d);
      this.spherical = spherical;
      this.c = new ArrayRealVector(Arrays.copyOf(start.get("mu"), d));
      phi = start.containsKey("phi") ? start.get("phi").clone() : new double[] {1.0};
      w = new RealMatrix[k];
      mu = new RealVector[k];
      psi = new double[k][d];
      n = new double[k];
      xh = new RealMatrix[k];
      hh = new RealMatrix[k];
      xx = new double[k][d];
      for (int c = 0; c < k; c++) {
        w[c] = new Array2DRowRealMatrix(d, q);
        for (int i = 0; i < d; i++) {
          for (int a = 0; a < q; a++) {
            w[c].setEntry(i, a, start.get("W")[(c * d + i) * q + a]);
          }
          psi[c][i] = spherical ? start.get("Psi")[0] : start.get("Psi")[c * d + i];
        }
        mu[c] = new ArrayRealVector(Arrays.copyOfRange(start.get("mu"), c * d, (c + 1) * d)).subtract(this.c);
        xh[c] = new Array2DRowRealMatrix(d, q + 1);
        hh[c] = new Array2DRowRealMatrix(q + 1, q + 1);
      }
    }

    /** s ← (1 − γ) s + γ ŝ(x): the row's expected statistics at the current parameters. */
    void add(double[] row, double gamma) {
      RealVector x = new ArrayRealVector(row).subtract(c);
      double[] logp = new double[k];
      RealVector[] m = new RealVector[k];
      RealMatrix[] v = new RealMatrix[k];
      for (int c = 0; c < k; c++) {
        RealMatrix cov = w[c].multiply(w[c].transpose()).add(MatrixUtils.createRealDiagonalMatrix(psi[c]));
        LUDecomposition lu = new LUDecomposition(cov);
        RealMatrix beta = w[c].transpose().multiply(lu.getSolver().getInverse());
        RealVector e = x.subtract(mu[c]);
        m[c] = beta.operate(e);
        v[c] = MatrixUtils.createRealIdentityMatrix(q).subtract(beta.multiply(w[c]));
        logp[c] = Math.log(phi[c]) - 0.5 * (d * Math.log(2 * Math.PI) + Math.log(lu.getDeterminant())
            + e.dotProduct(lu.getSolver().solve(e)));
      }
      double max = Arrays.stream(logp).max().orElseThrow();
      double sum = Arrays.stream(logp).map(l -> Math.exp(l - max)).sum();
      for (int c = 0; c < k; c++) {
        double r = Math.exp(logp[c] - max) / sum;
        RealVector aug = m[c].append(1.0);
        RealMatrix second = aug.outerProduct(aug);
        second.setSubMatrix(v[c].add(m[c].outerProduct(m[c])).getData(), 0, 0);
        n[c] = (1 - gamma) * n[c] + gamma * r;
        xh[c] = xh[c].scalarMultiply(1 - gamma).add(x.outerProduct(aug).scalarMultiply(gamma * r));
        hh[c] = hh[c].scalarMultiply(1 - gamma).add(second.scalarMultiply(gamma * r));
        for (int i = 0; i < d; i++) {
          xx[c][i] = (1 - gamma) * xx[c][i] + gamma * r * x.getEntry(i) * x.getEntry(i);
        }
      }
    }

    void maximize() {
      double all = Arrays.stream(n).sum();
      for (int c = 0; c < k; c++) {
        RealMatrix wmu = xh[c].multiply(new LUDecomposition(hh[c]).getSolver().getInverse());
        w[c] = wmu.getSubMatrix(0, d - 1, 0, q - 1);
        mu[c] = wmu.getColumnVector(q);
        double total = 0;
        for (int i = 0; i < d; i++) {
          psi[c][i] = (xx[c][i] - wmu.getRowVector(i).dotProduct(xh[c].getRowVector(i))) / n[c];
          total += psi[c][i];
        }
        if (spherical) {
          Arrays.fill(psi[c], total / d);
        }
        phi[c] = n[c] / all;
      }
    }

    Map<String, double[]> params() {
      double[] fw = new double[k * d * q];
      double[] fmu = new double[k * d];
      double[] fpsi = new double[spherical ? 1 : k * d];
      for (int c = 0; c < k; c++) {
        for (int i = 0; i < d; i++) {
          for (int a = 0; a < q; a++) {
            fw[(c * d + i) * q + a] = w[c].getEntry(i, a);
          }
          fmu[c * d + i] = this.c.getEntry(i) + mu[c].getEntry(i);
          if (!spherical) {
            fpsi[c * d + i] = psi[c][i];
          }
        }
      }
      if (spherical) {
        fpsi[0] = psi[0][0];
      }
      Map<String, double[]> p = new HashMap<>(Map.of("W", fw, "mu", fmu, "Psi", fpsi));
      if (k > 1) {
        p.put("phi", phi.clone());
      }
      return p;
    }
  }
}
