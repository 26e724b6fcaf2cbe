package dev.emc.api;

import static dev.emc.api.Fits.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.data.Table;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.ExponentialDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.distribution.GeometricDistribution;
import org.apache.commons.math3.distribution.LogNormalDistribution;
import org.apache.commons.math3.distribution.MultivariateNormalDistribution;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every built-in family's EM against an independent computation on its example's data: from one
 * start, the E-step's responsibilities against Bayes' rule with Commons Math's densities, and the
 * M-step against a numeric maximization of Q (plus the log prior, for MAP) by BOBYQA, a general
 * derivative-free optimizer that knows only those densities. Parameters agree to 1e-6 relative.
 */
class FamiliesTest {

  /** A component's parameters, each a flat array, in the model's order. */
  interface LogDensity {
    double at(double[][] params, double[] row);
  }

  /** How a parameter is kept in its domain while the optimizer moves freely. */
  enum Domain {
    REAL, POSITIVE, PROBABILITY, SIMPLEX,
    /** A 2×2 covariance, through its Cholesky factor (log diagonal). */
    COVARIANCE2
  }

  /**
   * @param example the example model, or the text of a model to use on that example's data
   */
  record Spec(String example, String data, List<Domain> domains, LogDensity logDensity, LogPrior prior) {
    @Override
    public String toString() {
      return example.contains(";") ? data + " with " + example.substring(example.lastIndexOf(';', example.length() - 2) + 1).strip()
          : example;
    }

    Model model() throws java.io.IOException {
      return example.contains(";") ? Emc.builtIn().parse(data + ".model", example, Map.of())
          : Emc.builtIn().load(Path.of("examples", example + ".model"), Map.of());
    }
  }

  /** log IG(x | a, b) = a log b − log Γ(a) − (a + 1) log x − b/x. */
  static double logInverseGamma(double x, double a, double b) {
    return a * Math.log(b) - Gamma.logGamma(a) - (a + 1) * Math.log(x) - b / x;
  }

  /** log p(θ_k) of one component's parameters, for MAP; null for maximum likelihood. */
  interface LogPrior {
    double at(double[][] params);
  }

