package dev.emc.api;

import static dev.emc.api.Fits.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.ExponentialDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.distribution.LogNormalDistribution;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Exponential, LogNormal and Gamma on positive[D] data, independent coordinates given the
 * component, each with its own parameters (issue 18, item 6), on examples/data/durations.csv and
 * on data simulated from known parameters. The references are written out here: the mixture's
 * log-likelihood with Commons Math's densities, the M-step's closed forms, and Gamma's shape as the
 * numeric maximum of Q.
 */
class VectorFamiliesTest {
  private static final Path DURATIONS = Path.of("examples/data/durations.csv");
  private static final String HEAD = "K = 2; data x : positive[D]; z ~ Categorical(phi); ";

  /** A model on the durations and its density of one coordinate, from a component's values. */
  enum Case {
    EXPONENTIAL(HEAD + "x ~ Exponential(rate[z]);", List.of("rate")) {
      @Override
      double logDensity(double[] p, double x) {
        return new ExponentialDistribution(null, 1 / p[0]).logDensity(x);
      }
    },
    LOGNORMAL(HEAD + "x ~ LogNormal(m[z], v[z]);", List.of("m", "v")) {
      @Override
      double logDensity(double[] p, double x) {
        return new LogNormalDistribution(null, p[0], Math.sqrt(p[1])).logDensity(x);
      }
    },
    GAMMA(HEAD + "param shape[z] : positive[D]; x ~ Gamma(shape[z], rate[z]);", List.of("shape", "rate")) {
      @Override
      double logDensity(double[] p, double x) {
        return new GammaDistribution(null, p[0], 1 / p[1]).logDensity(x);
      }
    },
    /** The example: one shape per coordinate, shared by the components. */
    GAMMA_TIED_SHAPE(null, List.of("shape", "rate")) {
      @Override
      double logDensity(double[] p, double x) {
        return GAMMA.logDensity(p, x);
      }
    };

    final String text;
    final List<String> params;

    Case(String text, List<String> params) {
      this.text = text;
      this.params = params;
    }

    abstract double logDensity(double[] p, double x);

    Model model() throws java.io.IOException {
      return Fits.model(text != null ? text : Files.readString(Path.of("examples/durations.model")), Map.of());
    }
  }

  /** Each parameter's value for component k and coordinate d: a shared one has one copy. */
  private static double[] at(Case c, Map<String, double[]> params, int k, int d, int dims) {
    double[] p = new double[c.params.size()];
    for (int i = 0; i < p.length; i++) {
      double[] v = params.get(c.params.get(i));
      p[i] = v[(v.length == dims ? 0 : k * dims) + d];
    }
    return p;
  }

  /** Σ_n log Σ_k φ_k Π_d f(x_nd; θ_kd), with Commons Math's densities. */
  private static double logLikelihood(Case c, Map<String, double[]> params, DataMatrix data) {
    double ll = 0;
    for (int n = 0; n < data.rows(); n++) {
      double[] lp = rowLogJoint(c, params, data, n);
      double max = Math.max(lp[0], lp[1]);
      ll += max + Math.log(Math.exp(lp[0] - max) + Math.exp(lp[1] - max));
    }
    return ll;
  }

  /** log φ_k + Σ_d log f(x_nd; θ_kd), for each k. */
  private static double[] rowLogJoint(Case c, Map<String, double[]> params, DataMatrix data, int n) {
    double[] phi = params.get("phi");
    int w = data.columns();
    double[] lp = new double[phi.length];
    for (int k = 0; k < phi.length; k++) {
      lp[k] = Math.log(phi[k]);
      for (int d = 0; d < w; d++) {
        lp[k] += c.logDensity(at(c, params, k, d, w), data.values()[n * w + d]);
      }
    }
    return lp;
  }

