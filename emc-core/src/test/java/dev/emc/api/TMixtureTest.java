package dev.emc.api;

import static dev.emc.api.Fits.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.data.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.math3.special.Gamma;
import org.apache.commons.numbers.gamma.Digamma;
import org.junit.jupiter.api.Test;

/**
 * Mixtures of multivariate t distributions (examples/t-mixture.model) against Peel and McLachlan's
 * ECM (2000) written out here in its textbook form, the t density by its closed form rather than as
 * emc's scale mixture, and ν's equation solved by bisection rather than Newton's method; against the
 * observed log-likelihood written here, at emc's optimum; and against the Gaussian mixture as ν grows.
 */
class TMixtureTest {
  private static final Path DATA = Path.of("examples/data/t-mixture.csv");
  private static final Path MODEL = Path.of("examples/t-mixture.model");

  private static Compiled compiled(String text) throws Exception {
    return Fits.model(text, Map.of()).bind(Table.read(DATA), BindOptions.defaults()).compile();
  }

  @Test
  void eachIterationIsPeelAndMcLachlansEcm() throws Exception {
    assertStepsAreTheReferences(Files.readString(MODEL), new Reference(Fits.rows(DATA)));
  }

  /** One ν and one Σ shared by the components: their conditions and scatters pooled over them. */
  @Test
  void tiedNuAndCovarianceArePooled() throws Exception {
    String text = Files.readString(MODEL).replace("w ~ Gamma(nu[z] / 2, nu[z] / 2);", "w ~ Gamma(nu / 2, nu / 2);")
        .replace("Sigma[z] / w", "Sigma / w");
    Reference ref = new Reference(Fits.rows(DATA));
    ref.tied = true;
    ref.nu = new double[] {5, 5};
    ref.sigma = new double[][][] {{{1.5, 0.2}, {0.2, 1}}, {{1.5, 0.2}, {0.2, 1}}};
    assertStepsAreTheReferences(text, ref);
  }

  private static void assertStepsAreTheReferences(String text, Reference ref) throws Exception {
    int iterations = 40;
    FitResult r = compiled(text)
        .fit(FitOptions.defaults().withReg(0).withTol(0).withMaxIter(iterations).withStart(ref.params()));
    for (int i = 0; i <= iterations; i++) {
      double ll = ref.logLikelihood();
      assertEquals(ll, r.trace().get(i), 1e-10 * Math.abs(ll), "log-likelihood before M-step " + (i + 1));
      if (i < iterations) {
        ref.step();
      }
    }
    for (String p : new String[] {"phi", "nu", "mu", "Sigma"}) {
      assertClose(ref.params().get(p), r.params().get(p), 1e-10, p);
    }
  }

  @Test
  void theFitIsAMaximumOfTheObservedLikelihood() throws Exception {
    FitResult r = compiled(Files.readString(MODEL)).fit(FitOptions.defaults().withReg(0).withTol(1e-14));
    assertTrue(r.converged());
    for (int i = 1; i < r.trace().size(); i++) {
      assertTrue(r.trace().get(i) >= r.trace().get(i - 1) - 1e-12 * Math.abs(r.trace().get(i)), "iteration " + i);
    }
    Reference at = new Reference(Fits.rows(DATA));
    at.set(r.params());
    double ll = at.logLikelihood();
    assertEquals(ll, r.logLikelihood(), 1e-10 * Math.abs(ll));
    // Each free number, moved a little either way (φ_1 against φ_2, Σ's off-diagonal on both sides):
    // the log-likelihood falls, and the central difference, the gradient, is 0 within its error.
    for (String p : new String[] {"phi", "nu", "mu", "Sigma"}) {
      double[] v = r.params().get(p);
      for (int i = 0; i < v.length; i++) {
        if (p.equals("phi") && i > 0 || p.equals("Sigma") && i % 4 == 2) {
          continue;
        }
        double h = 1e-4 * Math.max(1, Math.abs(v[i]));
        double up = at.moved(p, i, h);
        double down = at.moved(p, i, -h);
        assertTrue(up < ll && down < ll, p + "[" + i + "]: " + up + ", " + ll + ", " + down);
        assertEquals(0, (up - down) / (2 * h), 1e-4 * Math.abs(ll), p + "[" + i + "]'s gradient");
      }
    }
  }

