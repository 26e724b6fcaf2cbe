package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Information;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;
import org.apache.commons.numbers.gamma.LogGamma;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analytic standard errors (Louis' identity over the generated scores) against the inverse of
 * a finite-difference Hessian of the observed log-likelihood, which each test writes itself from
 * the textbook densities, in the same free coordinates: a simplex's first K − 1 entries (the last
 * is 1 minus their sum; each row of a transition matrix is one), every other number as stored;
 * the finite-difference covariance is mapped to every stored number as the free coordinates move
 * them, and compared there. With a prior the fit is the posterior's mode, and the test differences
 * the log posterior (log-likelihood plus log prior). Central differences of steps 1e-3 of each
 * number's size (of a simplex entry's or its last entry's, whichever is nearer 0) have a
 * truncation error of about 1e-6 relative, so the two must
 * agree to 1e-4. For a hidden Markov model the rows are not independent and the test's
 * log-likelihood is its own forward recursion over each sequence.
 */
class InformationTest {
  private static final double TOL = 1e-4;

  /** A Poisson mixture's log φ_k + log Poisson(x | λ_k). */
  private static final Joint POISSON = (p, x) -> {
    double[] phi = p.get("phi");
    double[] lambda = p.get("lambda");
    double[] lp = new double[phi.length];
    for (int k = 0; k < phi.length; k++) {
      lp[k] = Math.log(phi[k]) + x[0] * Math.log(lambda[k]) - lambda[k] - logFactorial(x[0]);
    }
    return lp;
  };

  @Test
  void poissonMixture() throws Exception {
    check("examples/poisson.model", "examples/data/poisson.csv", POISSON);
  }

  /** A gamma shape's Hessian reads ψ′, the derivative of the ψ in its score. */
  @Test
  void gammaMixture() throws Exception {
    check("examples/gamma.model", "examples/data/gamma.csv", (p, x) -> {
      double[] phi = p.get("phi");
      double[] lp = new double[phi.length];
      for (int k = 0; k < phi.length; k++) {
        double a = p.get("shape")[k];
        double b = p.get("rate")[k];
        lp[k] = Math.log(phi[k]) + a * Math.log(b) - org.apache.commons.numbers.gamma.LogGamma.value(a)
            + (a - 1) * Math.log(x[0]) - b * x[0];
      }
      return lp;
    });
  }

  @Test
  void univariateNormalMixture() throws Exception {
    check("examples/waiting.model", "examples/data/faithful.csv", (p, x) -> {
      double[] phi = p.get("phi");
      double[] lp = new double[phi.length];
      for (int k = 0; k < phi.length; k++) {
        lp[k] = Math.log(phi[k]) + normal(x[0], p.get("mu")[k], p.get("s2")[k]);
      }
      return lp;
    });
  }

  @Test
  void diagonalGaussianMixture() throws Exception {
    check("examples/gmm-diagonal.model", "examples/data/faithful.csv", (p, x) -> {
      double[] phi = p.get("phi");
      double[] lp = new double[phi.length];
      for (int k = 0; k < phi.length; k++) {
        lp[k] = Math.log(phi[k]);
        for (int d = 0; d < 2; d++) {
          lp[k] += normal(x[d], p.get("mu")[k * 2 + d], p.get("Sigma")[k * 2 + d]);
        }
      }
      return lp;
    });
  }

  /** The reference fit: Old Faithful, two components with full covariances. */
  @Test
  void fullCovarianceGaussianMixture() throws Exception {
    check("examples/gmm.model", "examples/data/faithful.csv", (p, x) -> {
      double[] phi = p.get("phi");
      double[] lp = new double[phi.length];
      for (int k = 0; k < phi.length; k++) {
        double[] s = java.util.Arrays.copyOfRange(p.get("Sigma"), k * 4, k * 4 + 4);
        double det = s[0] * s[3] - s[1] * s[2];
        double a = x[0] - p.get("mu")[k * 2];
        double b = x[1] - p.get("mu")[k * 2 + 1];
        // (a b) Σ⁻¹ (a b)ᵀ with Σ⁻¹ = [s3 −s1; −s2 s0] / det
        double q = (a * a * s[3] - a * b * (s[1] + s[2]) + b * b * s[0]) / det;
        lp[k] = Math.log(phi[k]) - 0.5 * (2 * Math.log(2 * Math.PI) + Math.log(det) + q);
      }
      return lp;
    });
  }