  /**
   * The reference densities are Commons Math's, each made with no random generator: making one
   * seeds a Mersenne twister, which was most of this test's time (Bernoulli's 45 s).
   */
  static Stream<Arguments> families() {
    return Stream.of(
        new Spec("poisson", "poisson", List.of(Domain.POSITIVE),
            (p, x) -> new PoissonDistribution(null, p[0][0], PoissonDistribution.DEFAULT_EPSILON, PoissonDistribution.DEFAULT_MAX_ITERATIONS).logProbability((int) x[0]), null),
        new Spec("visits", "visits", List.of(Domain.POSITIVE), (p, x) -> {
          double s = 0;
          for (int d = 0; d < 3; d++) {
            s += new PoissonDistribution(null, p[0][d], PoissonDistribution.DEFAULT_EPSILON, PoissonDistribution.DEFAULT_MAX_ITERATIONS).logProbability((int) x[d]);
          }
          return s;
        }, null),
        new Spec("exponential", "exponential", List.of(Domain.POSITIVE),
            (p, x) -> new ExponentialDistribution(null, 1 / p[0][0]).logDensity(x[0]), null),
        new Spec("geometric", "geometric", List.of(Domain.PROBABILITY),
            (p, x) -> new GeometricDistribution(null, p[0][0]).logProbability((int) x[0]), null),
        new Spec("binomial", "binomial", List.of(Domain.PROBABILITY),
            (p, x) -> new BinomialDistribution(null, 20, p[0][0]).logProbability((int) x[0]), null),
        new Spec("bernoulli", "bernoulli", List.of(Domain.PROBABILITY), (p, x) -> {
          double s = 0;
          for (int d = 0; d < 6; d++) {
            s += new BinomialDistribution(null, 1, p[0][d]).logProbability((int) x[d]);
          }
          return s;
        }, null),
        new Spec("gamma", "gamma", List.of(Domain.POSITIVE, Domain.POSITIVE),
            (p, x) -> new GammaDistribution(null, p[0][0], 1 / p[1][0]).logDensity(x[0]), null),
        new Spec("lognormal", "lognormal", List.of(Domain.REAL, Domain.POSITIVE),
            (p, x) -> new LogNormalDistribution(null, p[0][0], Math.sqrt(p[1][0])).logDensity(x[0]), null),
        new Spec("survey", "survey", List.of(Domain.SIMPLEX, Domain.SIMPLEX, Domain.SIMPLEX),
            (p, x) -> Math.log(p[0][(int) x[0] - 1]) + Math.log(p[1][(int) x[1] - 1]) + Math.log(p[2][(int) x[2] - 1]),
            null),
        // MAP: Gamma(2, 0.5) on each rate (shape 2, rate 0.5).
        new Spec("poisson-map", "poisson", List.of(Domain.POSITIVE),
            (p, x) -> new PoissonDistribution(null, p[0][0], PoissonDistribution.DEFAULT_EPSILON, PoissonDistribution.DEFAULT_MAX_ITERATIONS).logProbability((int) x[0]),
            p -> new GammaDistribution(2.0, 1 / 0.5).logDensity(p[0][0])),
        new Spec("K = 2; trials = 20; data hits : count; z ~ Categorical(phi); hits ~ Binomial(trials, p[z]);"
            + " p ~ Beta(2.0, 3.0);", "binomial", List.of(Domain.PROBABILITY),
            (p, x) -> new BinomialDistribution(null, 20, p[0][0]).logProbability((int) x[0]),
            p -> new org.apache.commons.math3.distribution.BetaDistribution(2, 3).logDensity(p[0][0])),
        new Spec("K = 2; data duration : positive; z ~ Categorical(phi); duration ~ Exponential(rate[z]);"
            + " rate ~ Gamma(2.0, 1.0);", "exponential", List.of(Domain.POSITIVE),
            (p, x) -> new ExponentialDistribution(null, 1 / p[0][0]).logDensity(x[0]),
            p -> new GammaDistribution(2.0, 1.0).logDensity(p[0][0])),
        new Spec("K = 2; data failures : count; z ~ Categorical(phi); failures ~ Geometric(p[z]);"
            + " p ~ Beta(1.5, 1.5);", "geometric", List.of(Domain.PROBABILITY),
            (p, x) -> new GeometricDistribution(null, p[0][0]).logProbability((int) x[0]),
            p -> new org.apache.commons.math3.distribution.BetaDistribution(1.5, 1.5).logDensity(p[0][0])),
        new Spec("K = 2; data waiting : real; z ~ Categorical(phi); waiting ~ Normal(mu[z], 36.0);"
            + " mu ~ Normal(70.0, 100.0);", "faithful", List.of(Domain.REAL),
            (p, x) -> new org.apache.commons.math3.distribution.NormalDistribution(null, p[0][0], 6).logDensity(x[0]),
            p -> new org.apache.commons.math3.distribution.NormalDistribution(70, 10).logDensity(p[0][0])),
        new Spec("K = 2; data waiting : real; z ~ Categorical(phi); waiting ~ Normal(mu[z], s2[z]);"
            + " s2 ~ InverseGamma(2.0, 10.0);", "faithful", List.of(Domain.REAL, Domain.POSITIVE),
            (p, x) -> new org.apache.commons.math3.distribution.NormalDistribution(null, p[0][0], Math.sqrt(p[1][0]))
                .logDensity(x[0]),
            p -> logInverseGamma(p[1][0], 2, 10)),
        new Spec("K = 2; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]); Sigma ~ InverseWishart(5.0, 1.0);",
            "faithful", List.of(Domain.REAL, Domain.COVARIANCE2),
            (p, x) -> Math.log(new MultivariateNormalDistribution(null, p[0],
                new double[][] {{p[1][0], p[1][1]}, {p[1][2], p[1][3]}}).density(x)),
            p -> logInverseWishart(new double[][] {{p[1][0], p[1][1]}, {p[1][2], p[1][3]}}, 5, 1)))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void eStepIsBayesRuleAndMStepMaximizesQ(Spec spec) throws Exception {
    Model model = spec.model();
    Bound bound = model.bind(Table.read(Path.of("examples/data", spec.data() + ".csv")), BindOptions.defaults());
    Compiled compiled = bound.compile();
    DataMatrix data = bound.data().orElseThrow();
    // A start that is not the optimum: two iterations from emc's default start.
    FitResult early = compiled.fit(FitOptions.defaults().withTol(0).withMaxIter(2));
    EmModel m = compiled.newModel();
    for (ParamInfo p : m.params()) {
      System.arraycopy(early.params().get(p.name()), 0, m.param(p.name()), 0, m.param(p.name()).length);
    }
    assertNull(m.prepare());
    int k = m.components();
    int n = data.rows();
    int w = data.columns();
    List<ParamInfo> perComponent = m.params().stream().filter(p -> p.copies() == k).toList();
    double[] phi = m.param(m.params().stream().filter(p -> p.copies() == 1).findFirst().orElseThrow().name());

    // E-step: Bayes' rule with the independent densities.
    double[] r = new double[n * k];
    double ll = 0;
    for (int i = 0; i < n; i++) {
      double[] row = java.util.Arrays.copyOfRange(data.values(), i * w, (i + 1) * w);
      double[] lp = new double[k];
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        lp[c] = Math.log(phi[c]) + spec.logDensity().at(component(m, perComponent, c), row);
        max = Math.max(max, lp[c]);
      }
      double sum = 0;
      for (int c = 0; c < k; c++) {
        sum += Math.exp(lp[c] - max);
      }
      ll += max + Math.log(sum);
      for (int c = 0; c < k; c++) {
        r[i * k + c] = Math.exp(lp[c] - max) / sum;
      }
    }
    double[] emcR = new double[n * k];
    double emcLl = m.responsibilities(data.values(), 0, n, emcR);
    assertClose(r, emcR, 1e-9, spec + " responsibilities");
    assertEquals(ll, emcLl, 1e-9 * Math.abs(ll), spec + " log-likelihood");

    // M-step from those responsibilities.
    double[][][] start = new double[k][][];
    for (int c = 0; c < k; c++) {
      start[c] = component(m, perComponent, c);
    }
    double[] stats = new double[m.statisticsLength()];
    m.accumulateGiven(data.values(), 0, n, r, stats);
    m.maximize(stats);
    for (int c = 0; c < k; c++) {
      final int comp = c;
      double[][] best = maximize(spec, start[c], theta -> {
        double q = 0;
        for (int i = 0; i < n; i++) {
          double[] row = java.util.Arrays.copyOfRange(data.values(), i * w, (i + 1) * w);
          q += r[i * k + comp] * spec.logDensity().at(theta, row);
        }
        return spec.prior() == null ? q : q + spec.prior().at(theta);
      });
      double[][] emc = component(m, perComponent, c);
      for (int p = 0; p < best.length; p++) {
        assertClose(best[p], emc[p], 1e-6, spec + " component " + (c + 1) + " " + perComponent.get(p).name());
      }
    }
  }