  /** Bayes' rule with the same densities: r_nk, row by row. */
  private static double[] responsibilities(Case c, Map<String, double[]> params, DataMatrix data) {
    int k = params.get("phi").length;
    double[] r = new double[data.rows() * k];
    for (int n = 0; n < data.rows(); n++) {
      double[] lp = rowLogJoint(c, params, data, n);
      double max = Math.max(lp[0], lp[1]);
      double sum = Math.exp(lp[0] - max) + Math.exp(lp[1] - max);
      for (int j = 0; j < k; j++) {
        r[n * k + j] = Math.exp(lp[j] - max) / sum;
      }
    }
    return r;
  }

  @ParameterizedTest
  @EnumSource(Case.class)
  void theFittedLogLikelihoodIsTheMixtureOfIndependentCoordinates(Case c) throws Exception {
    Bound bound = c.model().bind(Table.read(DURATIONS), BindOptions.defaults());
    FitResult fit = bound.compile().fit(FitOptions.defaults());
    double reference = logLikelihood(c, fit.params(), bound.data().orElseThrow());
    assertEquals(reference, fit.logLikelihood(), 1e-9 * Math.abs(reference), c + " log-likelihood");
  }

  /** A start away from the optimum: each component a multiple of the data's means. */
  private static Map<String, double[]> start(Case c) {
    double[] phi = {0.3, 0.7};
    return switch (c) {
      case EXPONENTIAL -> Map.of("phi", phi, "rate", new double[] {0.5, 0.2, 1, 0.1, 0.05, 0.3});
      case LOGNORMAL -> Map.of("phi", phi, "m", new double[] {0, 1, -1, 2, 3, 1}, "v", new double[] {1, 2, 1, 0.5, 0.5, 1});
      case GAMMA -> Map.of("phi", phi, "shape", new double[] {1, 2, 1, 3, 3, 2},
          "rate", new double[] {0.5, 0.2, 1, 0.1, 0.05, 0.3});
      case GAMMA_TIED_SHAPE -> Map.of("phi", phi, "shape", new double[] {1, 2, 1},
          "rate", new double[] {0.5, 0.2, 1, 0.1, 0.05, 0.3});
    };
  }

  /** emc's M-step from responsibilities written out here (Bayes' rule at {@code start(c)}). */
  private static Map<String, double[]> oneStep(Case c, DataMatrix data, double[] r) throws Exception {
    return oneStep(c.model(), c, data, r);
  }

  private static Map<String, double[]> oneStep(Model model, Case c, DataMatrix data, double[] r) throws Exception {
    Compiled compiled = model.bind(Table.read(DURATIONS), BindOptions.defaults()).compile();
    EmModel m = compiled.newModel();
    start(c).forEach((name, v) -> System.arraycopy(v, 0, m.param(name), 0, v.length));
    assertNull(m.prepare());
    double[] emcR = new double[r.length];
    m.responsibilities(data.values(), 0, data.rows(), emcR);
    assertClose(r, emcR, 1e-9, c + " responsibilities");
    double[] stats = new double[m.statisticsLength()];
    m.accumulateGiven(data.values(), 0, data.rows(), r, stats);
    m.maximize(stats);
    Map<String, double[]> after = new java.util.HashMap<>();
    for (dev.emc.runtime.ParamInfo p : m.params()) {
      after.put(p.name(), m.param(p.name()).clone());
    }
    return after;
  }

  /** N_k, Σ_n r_nk x_nd and Σ_n r_nk log x_nd (in [k][d]); from {@code f} of x. */
  private static double[][] weighted(DataMatrix data, double[] r, java.util.function.DoubleUnaryOperator f) {
    int w = data.columns();
    double[][] s = new double[2][w];
    for (int n = 0; n < data.rows(); n++) {
      for (int k = 0; k < 2; k++) {
        for (int d = 0; d < w; d++) {
          s[k][d] += r[n * 2 + k] * f.applyAsDouble(data.values()[n * w + d]);
        }
      }
    }
    return s;
  }