  @Test
  void regressionMixture() throws Exception {
    check("examples/regression.model", "examples/data/regression.csv", (p, x) -> {
      double[] phi = p.get("phi");
      double[] lp = new double[phi.length];
      for (int k = 0; k < phi.length; k++) {
        double mean = p.get("beta")[k * 2] * x[1] + p.get("beta")[k * 2 + 1] * x[2];
        lp[k] = Math.log(phi[k]) + normal(x[0], mean, p.get("s2")[k]);
      }
      return lp;
    });
  }

  /**
   * Latent class analysis: each answer looks up its component's probability table, log ta_k[a_n],
   * whose score by ta_k[j] is [a_n = j] / ta_k[j]. The fit puts tb[1][4] at 8e-8, on its way to
   * the edge, where central differences of ℓ lose their digits (ℓ'' ≈ 1e9 there); Louis' identity
   * is −∇²ℓ at any θ, so the check is at the fit with tb[1] mixed 3% toward the uniform.
   */
  @Test
  void latentClassAnalysis() throws Exception {
    check("examples/survey.model", "examples/data/survey.csv", BindOptions.defaults(), Set.of(), p -> {
      double[] tb = p.get("tb");
      for (int j = 0; j < 4; j++) {
        tb[j] = 0.97 * tb[j] + 0.03 * 0.25;
      }
      return p;
    }, (p, data) -> logLikelihood((q, x) -> {
      double[] phi = q.get("phi");
      double[] lp = new double[phi.length];
      for (int k = 0; k < phi.length; k++) {
        lp[k] = Math.log(phi[k]) + Math.log(q.get("ta")[k * 3 + (int) x[0] - 1])
            + Math.log(q.get("tb")[k * 4 + (int) x[1] - 1]) + Math.log(q.get("tc")[k * 2 + (int) x[2] - 1]);
      }
      return lp;
    }, p, data));
  }

  /**
   * A mixture of experts: the weights are softmax(G u_n), which a common shift of G's rows does
   * not change, so G's free coordinates are its first K − 1 rows and its stored rows are centred.
   */
  @Test
  void mixtureOfExperts() throws Exception {
    check("examples/experts.model", "examples/data/experts.csv", BindOptions.defaults(), Set.of("G"), p -> p,
        experts());
  }

  /** log softmax_k(G u_n) + log 𝒩(y_n | β_kᵀu_n, s2_k), u_n = (one, t). */
  private static LogLikelihood experts() {
    return (p, data) -> logLikelihood((q, x) -> {
      double[] g = q.get("G");
      double[] beta = q.get("beta");
      int k = q.get("s2").length;
      double[] eta = new double[k];
      for (int c = 0; c < k; c++) {
        eta[c] = g[c * 2] * x[1] + g[c * 2 + 1] * x[2];
      }
      double norm = logSumExp(eta);
      double[] lp = new double[k];
      for (int c = 0; c < k; c++) {
        lp[c] = eta[c] - norm + normal(x[0], beta[c * 2] * x[1] + beta[c * 2 + 1] * x[2], q.get("s2")[c]);
      }
      return lp;
    }, p, data);
  }