  /** One component's values of each per-component parameter. */
  private static double[][] component(EmModel m, List<ParamInfo> params, int c) {
    double[][] out = new double[params.size()][];
    for (int p = 0; p < params.size(); p++) {
      int e = params.get(p).elements();
      out[p] = java.util.Arrays.copyOfRange(m.param(params.get(p).name()), c * e, (c + 1) * e);
    }
    return out;
  }

  /** The argmax of f over a component's parameters, by BOBYQA on unconstrained coordinates. */
  private static double[][] maximize(Spec spec, double[][] start, java.util.function.ToDoubleFunction<double[][]> f) {
    List<Integer> sizes = new ArrayList<>();
    List<Double> u0 = new ArrayList<>();
    for (int p = 0; p < start.length; p++) {
      Domain d = spec.domains().get(p);
      int free = d == Domain.SIMPLEX ? start[p].length - 1 : d == Domain.COVARIANCE2 ? 3 : start[p].length;
      sizes.add(free);
      if (d == Domain.COVARIANCE2) {
        double l11 = Math.sqrt(start[p][0]);
        double l21 = start[p][2] / l11;
        u0.add(Math.log(l11));
        u0.add(l21);
        u0.add(Math.log(Math.sqrt(start[p][3] - l21 * l21)));
        continue;
      }
      for (int j = 0; j < free; j++) {
        double v = start[p][j];
        u0.add(switch (d) {
          case REAL -> v;
          case POSITIVE -> Math.log(v);
          case PROBABILITY -> Math.log(v / (1 - v));
          case SIMPLEX -> Math.log(v / start[p][start[p].length - 1]);
          case COVARIANCE2 -> throw new IllegalStateException("encoded above");
        });
      }
    }
    double[] init = u0.stream().mapToDouble(Double::doubleValue).toArray();
    MultivariateFunction g = u -> f.applyAsDouble(decode(spec, start, sizes, u));
    double[] lower = new double[init.length];
    double[] upper = new double[init.length];
    java.util.Arrays.fill(lower, -40);
    java.util.Arrays.fill(upper, 200);
    for (int i = 0; i < init.length; i++) {
      init[i] = Math.max(-39, Math.min(39, init[i]));
    }
    if (init.length == 1) {
      double reach = spec.domains().get(0) == Domain.REAL ? 1000 : 40;
      // One coordinate: Brent's method on the bracket (these terms are concave in it).
      double best = new org.apache.commons.math3.optim.univariate.BrentOptimizer(1e-15, 1e-300).optimize(
          new MaxEval(10_000), GoalType.MAXIMIZE,
          new org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction(x -> g.value(new double[] {x})),
          new org.apache.commons.math3.optim.univariate.SearchInterval(init[0] - reach, init[0] + reach, init[0])).getPoint();
      return decode(spec, start, sizes, new double[] {best});
    }
    // Polish twice: a second run from the first's answer with a fresh trust region.
    double[] u = init;
    for (int round = 0; round < 2; round++) {
      BOBYQAOptimizer opt = new BOBYQAOptimizer(2 * u.length + 1, 0.5, 1e-13);
      u = opt.optimize(new MaxEval(200_000), new ObjectiveFunction(g), GoalType.MAXIMIZE,
          new InitialGuess(u), new SimpleBounds(lower, upper)).getPoint();
    }
    return decode(spec, start, sizes, u);
  }