  @Test
  void oneExponentialStepIsTheInverseWeightedMean() throws Exception {
    DataMatrix data = durations();
    double[] r = responsibilities(Case.EXPONENTIAL, start(Case.EXPONENTIAL), data);
    double[][] count = weighted(data, r, x -> 1);
    double[][] sum = weighted(data, r, x -> x);
    double[] rate = new double[6];
    double[] mode = new double[6];
    for (int k = 0; k < 2; k++) {
      for (int d = 0; d < 3; d++) {
        rate[k * 3 + d] = count[k][d] / sum[k][d];
        // Under a Gamma(3, 2) prior on each rate: (N_k + a − 1) / (Σ r x + b).
        mode[k * 3 + d] = (count[k][d] + 2) / (sum[k][d] + 2);
      }
    }
    assertClose(rate, oneStep(Case.EXPONENTIAL, data, r).get("rate"), 1e-12, "rate");
    Model map = Fits.model(Case.EXPONENTIAL.text + " rate ~ Gamma(3.0, 2.0);", Map.of());
    assertClose(mode, oneStep(map, Case.EXPONENTIAL, data, r).get("rate"), 1e-12, "posterior mode");
  }

  @Test
  void oneLogNormalStepIsTheWeightedMeanAndVarianceOfLogX() throws Exception {
    DataMatrix data = durations();
    double[] r = responsibilities(Case.LOGNORMAL, start(Case.LOGNORMAL), data);
    double[][] count = weighted(data, r, x -> 1);
    double[][] sum = weighted(data, r, Math::log);
    double[] mean = new double[6];
    for (int k = 0; k < 2; k++) {
      for (int d = 0; d < 3; d++) {
        mean[k * 3 + d] = sum[k][d] / count[k][d];
      }
    }
    double[] variance = new double[6];
    for (int k = 0; k < 2; k++) {
      for (int d = 0; d < 3; d++) {
        final int kk = k;
        final int dd = d;
        double scatter = 0;
        for (int n = 0; n < data.rows(); n++) {
          double c = Math.log(data.values()[n * 3 + dd]) - mean[kk * 3 + dd];
          scatter += r[n * 2 + kk] * c * c;
        }
        variance[k * 3 + d] = scatter / count[k][d];
      }
    }
    Map<String, double[]> step = oneStep(Case.LOGNORMAL, data, r);
    assertClose(mean, step.get("m"), 1e-12, "m");
    assertClose(variance, step.get("v"), 1e-10, "v");
  }

  /**
   * Gamma's shape has no closed form: the reference maximizes Q over it numerically (Brent), with
   * each rate at its best for the shape, β_kd = α N_k / Σ r x_d, and Commons Math's density. For
   * the tied shape, Q is summed over both components, so the maximum is the pooled one.
   */
  @ParameterizedTest
  @EnumSource(value = Case.class, names = {"GAMMA", "GAMMA_TIED_SHAPE"})
  void oneGammaStepMaximizesQInTheShape(Case c) throws Exception {
    DataMatrix data = durations();
    double[] r = responsibilities(c, start(c), data);
    double[][] count = weighted(data, r, x -> 1);
    double[][] sum = weighted(data, r, x -> x);
    boolean tied = c == Case.GAMMA_TIED_SHAPE;
    double[] shape = new double[tied ? 3 : 6];
    double[] rate = new double[6];
    for (int d = 0; d < 3; d++) {
      for (int k = 0; k < (tied ? 1 : 2); k++) {
        final int dd = d;
        final int only = k;
        double best = new BrentOptimizer(1e-14, 1e-300).optimize(new MaxEval(10_000), GoalType.MAXIMIZE,
            new UnivariateObjectiveFunction(a -> {
              double q = 0;
              for (int j = 0; j < 2; j++) {
                if (tied || j == only) {
                  GammaDistribution g = new GammaDistribution(null, a, sum[j][dd] / (a * count[j][dd]));
                  for (int n = 0; n < data.rows(); n++) {
                    q += r[n * 2 + j] * g.logDensity(data.values()[n * 3 + dd]);
                  }
                }
              }
              return q;
            }), new SearchInterval(0.05, 50, 1)).getPoint();
        shape[k * 3 + d] = best;
      }
      for (int k = 0; k < 2; k++) {
        rate[k * 3 + d] = shape[(tied ? 0 : k * 3) + d] * count[k][d] / sum[k][d];
      }
    }
    Map<String, double[]> step = oneStep(c, data, r);
    assertClose(shape, step.get("shape"), 1e-6, c + " shape");
    assertClose(rate, step.get("rate"), 1e-6, c + " rate");
  }