  /**
   * Three experts, where the centring is not a sign flip as at K = 2: 900 rows drawn here from
   * gate rows (0.5, 1.5), (0.5, −1.5), (0, 0) and lines (1, 2), (3, −1), (−2, 0.5), noise variance
   * 0.3, t uniform on (−3, 3).
   */
  @Test
  void mixtureOfThreeExperts(@TempDir Path dir) throws Exception {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
    double[][] gate = {{0.5, 1.5}, {0.5, -1.5}, {0, 0}};
    double[][] line = {{1, 2}, {3, -1}, {-2, 0.5}};
    StringBuilder csv = new StringBuilder("y,one,t\n");
    for (int n = 0; n < 900; n++) {
      double t = rng.nextDouble(-3, 3);
      double[] eta = new double[3];
      for (int k = 0; k < 3; k++) {
        eta[k] = gate[k][0] + gate[k][1] * t;
      }
      double u = rng.nextDouble();
      double norm = logSumExp(eta);
      int z = 0;
      for (double cum = Math.exp(eta[0] - norm); z < 2 && u >= cum; cum += Math.exp(eta[z] - norm)) {
        z++;
      }
      // a normal draw by Box-Muller
      double e = Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
      csv.append(line[z][0] + line[z][1] * t + Math.sqrt(0.3) * e).append(",1,").append(t).append('\n');
    }
    Path data = dir.resolve("experts3.csv");
    Path model = dir.resolve("experts3.model");
    Files.writeString(data, csv);
    Files.writeString(model, Files.readString(Path.of("examples/experts.model")).replace("K = 2;", "K = 3;"));
    check(model.toString(), data.toString(), BindOptions.defaults(), Set.of("G"), p -> p, experts());
  }