  private static double[][] decode(Spec spec, double[][] shape, List<Integer> sizes, double[] u) {
    double[][] out = new double[shape.length][];
    int at = 0;
    for (int p = 0; p < shape.length; p++) {
      Domain d = spec.domains().get(p);
      out[p] = new double[shape[p].length];
      if (d == Domain.COVARIANCE2) {
        double l11 = Math.exp(u[at]);
        double l21 = u[at + 1];
        double l22 = Math.exp(u[at + 2]);
        out[p] = new double[] {l11 * l11, l11 * l21, l11 * l21, l21 * l21 + l22 * l22};
      } else if (d == Domain.SIMPLEX) {
        double sum = 1;
        for (int j = 0; j < sizes.get(p); j++) {
          sum += Math.exp(u[at + j]);
        }
        for (int j = 0; j < sizes.get(p); j++) {
          out[p][j] = Math.exp(u[at + j]) / sum;
        }
        out[p][shape[p].length - 1] = 1 / sum;
      } else {
        for (int j = 0; j < sizes.get(p); j++) {
          double v = u[at + j];
          out[p][j] = switch (d) {
            case POSITIVE -> Math.exp(v);
            case PROBABILITY -> 1 / (1 + Math.exp(-v));
            default -> v;
          };
        }
      }
      at += sizes.get(p);
    }
    return out;
  }

  // ---------------------------------------------------------------- MAP closed forms

