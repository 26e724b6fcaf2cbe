package dev.emc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.api.Bound;
import dev.emc.api.Compiled;
import dev.emc.api.DerivationFormat;
import dev.emc.api.Emc;
import dev.emc.api.Model;
import dev.emc.api.Simulation;
import dev.emc.dist.Family;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Prediction;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;
import org.junit.jupiter.api.Test;

/**
 * The checks every distribution family passes, for a plugin's tests to extend. A subclass names
 * its family, a mixture model that uses it, parameters to draw data from, and the family's
 * log-density written plainly in Java — independently of the formulas the family gives emc, so
 * that each check compares the family against something else:
 * <ul>
 *   <li>the E-step's responsibilities equal Bayes' rule with that density;
 *   <li>each M-step update maximizes Q, the expected complete-data log-likelihood, as a numerical
 *       maximization (Nelder–Mead, in each component's parameters) finds it;
 *   <li>the sampler's draws have the density's mean and variance (by numerical integration);
 *   <li>the derivation renders, in every format.
 * </ul>
 * The model is a finite mixture over a latent {@code z} with weights {@code phi}, the family's
 * parameters indexed by {@code z}, one column of data; see the von Mises example plugin.
 */
public abstract class FamilyContract {
  /** The family under test. Its class's jar or folder is where generated code finds its methods. */
  protected abstract Family family();

  /**
   * The model, e.g. {@code K = 2; z ~ Categorical(phi); x ~ VonMises(mu[z], kappa[z]);} with the
   * data's column x.
   */
  protected abstract String model();

  /** Parameters to draw data from, flat as a fit reports them: phi and the family's, K entries each. */
  protected abstract Map<String, double[]> truth();

  /** The family's parameters in the model, in the order {@link #logDensity} takes them. */
  protected abstract List<String> parameters();

  /** log p(x | θ), written independently of the family's formulas. */
  protected abstract double logDensity(double x, double... theta);

  /**
   * Where the density lives, for the moments by numerical integration: a finite interval, or the
   * integers lo..hi for a discrete family (wide enough that the mass beyond is negligible).
   */
  protected abstract Support support();

  /** The rows drawn for each check. */
  protected int rows() {
    return 2000;
  }

  /** A family's support: an interval of reals, or a range of integers. */
  public record Support(double lo, double hi, boolean integers) {
    public static Support interval(double lo, double hi) {
      return new Support(lo, hi, false);
    }

    public static Support integers(int lo, int hi) {
      return new Support(lo, hi, true);
    }
  }

  private Model parsed() {
    Family f = family();
    return Emc.builtIn().withFamily(f).withoutCache().parse(f.name() + "-contract", model(), Map.of());
  }

  private Bound bound() {
    return parsed().bind(Map.of());
  }

  private DataMatrix draw(Bound bound, long seed) {
    return bound.simulate(truth(), rows(), 1, seed, List.of()).data();
  }

  private int components() {
    return truth().get("phi").length;
  }

  private double[] theta(Map<String, double[]> params, int k) {
    List<String> names = parameters();
    double[] theta = new double[names.size()];
    for (int i = 0; i < theta.length; i++) {
      theta[i] = params.get(names.get(i))[k];
    }
    return theta;
  }

