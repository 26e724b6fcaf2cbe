package dev.emc.runtime.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.DataInfo;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.Latent;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.SettingInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The driver's halving of a stepped parameter's step, on a model written by hand: one component,
 * counts y ~ Poisson(e^b), and b's M-step one Newton step on Σ (y b − e^b), b + (Σ y − N e^b) / (N e^b).
 * From b = −5 below the maximum at log ȳ the full step lands near b = 660, far past it.
 */
class StepHalvingTest {
  /** 0, 1, …, 9 twice: ȳ = 4.5. */
  private static final double[] COUNTS = new double[20];

  static {
    for (int n = 0; n < COUNTS.length; n++) {
      COUNTS[n] = n % 10;
    }
  }

  private static FitResult fit(boolean stepped, double direction, FitOptions o) throws Exception {
    return fitFrom(stepped, direction, o.withStart(Map.of("b", new double[] {-5})));
  }

  private static FitResult fitFrom(boolean stepped, double direction, FitOptions o) throws Exception {
    var data = new dev.emc.runtime.data.DataMatrix("counts", List.of("y"), COUNTS.clone(), COUNTS.length, 1, null);
    try (Fitter f = new Fitter(1)) {
      return f.fit(() -> new NewtonPoisson(stepped, direction), data, o);
    }
  }

  @Test
  void aStartFromResponsibilitiesTakesNewtonStepsUntilTheySettle() throws Exception {
    // From b = 0 the first step lands at 3.5, past log 4.5 = 1.50; two steps would leave b at 2.64.
    FitResult r = fitFrom(true, 1, FitOptions.defaults().withMaxIter(0));
    assertEquals(Math.log(4.5), r.params().get("b")[0], 1e-12);
  }

  @Test
  void aStartsStepToNoNumberIsUndone() throws Exception {
    // Steps turned around from b = 0: −3.5, −151, −1.8·10⁶⁶, then −∞ · 4.5 e^{−b}: undone.
    FitResult r = fitFrom(true, -1, FitOptions.defaults().withMaxIter(0));
    double b = r.params().get("b")[0];
    assertTrue(Double.isFinite(b) && b < -1e60, "b = " + b);
  }

  @Test
  void anOvershootIsHalvedUntilTheObjectiveRisesAndTheFitReachesTheMaximum() throws Exception {
    FitResult r = fit(true, 1, FitOptions.defaults().withTol(1e-15).withMaxIter(100));
    // Σ (y b − e^b) is greatest at e^b = ȳ, closed form.
    assertEquals(Math.log(4.5), r.params().get("b")[0], 1e-12);
    assertTrue(r.converged());
    // The first step, 2⁻⁷ of the whole (b = 0.21), is the first part that rises: 7 passes; the
    // Newton step from there overshoots log 4.5 again (to 2.9), and half of it (1.55) rises: 1 more.
    assertEquals(8, r.halvings());
    for (int i = 1; i < r.trace().size(); i++) {
      assertTrue(r.trace().get(i) > r.trace().get(i - 1) - 1e-12, "the objective fell at iteration " + i);
    }
  }

  @Test
  void aModelWithoutSteppedParametersStillFailsLoudlyWhenTheObjectiveFalls() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> fit(false, 1, FitOptions.defaults().withMaxIter(5)));
    assertTrue(e.getMessage().startsWith("the objective decreased from"), e.getMessage());
    assertTrue(!e.getMessage().contains("halved"), e.getMessage());
  }

  @Test
  void aStepThatNoHalvingMendsIsStillABug() {
    // The step turned around: a descent direction, whose every part lowers the objective.
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> fit(true, -1, FitOptions.defaults().withMaxIter(5)));
    assertTrue(e.getMessage().contains("with the step of b halved " + Fitter.HALVINGS + " times"), e.getMessage());
  }

  /** The hand-written EM: statistics N, Σ y and Σ e^b; the M-step b + direction · Newton's step. */
  private static final class NewtonPoisson implements EmModel {
    private static final int SUM_Y = COUNT + 1;
    private static final int SUM_MU = COUNT + 2;
    private final boolean stepped;
    private final double direction;
    private final double[] b = new double[1];

    NewtonPoisson(boolean stepped, double direction) {
      this.stepped = stepped;
      this.direction = direction;
    }

    @Override
    public String name() {
      return "newton_poisson";
    }

    @Override
    public int components() {
      return 1;
    }

    @Override
    public int columns() {
      return 1;
    }

    @Override
    public List<ParamInfo> params() {
      return List.of(new ParamInfo("b", ParamInfo.Constraint.REAL, 1, new int[] {}, stepped));
    }

    @Override
    public List<DataInfo> data() {
      return List.of(new DataInfo("y", "count", 0, 1, 0));
    }

    @Override
    public List<SettingInfo> settings() {
      return List.of();
    }

    @Override
    public int freeParameters() {
      return 1;
    }

    @Override
    public int statisticsLength() {
      return COUNT + 3;
    }

    @Override
    public double[] param(String name) {
      return b;
    }

    @Override
    public double[] setting(String name) {
      throw new IllegalArgumentException(name);
    }

    @Override
    public String prepare() {
      return null;
    }

    private double logDensity(double y) {
      double logFactorial = 0;
      for (int i = 2; i <= y; i++) {
        logFactorial += Math.log(i);
      }
      return y * b[0] - Math.exp(b[0]) - logFactorial;
    }

    @Override
    public void accumulate(double[] data, int from, int to, double[] stats) {
      for (int n = from; n < to; n++) {
        stats[LOGLIK] += logDensity(data[n]);
        stats[WEIGHT] += 1;
        stats[COUNT] += 1;
        stats[SUM_Y] += data[n];
        stats[SUM_MU] += Math.exp(b[0]);
      }
    }

    @Override
    public void accumulateGiven(double[] data, int from, int to, double[] resp, double[] stats) {
      for (int n = from; n < to; n++) {
        stats[WEIGHT] += resp[n - from];
        stats[COUNT] += resp[n - from];
        stats[SUM_Y] += resp[n - from] * data[n];
        stats[SUM_MU] += resp[n - from] * Math.exp(b[0]);
      }
    }

    @Override
    public void maximize(double[] stats) {
      b[0] += direction * (stats[SUM_Y] - stats[SUM_MU]) / stats[SUM_MU];
    }

    @Override
    public double logPenalty() {
      return 0;
    }

    @Override
    public String checkRow(double[] data, int n) {
      return null;
    }

    @Override
    public double responsibilities(double[] data, int from, int to, double[] out) {
      double ll = 0;
      for (int n = from; n < to; n++) {
        out[n - from] = 1;
        ll += logDensity(data[n]);
      }
      return ll;
    }

    @Override
    public void logDensities(double[] data, int from, int to, double[] out) {
      for (int n = from; n < to; n++) {
        out[n - from] = logDensity(data[n]);
      }
    }

    @Override
    public Latent latent() {
      return new Latent.Rows();
    }
  }
}