  @Test
  void asNuGrowsTheFitIsTheGaussianMixtures() throws Exception {
    String t = Files.readString(MODEL).replace("w ~ Gamma(nu[z] / 2, nu[z] / 2);", "w ~ Gamma(nu / 2, nu / 2);")
        .replace("K = 2;", "K = 2;\nnu = 1000000;");
    String gmm = "K = 2;\nz ~ Categorical(phi);\nx ~ Normal(mu[z], Sigma[z]);\n";
    FitResult rt = compiled(t).fit(FitOptions.defaults().withReg(0).withTol(1e-13));
    FitResult rg = compiled(gmm).fit(FitOptions.defaults().withReg(0).withTol(1e-13));
    // The t's log-density differs from the normal's by O(D² / ν) per row.
    assertEquals(rg.logLikelihood(), rt.logLikelihood(), 304 * 10.0 / 1e6);
    assertClose(rg.params().get("mu"), rt.params().get("mu"), 1e-3, "mu");
    assertClose(rg.params().get("Sigma"), rt.params().get("Sigma"), 1e-3, "Sigma");
  }

  @Test
  void predictionsAreEachRowsTMixtureDensity() throws Exception {
    double[][] x = Fits.rows(DATA);
    Reference ref = new Reference(x);
    Bound bound = Fits.model(Files.readString(MODEL), Map.of()).bind(Table.read(DATA), BindOptions.defaults());
    dev.emc.runtime.fit.Prediction p = bound.compile().predict(ref.params(), bound.data().orElseThrow());
    for (int n = 0; n < x.length; n++) {
      double a = Math.log(ref.phi[0]) + ref.logT(n, 0);
      double b = Math.log(ref.phi[1]) + ref.logT(n, 1);
      double m = Math.max(a, b);
      assertEquals(m + Math.log(Math.exp(a - m) + Math.exp(b - m)), p.logDensities()[n], 1e-12, "row " + n);
      assertEquals(1 / (1 + Math.exp(b - a)), p.responsibilities(n)[0], 1e-12, "row " + n);
    }
  }

  /** Drawn rows: z, then w ~ Gamma(ν/2, ν/2), then x ~ N(μ, Σ/w), whose covariance is Σ ν/(ν − 2). */
  @Test
  void simulatedRowsHaveTheTsMoments() throws Exception {
    Bound bound = Fits.model(Files.readString(MODEL), Map.of()).bind(Table.read(DATA), BindOptions.defaults());
    Map<String, double[]> params = Map.of("phi", new double[] {0.3, 0.7}, "nu", new double[] {6, 10},
        "mu", new double[] {0, 0, 5, 3}, "Sigma", new double[] {1, 0.5, 0.5, 1.5, 0.8, -0.3, -0.3, 0.6});
    int rows = 200_000;
    Simulation s = bound.simulate(params, rows, 1, 11, java.util.List.of("x1", "x2"));
    double[] nu = params.get("nu");
    for (int k = 0; k < 2; k++) {
      double count = 0;
      double[] mean = new double[2];
      double[] second = new double[4];
      for (int n = 0; n < rows; n++) {
        if ((int) s.latents()[n][0] - 1 != k) {
          continue;
        }
        double[] v = {s.data().values()[2 * n] - params.get("mu")[2 * k], s.data().values()[2 * n + 1]
            - params.get("mu")[2 * k + 1]};
        count++;
        for (int a = 0; a < 2; a++) {
          mean[a] += v[a];
          for (int b = 0; b < 2; b++) {
            second[2 * a + b] += v[a] * v[b];
          }
        }
      }
      assertEquals(params.get("phi")[k], count / rows, 0.005, "phi " + k);
      for (int a = 0; a < 2; a++) {
        assertEquals(0, mean[a] / count, 0.02, "mean " + k);
        for (int b = 0; b < 2; b++) {
          double cov = params.get("Sigma")[4 * k + 2 * a + b] * nu[k] / (nu[k] - 2);
          assertEquals(cov, second[2 * a + b] / count, 0.05, "covariance " + k + " (" + a + ", " + b + ")");
        }
      }
    }
  }