  /** r_nk from the compiled E-step equals φ_k p(x_n | θ_k) / Σ_j φ_j p(x_n | θ_j). */
  @Test
  public void theEStepIsBayesRule() {
    Bound bound = bound();
    DataMatrix data = draw(bound, 1);
    Prediction p = bound.compile().predict(truth(), data);
    int k = components();
    double[] phi = truth().get("phi");
    for (int n = 0; n < data.rows(); n++) {
      double x = data.values()[n * data.columns()];
      double[] joint = new double[k];
      double most = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        joint[j] = Math.log(phi[j]) + logDensity(x, theta(truth(), j));
        most = Math.max(most, joint[j]);
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        sum += Math.exp(joint[j] - most);
      }
      for (int j = 0; j < k; j++) {
        double bayes = Math.exp(joint[j] - most) / sum;
        assertEquals(bayes, p.responsibilities()[n * k + j], 1e-9,
            "r[" + n + "][" + j + "] at x = " + x + ": the E-step against Bayes' rule with the density");
      }
      assertEquals(most + Math.log(sum), p.logDensities()[n], 1e-9 * Math.max(1, Math.abs(most)),
          "log p(x) at row " + n);
    }
  }

  /**
   * One EM iteration from the truth: the M-step's parameters maximize Q(θ) = Σ_n r_nk log p(x_n |
   * θ_k), component by component, as Nelder–Mead finds the maximum from a start 10% away.
   */
  @Test
  public void eachUpdateMaximizesQ() throws Exception {
    Bound bound = bound();
    DataMatrix data = draw(bound, 2);
    Compiled compiled = bound.compile();
    double[] r = compiled.predict(truth(), data).responsibilities();
    FitResult step = compiled.fit(data, FitOptions.defaults().withInit(FitOptions.Init.GIVEN)
        .withStart(truth()).withMaxIter(1).withReg(0).withThreads(1));
    int k = components();
    for (int j = 0; j < k; j++) {
      final int component = j;
      MultivariateFunction q = theta -> {
        double sum = 0;
        for (int n = 0; n < data.rows(); n++) {
          sum += r[n * k + component] * logDensity(data.values()[n * data.columns()], theta);
        }
        return Double.isNaN(sum) ? Double.NEGATIVE_INFINITY : sum;
      };
      double[] emc = theta(step.params(), j);
      double[] start = emc.clone();
      for (int i = 0; i < start.length; i++) {
        start[i] *= 1.1;
      }
      PointValuePair best = new SimplexOptimizer(1e-14, 1e-14).optimize(new MaxEval(100_000),
          new ObjectiveFunction(q), GoalType.MAXIMIZE, new InitialGuess(start),
          new NelderMeadSimplex(start.length, 0.05));
      assertTrue(q.value(emc) >= best.getValue() - 1e-7 * Math.abs(best.getValue()),
          "component " + (j + 1) + ": Q at the M-step's " + Arrays.toString(emc) + " is " + q.value(emc)
              + ", below Q at " + Arrays.toString(best.getPoint()) + ", " + best.getValue());
      for (int i = 0; i < emc.length; i++) {
        assertEquals(best.getPoint()[i], emc[i], 1e-3 * Math.max(1, Math.abs(emc[i])),
            parameters().get(i) + "[" + (j + 1) + "]: the M-step against the numerical maximum of Q");
      }
    }
  }

  /**
   * Each component's drawn values have the mean and variance the density integrates to, within
   * five standard errors (the draws are a seeded sample, so the check is repeatable).
   */
  @Test
  public void theSamplerDrawsTheDensity() {
    Bound bound = bound();
    Simulation s = bound.simulate(truth(), rows() * 10, 1, 3, List.of());
    DataMatrix data = s.data();
    for (int j = 0; j < components(); j++) {
      double[] theta = theta(truth(), j);
      double[] moments = moments(theta);
      double mean = moments[0];
      double variance = moments[1] - mean * mean;
      double sum = 0;
      double squares = 0;
      int count = 0;
      for (int n = 0; n < data.rows(); n++) {
        if ((int) s.latents()[n][0] == j + 1) {
          double x = data.values()[n * data.columns()];
          sum += x;
          squares += x * x;
          count++;
        }
      }
      assertTrue(count > 100, "component " + (j + 1) + " drew " + count + " rows");
      double drawnMean = sum / count;
      double drawnVariance = squares / count - drawnMean * drawnMean;
      assertEquals(mean, drawnMean, 5 * Math.sqrt(variance / count),
          "component " + (j + 1) + ": the drawn mean against the density's");
      // Var of the sample variance ≈ (μ₄ − σ⁴)/n; bounded here by 2σ⁴ + the fourth moment's spread.
      double kurtosisBound = moments[2] - 4 * mean * moments[3] + 6 * mean * mean * moments[1] - 3 * Math.pow(mean, 4);
      assertEquals(variance, drawnVariance, 5 * Math.sqrt(Math.max(kurtosisBound - variance * variance, 0) / count)
          + 1e-12, "component " + (j + 1) + ": the drawn variance against the density's");
    }
  }

  /** E[x], E[x²], E[x⁴], E[x³] by integrating (or summing) the density over its support. */
  private double[] moments(double[] theta) {
    Support s = support();
    double[] m = new double[5];
    if (s.integers()) {
      for (long x = (long) s.lo(); x <= (long) s.hi(); x++) {
        add(m, x, Math.exp(logDensity(x, theta)));
      }
    } else {
      int steps = 200_000; // Simpson's rule: error far below the sampling error checked against
      double h = (s.hi() - s.lo()) / steps;
      for (int i = 0; i <= steps; i++) {
        double x = s.lo() + i * h;
        double w = (i == 0 || i == steps ? 1 : i % 2 == 1 ? 4 : 2) * h / 3;
        double p = Math.exp(logDensity(x, theta));
        add(m, x, Double.isFinite(p) ? w * p : 0);
      }
    }
    assertEquals(1, m[4], 1e-6, "the density integrates to 1 over " + s + " at " + Arrays.toString(theta));
    return new double[] {m[0] / m[4], m[1] / m[4], m[2] / m[4], m[3] / m[4]};
  }

  private static void add(double[] m, double x, double p) {
    m[0] += p * x;
    m[1] += p * x * x;
    m[2] += p * x * x * x * x;
    m[3] += p * x * x * x;
    m[4] += p;
  }

  /**
   * The derivation renders in every format, with a step for each of the family's parameters
   * (its M-step's "maximize Q" equation names the parameter it updates).
   */
  @Test
  public void theDerivationRenders() {
    Model model = parsed();
    for (DerivationFormat format : DerivationFormat.values()) {
      String text = model.derivation(format);
      assertFalse(text.isBlank(), format + " is empty");
      assertFalse(text.contains("null"), format + " says null:\n" + text);
    }
    assertTrue(model.derivation(DerivationFormat.HTML).contains("<math"), "HTML has MathML");
  }

  /** Copies of the truth, so that a subclass's map is never changed by a check. */
  protected static Map<String, double[]> params(Object... nameValues) {
    Map<String, double[]> m = new HashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      m.put((String) nameValues[i], ((double[]) nameValues[i + 1]).clone());
    }
    return m;
  }
}