  /**
   * The experts' fit with every row of the gate shifted by 1000 in the intercept: the weights
   * softmax(G u_n) are the same, but each exp(G_kᵀu_n) overflows a double. The softmax is taken
   * with the largest score subtracted, so the standard errors are those at the fit.
   */
  @Test
  void aShiftedGateGivesTheSameStandardErrors() throws Exception {
    Bound bound = Fits.model(Files.readString(Path.of("examples/experts.model")), Map.of())
        .bind(Table.read(Path.of("examples/data/experts.csv")), BindOptions.defaults());
    Compiled compiled = bound.compile();
    FitResult fit = compiled.fit(FitOptions.defaults().withThreads(1).withSeed(1));
    Map<String, double[]> params = new LinkedHashMap<>();
    fit.params().forEach((k, v) -> params.put(k, v.clone()));
    double[] g = params.get("G");
    g[0] += 1000;
    g[2] += 1000;
    Information shifted = Information.of(compiled.newModel(), params, bound.data().orElseThrow());
    Information atFit = Information.of(compiled.newModel(), fit.params(), bound.data().orElseThrow());
    assertTrue(shifted.warnings().isEmpty(), shifted.warnings().toString());
    for (String p : List.of("G", "beta", "s2")) {
      double[] a = atFit.standardErrors().get(p);
      double[] b = shifted.standardErrors().get(p);
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i], b[i], 1e-9 * a[i], p + "[" + i + "]");
      }
    }
  }

  /**
   * MAP-EM with a Dirichlet(2) prior on φ and a Gamma(2, rate 0.5) prior on each λ_k: the
   * standard errors are the posterior's normal approximation at the mode, the inverse of minus
   * the Hessian of the log posterior, which the test differences as log-likelihood plus log prior.
   */
  @Test
  void poissonMixtureWithPriors() throws Exception {
    check("examples/poisson-map.model", "examples/data/poisson.csv", BindOptions.defaults(), Set.of(), p -> p,
        (p, data) -> logLikelihood(POISSON, p, data) + logDirichlet(p.get("phi"), 2)
            + logGamma(p.get("lambda"), 2, 0.5));
  }

  /**
   * MAP-EM on Old Faithful with full covariances, a normal-inverse-Wishart prior on each (μ_k,
   * Σ_k) (m = 0, κ = 0.01, ν = 4, Ψ = I) and a Dirichlet(2) on φ, written from the textbook
   * densities: log 𝒩(μ | m, Σ/κ) + log IW(Σ | ν, Ψ).
   */
  @Test
  void gaussianMixtureWithNormalInverseWishartPrior() throws Exception {
    check("examples/gmm-niw.model", "examples/data/faithful.csv", BindOptions.defaults(), Set.of(), p -> p,
        (p, data) -> {
          double ll = logLikelihood((q, x) -> {
            double[] phi = q.get("phi");
            double[] lp = new double[phi.length];
            for (int k = 0; k < phi.length; k++) {
              double[] s = java.util.Arrays.copyOfRange(q.get("Sigma"), k * 4, k * 4 + 4);
              lp[k] = Math.log(phi[k]) + mvnormal(x[0] - q.get("mu")[k * 2], x[1] - q.get("mu")[k * 2 + 1], s, 1);
            }
            return lp;
          }, p, data);
          double prior = logDirichlet(p.get("phi"), 2);
          double nu = 4;
          for (int k = 0; k < 2; k++) {
            double[] s = java.util.Arrays.copyOfRange(p.get("Sigma"), k * 4, k * 4 + 4);
            double det = s[0] * s[3] - s[1] * s[2];
            // μ_k ~ 𝒩(0, Σ_k / κ), and Σ_k ~ IW(ν, I): tr(Σ⁻¹) = (s0 + s3) / det
            prior += mvnormal(p.get("mu")[k * 2], p.get("mu")[k * 2 + 1], s, 0.01);
            prior += -nu * Math.log(2) - logMultiGamma2(nu / 2) - 0.5 * (nu + 3) * Math.log(det)
                - 0.5 * (s[0] + s[3]) / det;
          }
          return ll + prior;
        });
  }

  /**
   * Partly labelled rows (--labels): a labelled row adds log p(x, z = label), so its score and
   * Hessian are that component's alone. Every fifth row is labelled by its count (above 3: the
   * second component), which disagrees with the posterior on the rows near the boundary; the
   * analytic information must match the FD Hessian of that likelihood.
   */
  @Test
  void partlyLabelledRows(@TempDir Path dir) throws Exception {
    List<String> lines = Files.readAllLines(Path.of("examples/data/poisson.csv"));
    StringBuilder csv = new StringBuilder("count,label\n");
    int[] labels = new int[lines.size() - 1];
    for (int n = 1; n < lines.size(); n++) {
      int count = Integer.parseInt(lines.get(n).trim());
      labels[n - 1] = n % 5 == 0 ? (count > 3 ? 2 : 1) : 0;
      csv.append(count).append(',').append(labels[n - 1] == 0 ? "" : String.valueOf(labels[n - 1])).append('\n');
    }
    Path file = dir.resolve("poisson-labelled.csv");
    Files.writeString(file, csv);
    check("examples/poisson.model", file.toString(), BindOptions.defaults().withLabels("label"), (p, data) -> {
      double ll = 0;
      for (int n = 0; n < data.rows(); n++) {
        double[] lp = POISSON.at(p, new double[] {data.values()[n * data.columns()]});
        ll += labels[n] == 0 ? logSumExp(lp) : lp[labels[n] - 1];
      }
      return ll;
    });
  }

  /**
   * One component: φ = 1 is fixed, not a free number, and the rate's standard error is the
   * closed form of a single Poisson's, √(λ̂ / N) with λ̂ the rows' mean.
   */
  @Test
  void oneComponentsWeightIsNotFree() throws Exception {
    Bound bound = Fits.model(Files.readString(Path.of("examples/poisson.model")), Map.of("K", 1.0))
        .bind(Table.read(Path.of("examples/data/poisson.csv")), BindOptions.defaults());
    Compiled compiled = bound.compile();
    FitResult fit = compiled.fit(FitOptions.defaults().withThreads(1));
    Information info = Information.of(compiled.newModel(), fit.params(), bound.data().orElseThrow());
    assertEquals(1, info.free());
    double lambda = fit.params().get("lambda")[0];
    assertEquals(Math.sqrt(lambda / fit.rows()), info.standardErrors().get("lambda")[0], 1e-12 * lambda);
    assertTrue(info.warnings().isEmpty(), info.warnings().toString());
  }

  /** A component that no row belongs to: its rate is not identified, and the warning names it. */
  @Test
  void anEmptyComponentIsNamedAndGetsNoStandardError() throws Exception {
    Bound bound = Fits.model(Files.readString(Path.of("examples/poisson.model")), Map.of())
        .bind(Table.read(Path.of("examples/data/poisson.csv")), BindOptions.defaults());
    Compiled compiled = bound.compile();
    Map<String, double[]> params = Map.of("phi", new double[] {1, 0}, "lambda", new double[] {3, 1e6});
    Information info = Information.of(compiled.newModel(), params, bound.data().orElseThrow());
    assertTrue(info.warnings().stream().anyMatch(w -> w.contains("singular at lambda[2]")), info.warnings().toString());
    assertTrue(Double.isNaN(info.standardErrors().get("lambda")[1]));
    assertTrue(info.standardErrors().get("lambda")[0] > 0);
  }

  /**
   * The two-state HMM of examples/hmm.model over the sequences of examples/data/hmm.csv: the
   * observed log-likelihood is the test's own forward recursion, in logs, over each sequence.
   */
  @Test
  void hiddenMarkovModel() throws Exception {
    check("examples/hmm.model", "examples/data/hmm.csv", BindOptions.defaults().withSequence("seq"),
        InformationTest::hmmLogLikelihood);
  }

  /**
   * The same hidden Markov model with an InverseGamma(2, 1) prior on each s2_k: the forward
   * recursion's information less the log prior's Hessian, against the log posterior's differences.
   */
  @Test
  void hiddenMarkovModelWithAPrior(@TempDir Path dir) throws Exception {
    Path model = dir.resolve("hmm-map.model");
    Files.writeString(model, Files.readString(Path.of("examples/hmm.model")) + "s2 ~ InverseGamma(2.0, 1.0);\n");
    check(model.toString(), "examples/data/hmm.csv", BindOptions.defaults().withSequence("seq"), (p, data) -> {
      double prior = 0;
      for (double v : p.get("s2")) {
        // log InverseGamma(v | shape 2, scale 1) = 2 log 1 − log Γ(2) − 3 log v − 1/v
        prior += -LogGamma.value(2) - 3 * Math.log(v) - 1 / v;
      }
      return hmmLogLikelihood(p, data) + prior;
    });
  }

  /** The two-state HMM's log-likelihood by the test's own forward recursion, in logs, over each sequence. */
  private static double hmmLogLikelihood(Map<String, double[]> p, DataMatrix data) {
    double[] pi0 = p.get("pi0");
    double[] a = p.get("A");
    int k = pi0.length;
    int[] bounds = data.sequenceBounds();
    double ll = 0;
    for (int q = 0; q + 1 < bounds.length; q++) {
      double[] logAlpha = new double[k];
      for (int n = bounds[q]; n < bounds[q + 1]; n++) {
        double x = data.values()[n * data.columns()];
        double[] next = new double[k];
        for (int j = 0; j < k; j++) {
          double[] terms = new double[k];
          for (int i = 0; i < k; i++) {
            terms[i] = n == bounds[q] ? (i == j ? Math.log(pi0[j]) : Double.NEGATIVE_INFINITY)
                : logAlpha[i] + Math.log(a[i * k + j]);
          }
          next[j] = logSumExp(terms) + normal(x, p.get("mu")[j], p.get("s2")[j]);
        }
        logAlpha = next;
      }
      ll += logSumExp(logAlpha);
    }
    return ll;
  }

  /**
   * A hidden Markov state that no row can come from (its mean a million away): its emission and
   * the row of A out of it are not identified, and the warnings name them.
   */
  @Test
  void anUnvisitedStateIsNamedAndGetsNoStandardError() throws Exception {
    Bound bound = Fits.model(Files.readString(Path.of("examples/hmm.model")), Map.of())
        .bind(Table.read(Path.of("examples/data/hmm.csv")), BindOptions.defaults().withSequence("seq"));
    Map<String, double[]> params = Map.of("pi0", new double[] {0.5, 0.5}, "A", new double[] {0.9, 0.1, 0.5, 0.5},
        "mu", new double[] {1, 1e6}, "s2", new double[] {2, 1});
    Information info = Information.of(bound.compile().newModel(), params, bound.data().orElseThrow());
    String warnings = info.warnings().toString();
    assertTrue(warnings.contains("singular at A[2][1]"), warnings);
    assertTrue(warnings.contains("singular at mu[2]"), warnings);
    assertTrue(Double.isNaN(info.standardErrors().get("mu")[1]));
    assertTrue(Double.isNaN(info.standardErrors().get("A")[2]));
    assertTrue(info.standardErrors().get("mu")[0] > 0);
  }

  /**
   * One sequence: the first state's probabilities go to a vertex (π0 = (1, 0) maximizes the
   * likelihood of one first row), where no Wald interval applies; the warning names π0 and the
   * others keep theirs.
   */
  @Test
  void aProbabilityOnItsEdgeIsNamedAndGetsNoStandardError() throws Exception {
    Bound bound = Fits.model(Files.readString(Path.of("examples/hmm.model")), Map.of())
        .bind(Table.read(Path.of("examples/data/hmm.csv")), BindOptions.defaults());
    Compiled compiled = bound.compile();
    FitResult fit = compiled.fit(FitOptions.defaults().withThreads(1));
    assertTrue(Math.min(fit.params().get("pi0")[0], fit.params().get("pi0")[1]) < Information.EDGE);
    Information info = Information.of(compiled.newModel(), fit.params(), bound.data().orElseThrow());
    String warnings = info.warnings().toString();
    assertTrue(warnings.contains("pi0[1] is at the edge of its range"), warnings);
    assertTrue(Double.isNaN(info.standardErrors().get("pi0")[0]));
    for (String p : List.of("A", "mu", "s2")) {
      for (double se : info.standardErrors().get(p)) {
        assertTrue(se > 0, p + " " + se);
      }
    }
  }

  /**
   * A t mixture with diagonal scale matrices at D = 9: its Hessian is past what the generated code
   * writes out, and it has no closed form (a Gaussian or t mixture's with full ones is taken at any
   * D). Checked without a fit.
   */
  @Test
  void aModelWithoutScoresSaysWhy() throws Exception {
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    double[][] rows = new double[40][9];
    String[] names = new String[9];
    for (int d = 0; d < 9; d++) {
      names[d] = "x" + (d + 1);
    }
    for (double[] row : rows) {
      for (int d = 0; d < 9; d++) {
        row[d] = random.nextGaussian();
      }
    }
    String diagonal = Files.readString(Path.of("examples/t-mixture.model"))
        .replace("K = 2;", "K = 2;\nparam Sigma[z] : positive[D];");
    Bound t = Fits.model(diagonal, Map.of()).bind(Fits.table(rows, names), BindOptions.defaults());
    String why = t.scoresUnavailable();
    assertTrue(why != null && why.contains("not available for this model at these sizes"), why);
    assertTrue(why.contains("--bootstrap"), why);
  }

  /** log p(x_n, z = k) for each k, from the test's own formulas. */
  interface Joint {
    double[] at(Map<String, double[]> params, double[] row);
  }

  private static double normal(double x, double mean, double variance) {
    return -0.5 * (Math.log(2 * Math.PI * variance) + (x - mean) * (x - mean) / variance);
  }

  /** log 𝒩((a, b) | 0, S / κ) for a 2×2 covariance S stored row by row. */
  private static double mvnormal(double a, double b, double[] s, double kappa) {
    double det = s[0] * s[3] - s[1] * s[2];
    double q = (a * a * s[3] - a * b * (s[1] + s[2]) + b * b * s[0]) / det;
    return -0.5 * (2 * Math.log(2 * Math.PI / kappa) + Math.log(det) + kappa * q);
  }

  /** log Dirichlet(φ | α, …, α). */
  private static double logDirichlet(double[] phi, double alpha) {
    double s = LogGamma.value(phi.length * alpha) - phi.length * LogGamma.value(alpha);
    for (double v : phi) {
      s += (alpha - 1) * Math.log(v);
    }
    return s;
  }

  /** Σ_k log Gamma(λ_k | shape a, rate b). */
  private static double logGamma(double[] lambda, double a, double b) {
    double s = 0;
    for (double v : lambda) {
      s += a * Math.log(b) - LogGamma.value(a) + (a - 1) * Math.log(v) - b * v;
    }
    return s;
  }

  /** log Γ_2(a) = ½ log π + log Γ(a) + log Γ(a − ½). */
  private static double logMultiGamma2(double a) {
    return 0.5 * Math.log(Math.PI) + LogGamma.value(a) + LogGamma.value(a - 0.5);
  }

  private static double logFactorial(double x) {
    double s = 0;
    for (int i = 2; i <= x; i++) {
      s += Math.log(i);
    }
    return s;
  }

  /** Σ_n log p(x_n) over independent rows. */
  static double logLikelihood(Joint joint, Map<String, double[]> params, DataMatrix data) {
    double ll = 0;
    double[] row = new double[data.columns()];
    for (int n = 0; n < data.rows(); n++) {
      System.arraycopy(data.values(), n * data.columns(), row, 0, row.length);
      ll += logSumExp(joint.at(params, row));
    }
    return ll;
  }

  private static double logSumExp(double[] lp) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : lp) {
      max = Math.max(max, v);
    }
    double s = 0;
    for (double v : lp) {
      s += Math.exp(v - max);
    }
    return max + Math.log(s);
  }

  /** The observed log-likelihood of all the data at the given parameters. */
  interface LogLikelihood {
    double of(Map<String, double[]> params, DataMatrix data);
  }

  private static void check(String model, String csv, Joint joint) throws Exception {
    check(model, csv, BindOptions.defaults(), (p, data) -> logLikelihood(joint, p, data));
  }

  /**
   * A free coordinate: a stored number, and the one that moves with it (a covariance's mirror
   * entry, sign +1) or against it (a simplex's last entry, sign −1); other −1 for none.
   */
  private record Free(String param, int index, int other, int sign) {}

  private static void check(String model, String csv, BindOptions options, LogLikelihood logLikelihood)
      throws Exception {
    check(model, csv, options, Set.of(), p -> p, logLikelihood);
  }

  /**
   * The same at {@code at} of the fit's parameters. A parameter in {@code centred} is read only
   * through a softmax over the components, which a common shift of its values does not change:
   * its free coordinates are the first K − 1 components' values, each stepped alone (the shift
   * the fit's centring would add changes nothing), and the stored, centred values move by the
   * centring's map, component j's value by 1 − 1/K and every other's by −1/K.
   */
  private static void check(String model, String csv, BindOptions options, Set<String> centred,
      UnaryOperator<Map<String, double[]>> at, LogLikelihood logLikelihood) throws Exception {
    check(model, Files.readString(Path.of(model)), Table.read(Path.of(csv)), options, centred, at, logLikelihood);
  }

  /** The same for a model's text and data ({@code name} says which in the printout), over independent rows. */
  static void check(String name, String text, Table table, Joint joint) throws Exception {
    check(name, text, table, BindOptions.defaults(), Set.of(), p -> p, (p, data) -> logLikelihood(joint, p, data));
  }

  /** The same for a model's text and data, with the test's own observed log-likelihood. */
  static void checkLikelihood(String name, String text, Table table, LogLikelihood logLikelihood) throws Exception {
    check(name, text, table, BindOptions.defaults(), Set.of(), p -> p, logLikelihood);
  }

  private static void check(String model, String text, Table table, BindOptions options, Set<String> centred,
      UnaryOperator<Map<String, double[]>> at, LogLikelihood logLikelihood) throws Exception {
    Bound bound = Fits.model(text, Map.of()).bind(table, options);
    assertNull(bound.scoresUnavailable());
    Compiled compiled = bound.compile();
    FitResult fitted = compiled.fit(FitOptions.defaults().withThreads(1).withSeed(1));
    Map<String, double[]> point = new LinkedHashMap<>();
    fitted.params().forEach((k, v) -> point.put(k, v.clone()));
    Map<String, double[]> params = at.apply(point);
    DataMatrix data = bound.data().orElseThrow();
    Information info = Information.of(compiled.newModel(), params, data);
    assertTrue(info.warnings().isEmpty(), info.warnings().toString());

    List<Free> free = new ArrayList<>();
    for (ParamInfo p : fitted.model().params()) {
      int n = params.get(p.name()).length;
      for (int i = 0; i < n; i++) {
        if (centred.contains(p.name())) {
          if (i / p.elements() < p.copies() - 1) {
            free.add(new Free(p.name(), i, -1, 0));
          }
        } else if (p.constraint() == ParamInfo.Constraint.SIMPLEX) {
          // Each simplex (a transition matrix's row) has its own last entry.
          int each = p.elements();
          if (i % each < each - 1) {
            free.add(new Free(p.name(), i, i - i % each + each - 1, -1));
          }
        } else if (p.constraint() == ParamInfo.Constraint.COVARIANCE) {
          int d = p.shape()[0];
          int row = i % (d * d) / d;
          int col = i % d;
          if (row <= col) {
            free.add(new Free(p.name(), i, row == col ? -1 : i - row * d - col + col * d + row, 1));
          }
        } else {
          free.add(new Free(p.name(), i, -1, 0));
        }
      }
    }
    assertEquals(free.size(), info.free());
    int f = free.size();
    double[] h = new double[f];
    for (int i = 0; i < f; i++) {
      Free c = free.get(i);
      double[] v = params.get(c.param());
      // A simplex entry's step moves its last entry too: the nearer either is to 0, the smaller the
      // step (a transition probability of 0.04 stepped by 1e-3 would cost 1e-3 in truncation).
      double size = c.sign() < 0 ? Math.min(v[c.index()], v[c.other()]) : Math.max(Math.abs(v[c.index()]), 0.1);
      h[i] = 1e-3 * size;
    }
    ToDoubleFunction<double[]> ll = step -> {
      Map<String, double[]> p = new LinkedHashMap<>();
      params.forEach((k, v) -> p.put(k, v.clone()));
      for (int i = 0; i < f; i++) {
        Free c = free.get(i);
        p.get(c.param())[c.index()] += step[i];
        if (c.other() >= 0) {
          p.get(c.param())[c.other()] += c.sign() * step[i];
        }
      }
      return logLikelihood.of(p, data);
    };
    double[] hessian = new double[f * f];
    for (int i = 0; i < f; i++) {
      for (int j = i; j < f; j++) {
        double s = 0;
        for (int si = -1; si <= 1; si += 2) {
          for (int sj = -1; sj <= 1; sj += 2) {
            double[] step = new double[f];
            step[i] += si * h[i];
            step[j] += sj * h[j];
            s += si * sj * ll.applyAsDouble(step);
          }
        }
        hessian[i * f + j] = hessian[j * f + i] = -s / (4 * h[i] * h[j]);
      }
    }
    // The covariance in free coordinates: the inverse of the negative Hessian.
    double[][] cov = new double[f][f];
    double[] l = new double[f * f];
    assertTrue(dev.emc.runtime.Linalg.cholesky(hessian, 0, f, l, 0), "the finite-difference information is positive definite");
    for (int j = 0; j < f; j++) {
      double[] e = new double[f];
      e[j] = 1;
      dev.emc.runtime.Linalg.solveCholesky(l, e, f);
      for (int i = 0; i < f; i++) {
        cov[i][j] = e[i];
      }
    }
    // Mapped to the stored numbers: a simplex's last entry moves against the others, a
    // covariance's σ_ji with σ_ij, a centred parameter's values by the centring.
    int total = info.names().size();
    double[][] a = new double[f][total];
    for (int i = 0; i < f; i++) {
      Free c = free.get(i);
      ParamInfo p = param(fitted, c.param());
      int base = info.names().indexOf(Information.label(p, 0));
      a[i][base + c.index()] = 1;
      if (c.other() >= 0) {
        a[i][base + c.other()] += c.sign();
      }
      if (centred.contains(c.param())) {
        for (int k = 0; k < p.copies(); k++) {
          a[i][base + k * p.elements() + c.index() % p.elements()] -= 1.0 / p.copies();
        }
      }
    }
    double worst = 0;
    for (int g = 0; g < total; g++) {
      for (int m = 0; m < total; m++) {
        double s = 0;
        double sg = 0;
        double sm = 0;
        for (int i = 0; i < f; i++) {
          for (int j = 0; j < f; j++) {
            s += a[i][g] * cov[i][j] * a[j][m];
            sg += a[i][g] * cov[i][j] * a[j][g];
            sm += a[i][m] * cov[i][j] * a[j][m];
          }
        }
        if (sg > 0 && sm > 0) {
          worst = Math.max(worst, Math.abs(info.covariance()[g][m] - s) / Math.sqrt(sg * sm));
        }
      }
    }
    System.out.printf("%s: %d free coordinates, largest difference %.2e of sqrt(C_ii C_jj)%n", model, f, worst);
    assertTrue(worst < TOL, model + ": analytic and finite-difference covariances differ by " + worst);
  }

  private static ParamInfo param(FitResult fit, String name) {
    return fit.model().params().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow();
  }
}