  /**
   * Peel and McLachlan's ECM for a mixture of K = 2 t distributions in 2 dimensions, from their
   * paper's equations: u_nk = (ν_k + D) / (ν_k + δ_nk); μ_k = Σ r u x / Σ r u; Σ_k = Σ r u (x − μ)(x − μ)ᵀ
   * / Σ r; ν_k the root of −ψ(ν/2) + log(ν/2) + 1 + Σ r (ψ((ν_k + D)/2) − log((ν_k + δ)/2) − u) / N_k = 0.
   */
  private static final class Reference {
    static final int K = 2;
    static final int D = 2;
    final double[][] x;
    double[] phi = {0.5, 0.5};
    double[] nu = {8, 3};
    double[][] mu;
    double[][][] sigma = {{{1, 0}, {0, 1}}, {{2, 0.3}, {0.3, 1}}};
    /** One ν and one Σ for both components. */
    boolean tied;

    Reference(double[][] x) {
      this.x = x;
      this.mu = new double[][] {x[0].clone(), x[1].clone()};
    }

    Map<String, double[]> params() {
      Map<String, double[]> p = new LinkedHashMap<>();
      p.put("phi", phi.clone());
      p.put("nu", tied ? new double[] {nu[0]} : nu.clone());
      p.put("mu", new double[] {mu[0][0], mu[0][1], mu[1][0], mu[1][1]});
      double[] s = new double[K * D * D];
      for (int k = 0; k < K; k++) {
        for (int a = 0; a < D; a++) {
          for (int b = 0; b < D; b++) {
            s[k * D * D + a * D + b] = sigma[k][a][b];
          }
        }
      }
      p.put("Sigma", tied ? java.util.Arrays.copyOf(s, D * D) : s);
      return p;
    }

    void set(Map<String, double[]> p) {
      phi = p.get("phi").clone();
      int shared = tied ? 0 : 1;
      nu = new double[] {p.get("nu")[0], p.get("nu")[shared]};
      for (int k = 0; k < K; k++) {
        for (int a = 0; a < D; a++) {
          mu[k][a] = p.get("mu")[k * D + a];
          for (int b = 0; b < D; b++) {
            sigma[k][a][b] = p.get("Sigma")[shared * k * D * D + a * D + b];
          }
        }
      }
    }

    /** The log-likelihood with one number of one parameter moved by h (a symmetric pair for Σ, φ_2 by −h). */
    double moved(String p, int i, double h) {
      Map<String, double[]> before = params();
      Map<String, double[]> q = params();
      q.get(p)[i] += h;
      if (p.equals("phi")) {
        q.get(p)[1 - i] -= h;
      }
      if (p.equals("Sigma") && i % 4 == 1) {
        q.get(p)[i + 1] += h;
      }
      set(q);
      double ll = logLikelihood();
      set(before);
      return ll;
    }

    double delta(int n, int k) {
      double[][] s = sigma[k];
      double det = s[0][0] * s[1][1] - s[0][1] * s[1][0];
      double e0 = x[n][0] - mu[k][0];
      double e1 = x[n][1] - mu[k][1];
      return (s[1][1] * e0 * e0 - 2 * s[0][1] * e0 * e1 + s[0][0] * e1 * e1) / det;
    }