  /**
   * The posterior modes the issue names, from one set of responsibilities: Dirichlet–Categorical
   * φ_k = (N_k + α − 1)/(N + K(α − 1)) and Gamma–Poisson λ_k = (Σ r x + a − 1)/(N_k + b), written
   * out here.
   */
  @Test
  void dirichletAndGammaPosteriorModes() throws Exception {
    Model model = Emc.builtIn().load(Path.of("examples/poisson-map.model"), Map.of());
    Bound bound = model.bind(Table.read(Path.of("examples/data/poisson.csv")), BindOptions.defaults());
    EmModel m = bound.compile().newModel();
    DataMatrix data = bound.data().orElseThrow();
    int n = data.rows();
    double[] r = Fits.randomResponsibilities(n, 2, 5);
    double[] stats = new double[m.statisticsLength()];
    for (int round = 0; round < 2; round++) {
      stats = new double[m.statisticsLength()];
      m.accumulateGiven(data.values(), 0, n, r, stats);
      m.maximize(stats);
    }
    double alpha = 2.0;
    double a = 2.0;
    double b = 0.5;
    for (int c = 0; c < 2; c++) {
      double nk = 0;
      double sx = 0;
      for (int i = 0; i < n; i++) {
        nk += r[i * 2 + c];
        sx += r[i * 2 + c] * data.values()[i];
      }
      assertEquals((nk + alpha - 1) / (n + 2 * (alpha - 1)), m.param("phi")[c], 1e-12);
      assertEquals((sx + a - 1) / (nk + b), m.param("lambda")[c], 1e-12 * m.param("lambda")[c]);
    }
  }

  /**
   * The Normal-Inverse-Wishart posterior mode, written out: μ = (Σ r x + κ m)/(N_k + κ) and
   * Σ = (S + κN_k/(κ + N_k)(x̄ − m)(x̄ − m)ᵀ + Ψ)/(N_k + ν + D + 2), with S the weighted scatter
   * about the weighted mean x̄. Then the same maximum found numerically.
   */
  @Test
  void normalInverseWishartPosteriorMode() throws Exception {
    Model model = Emc.builtIn().load(Path.of("examples/gmm-niw.model"), Map.of());
    Bound bound = model.bind(Table.read(Fits.FAITHFUL), BindOptions.defaults());
    EmModel m = bound.compile().newModel();
    DataMatrix data = bound.data().orElseThrow();
    int n = data.rows();
    double[] r = Fits.randomResponsibilities(n, 2, 7);
    for (int round = 0; round < 2; round++) {
      double[] stats = new double[m.statisticsLength()];
      m.accumulateGiven(data.values(), 0, n, r, stats);
      m.maximize(stats);
    }
    double kappa = 0.01;
    double nu = 4;
    double psi = 1;
    double[] m0 = {0, 0};
    for (int c = 0; c < 2; c++) {
      double nk = 0;
      double[] sum = new double[2];
      for (int i = 0; i < n; i++) {
        nk += r[i * 2 + c];
        for (int d = 0; d < 2; d++) {
          sum[d] += r[i * 2 + c] * data.values()[i * 2 + d];
        }
      }
      double[] xbar = {sum[0] / nk, sum[1] / nk};
      double[] mu = {(sum[0] + kappa * m0[0]) / (nk + kappa), (sum[1] + kappa * m0[1]) / (nk + kappa)};
      double[] sigma = new double[4];
      for (int i = 0; i < n; i++) {
        for (int d = 0; d < 2; d++) {
          for (int e = 0; e < 2; e++) {
            sigma[d * 2 + e] += r[i * 2 + c] * (data.values()[i * 2 + d] - xbar[d]) * (data.values()[i * 2 + e] - xbar[e]);
          }
        }
      }
      for (int d = 0; d < 2; d++) {
        for (int e = 0; e < 2; e++) {
          sigma[d * 2 + e] += kappa * nk / (kappa + nk) * (xbar[d] - m0[d]) * (xbar[e] - m0[e]) + (d == e ? psi : 0);
          sigma[d * 2 + e] /= nk + nu + 2 + 2;
        }
      }
      assertClose(mu, java.util.Arrays.copyOfRange(m.param("mu"), c * 2, c * 2 + 2), 1e-10, "mu " + c);
      assertClose(sigma, java.util.Arrays.copyOfRange(m.param("Sigma"), c * 4, c * 4 + 4), 1e-10, "Sigma " + c);

      // The same mode by maximizing Σ_n r log 𝒩(x | μ, Σ) + log NIW(μ, Σ) numerically, over μ and
      // the Cholesky factor of Σ (log of its diagonal).
      final int comp = c;
      MultivariateFunction objective = u -> {
        double[] mean = {u[0], u[1]};
        double l11 = Math.exp(u[2]);
        double l21 = u[3];
        double l22 = Math.exp(u[4]);
        double[][] cov = {{l11 * l11, l11 * l21}, {l11 * l21, l21 * l21 + l22 * l22}};
        MultivariateNormalDistribution normal = new MultivariateNormalDistribution(mean, cov);
        double q = 0;
        for (int i = 0; i < n; i++) {
          q += r[i * 2 + comp] * Math.log(normal.density(new double[] {data.values()[i * 2], data.values()[i * 2 + 1]}));
        }
        double[][] scaled = {{cov[0][0] / kappa, cov[0][1] / kappa}, {cov[1][0] / kappa, cov[1][1] / kappa}};
        q += Math.log(new MultivariateNormalDistribution(m0, scaled).density(mean));
        q += logInverseWishart(cov, nu, psi);
        return q;
      };
      double[] start = {mu[0] + 0.1, mu[1] - 1, Math.log(Math.sqrt(sigma[0])) + 0.1, 0, Math.log(Math.sqrt(sigma[3]))};
      double[] lower = {-100, -100, -20, -100, -20};
      double[] upper = {200, 200, 20, 100, 20};
      double[] u = start;
      for (int round = 0; round < 3; round++) {
        u = new BOBYQAOptimizer(11, 0.5, 1e-12).optimize(new MaxEval(200_000), new ObjectiveFunction(objective),
            GoalType.MAXIMIZE, new InitialGuess(u), new SimpleBounds(lower, upper)).getPoint();
      }
      double l11 = Math.exp(u[2]);
      double l21 = u[3];
      double l22 = Math.exp(u[4]);
      assertClose(new double[] {u[0], u[1]}, mu, 1e-6, "numeric mu " + c);
      assertClose(new double[] {l11 * l11, l11 * l21, l11 * l21, l21 * l21 + l22 * l22}, sigma, 1e-6, "numeric Sigma " + c);
    }
  }