  private static DataMatrix durations() throws Exception {
    return Case.EXPONENTIAL.model().bind(Table.read(DURATIONS), BindOptions.defaults()).data().orElseThrow();
  }

  /**
   * Rows simulated from known, well separated parameters (emc's samplers), fitted back: every
   * estimate within 4 standard errors of the truth, each from the Fisher information of the
   * component's own rows (for a tied shape, which uses all rows, that is conservative).
   */
  @ParameterizedTest
  @EnumSource(Case.class)
  void aSimulatedMixtureIsRecovered(Case c) throws Exception {
    int n = 40_000;
    double[] phi = {0.6, 0.4};
    Map<String, double[]> truth = switch (c) {
      case EXPONENTIAL -> Map.of("phi", phi, "rate", new double[] {2, 1, 0.5, 0.1, 0.05, 0.02});
      case LOGNORMAL -> Map.of("phi", phi, "m", new double[] {0, 1, 2, 3, -1, 4}, "v", new double[] {0.2, 0.5, 0.3, 0.4, 0.2, 0.1});
      case GAMMA -> Map.of("phi", phi, "shape", new double[] {2, 5, 1.5, 4, 2, 8},
          "rate", new double[] {1, 0.5, 2, 0.1, 0.05, 0.2});
      case GAMMA_TIED_SHAPE -> Map.of("phi", phi, "shape", new double[] {2, 4, 1.5},
          "rate", new double[] {1, 0.5, 2, 0.1, 0.05, 0.2});
    };
    Bound bound = c.model().bind(Map.of("D", 3.0));
    Simulation sim = bound.simulate(truth, n, 1, 7, List.of("a", "b", "c"));
    FitResult fit = bound.compile().fit(sim.data(), FitOptions.defaults());
    // Components come back in either order: component 1's first coordinate is the larger mean's.
    double[] p0 = at(c, fit.params(), 0, 0, 3);
    double[] p1 = at(c, fit.params(), 1, 0, 3);
    boolean swapped = mean(c, p0) > mean(c, p1);
    for (int k = 0; k < 2; k++) {
      int fitted = swapped ? 1 - k : k;
      double nk = n * phi[k];
      within(phi[k], fit.params().get("phi")[fitted], Math.sqrt(phi[k] * (1 - phi[k]) / n), c + " phi " + k);
      for (int d = 0; d < 3; d++) {
        double[] t = at(c, truth, k, d, 3);
        double[] e = at(c, fit.params(), fitted, d, 3);
        double[] se = standardErrors(c, t, nk);
        for (int i = 0; i < t.length; i++) {
          within(t[i], e[i], se[i], c + " " + c.params.get(i) + " component " + k + " coordinate " + d);
        }
      }
    }
  }

  private static double mean(Case c, double[] p) {
    return switch (c) {
      case EXPONENTIAL -> 1 / p[0];
      case LOGNORMAL -> p[0];
      default -> p[0] / p[1];
    };
  }

  /** The asymptotic standard errors of one coordinate's parameters from m rows. */
  private static double[] standardErrors(Case c, double[] p, double m) {
    return switch (c) {
      case EXPONENTIAL -> new double[] {p[0] / Math.sqrt(m)};
      case LOGNORMAL -> new double[] {Math.sqrt(p[1] / m), p[1] * Math.sqrt(2 / m)};
      default -> {
        // The inverse of m [[ψ'(α), −1/β], [−1/β, α/β²]].
        double a = p[0];
        double b = p[1];
        double det = a * Gamma.trigamma(a) - 1;
        yield new double[] {Math.sqrt(a / (m * det)), Math.sqrt(Gamma.trigamma(a) * b * b / (m * det))};
      }
    };
  }

  private static void within(double truth, double estimate, double se, String what) {
    assertTrue(Math.abs(estimate - truth) <= 4 * se, what + ": " + estimate + " is "
        + Math.abs(estimate - truth) / se + " standard errors from " + truth);
  }
}