    /** log t_ν(x | μ, Σ), the closed form. */
    double logT(int n, int k) {
      double[][] s = sigma[k];
      double det = s[0][0] * s[1][1] - s[0][1] * s[1][0];
      double v = nu[k];
      return Gamma.logGamma((v + D) / 2) - Gamma.logGamma(v / 2) - D / 2.0 * Math.log(v * Math.PI)
          - 0.5 * Math.log(det) - (v + D) / 2 * Math.log1p(delta(n, k) / v);
    }

    double logLikelihood() {
      double ll = 0;
      for (int n = 0; n < x.length; n++) {
        double a = Math.log(phi[0]) + logT(n, 0);
        double b = Math.log(phi[1]) + logT(n, 1);
        double m = Math.max(a, b);
        ll += m + Math.log(Math.exp(a - m) + Math.exp(b - m));
      }
      return ll;
    }

    void step() {
      int rows = x.length;
      double[][] pooledScatter = new double[D][D];
      double pooledGap = 0;
      double[][] r = new double[rows][K];
      double[][] u = new double[rows][K];
      double[][] logU = new double[rows][K];
      for (int n = 0; n < rows; n++) {
        double a = Math.log(phi[0]) + logT(n, 0);
        double b = Math.log(phi[1]) + logT(n, 1);
        r[n][0] = 1 / (1 + Math.exp(b - a));
        r[n][1] = 1 - r[n][0];
        for (int k = 0; k < K; k++) {
          double d = delta(n, k);
          u[n][k] = (nu[k] + D) / (nu[k] + d);
          logU[n][k] = Digamma.value((nu[k] + D) / 2) - Math.log((nu[k] + d) / 2);
        }
      }
      for (int k = 0; k < K; k++) {
        double nk = 0;
        double su = 0;
        double gap = 0;
        double[] m = new double[D];
        for (int n = 0; n < rows; n++) {
          nk += r[n][k];
          su += r[n][k] * u[n][k];
          gap += r[n][k] * (logU[n][k] - u[n][k]);
          for (int a = 0; a < D; a++) {
            m[a] += r[n][k] * u[n][k] * x[n][a];
          }
        }
        for (int a = 0; a < D; a++) {
          m[a] /= su;
        }
        double[][] s = new double[D][D];
        for (int n = 0; n < rows; n++) {
          for (int a = 0; a < D; a++) {
            for (int b = 0; b < D; b++) {
              s[a][b] += r[n][k] * u[n][k] * (x[n][a] - m[a]) * (x[n][b] - m[b]) / nk;
            }
          }
        }
        phi[k] = nk / rows;
        mu[k] = m;
        sigma[k] = s;
        nu[k] = root(gap / nk);
        pooledGap += gap;
        for (int a = 0; a < D; a++) {
          for (int b = 0; b < D; b++) {
            pooledScatter[a][b] += s[a][b] * nk / rows;
          }
        }
      }
      if (tied) {
        // Σ_k Σ_n r u (x − μ_k)(x − μ_k)ᵀ / N, and ν's condition summed over the components.
        double v = root(pooledGap / rows);
        for (int k = 0; k < K; k++) {
          nu[k] = v;
          sigma[k] = new double[D][D];
          for (int a = 0; a < D; a++) {
            sigma[k][a] = pooledScatter[a].clone();
          }
        }
      }
    }

    /** The root in ν of −ψ(ν/2) + log(ν/2) + 1 + c = 0, by bisection on log ν. */
    static double root(double c) {
      double lo = Math.log(1e-6);
      double hi = Math.log(1e8);
      for (int i = 0; i < 200; i++) {
        double mid = (lo + hi) / 2;
        double v = Math.exp(mid);
        double f = -Digamma.value(v / 2) + Math.log(v / 2) + 1 + c;
        if (f > 0) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      return Math.exp((lo + hi) / 2);
    }
  }
}