  /** log IW(Σ | ν, ψ I) for 2×2 Σ, from the textbook density. */
  private static double logInverseWishart(double[][] s, double nu, double psi) {
    int d = 2;
    double det = s[0][0] * s[1][1] - s[0][1] * s[1][0];
    double traceInv = (s[0][0] + s[1][1]) / det;
    double logMultiGamma = d * (d - 1) / 4.0 * Math.log(Math.PI) + Gamma.logGamma(nu / 2) + Gamma.logGamma(nu / 2 - 0.5);
    return nu / 2 * d * Math.log(psi) - nu * d / 2 * Math.log(2) - logMultiGamma
        - (nu + d + 1) / 2 * Math.log(det) - 0.5 * psi * traceInv;
  }

  @ParameterizedTest
  @MethodSource("maps")
  void theLogPosteriorNeverDecreases(String example, String data) throws Exception {
    Model model = Emc.builtIn().load(Path.of("examples", example + ".model"), Map.of());
    FitResult r = model.fit(Path.of("examples/data", data + ".csv"), BindOptions.defaults(),
        FitOptions.defaults().withTol(0).withMaxIter(100).withInit(FitOptions.Init.RANDOM));
    for (int t = 1; t < r.trace().size(); t++) {
      assertTrue(r.trace().get(t) >= r.trace().get(t - 1) - 1e-9 * Math.abs(r.trace().get(t - 1)),
          example + " iteration " + t);
    }
    assertTrue(r.objective() != r.logLikelihood(), "the objective includes the log prior");
  }

  static Stream<Arguments> maps() {
    return Stream.of(Arguments.of("poisson-map", "poisson"), Arguments.of("gmm-niw", "faithful"));
  }
}
