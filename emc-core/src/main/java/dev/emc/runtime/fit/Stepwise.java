package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.Moments;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Stepwise (online) EM, after Cappé and Moulines (2009): after each batch of rows, the running
 * statistics s ← (1 − γ_t) s + γ_t ŝ_t, where ŝ_t is the batch's expected statistics per row
 * (its E-step at the current parameters), with step γ_t = (t + t₀)^(−α), α ∈ (0.5, 1]; then the
 * M-step from n · s, n the rows seen so far, so that s estimates the expected statistics of one
 * row and n · s those of all the rows seen, as a batch fit's M-step sees them: a prior or the
 * regularization Ψ weighs against n rows, as in a batch fit of those rows.
 *
 * <p>The generated statistics are centred on the parameters the pass ran with (a mean's
 * Σ r (x − μ), a regression's residuals), so statistics of batches at different parameters do not
 * add. Each batch's responsibilities are therefore computed at the current parameters, and its
 * statistics from them ({@link EmModel#accumulateGiven}) centred on one fixed reference, the
 * start; the M-step then runs with the model's parameters at the reference. That is exact for
 * every update that is a function of the rows' expected statistics alone (every closed form, a
 * Gamma shape's Newton root). It is not for an update that is a step from the current value
 * (a Newton step, Böhning's bound step) nor for statistics with a posterior of their own inside
 * (a t mixture's scales): {@link #check} finds those by running the first batch's M-step from two
 * references, and refuses them, as it refuses a latent chain (a batch cuts its sequences).
 * The reference being the start, a start many standard deviations from the fit costs the
 * statistics digits to cancellation, as raw moments would.
 *
 * <p>Factors' statistics hold the factors' posterior at the parameters the pass ran with, which
 * no responsibilities can re-centre; their model gives {@link Moments} instead: each batch's
 * E-step at the current parameters, as moments about a fixed shift (the start's means), which
 * add across parameters. The running average is of those, and each M-step reads them
 * {@link Moments#centred} at the current parameters.
 */
public final class Stepwise {
  /**
   * How the steps go.
   *
   * @param decay α in γ_t = (t + t₀)^(−α), in (0.5, 1]: Robbins–Monro's conditions Σ γ = ∞,
   *     Σ γ² &lt; ∞
   * @param offset t₀ ≥ 0: a larger one takes smaller steps at first
   * @param warmup rows to see before the first M-step (the parameters stay at the start until
   *     then): statistics of a few rows can leave a component with nothing to estimate it from
   */
  public record Steps(double decay, double offset, long warmup) {
    public Steps {
      if (!(decay > 0.5 && decay <= 1)) {
        throw new IllegalArgumentException("the step decay α must be in (0.5, 1], not " + decay);
      }
      if (!(offset >= 0) || Double.isInfinite(offset)) {
        throw new IllegalArgumentException("the step offset t₀ must be a finite number ≥ 0, not " + offset);
      }
      if (warmup < 0) {
        throw new IllegalArgumentException("the warm-up must be 0 rows or more, not " + warmup);
      }
    }

    /**
     * α = 1, t₀ = 0, no warm-up: γ_t = 1/t, so s is the plain mean of the batches' statistics,
     * incremental EM in one pass, which reaches the batch fit of the same rows. A smaller α forgets
     * old batches faster (for data whose distribution drifts), but the last parameters then rest on
     * about the last 1/γ_t batches only, and are that much noisier.
     */
    public static Steps defaults() {
      return new Steps(1.0, 0, 0);
    }

    /** γ_t for batch t = 1, 2, …; γ_1 = 1 when t₀ = 0. */
    public double gamma(long t) {
      return Math.pow(t + offset, -decay);
    }
  }

  /** Relative difference beyond which two references' M-steps disagree: not rounding, nor a Newton root's tolerance. */
  static final double AGREE = 1e-7;

  private final EmModel model;
  private final Steps steps;
  private final List<ParamInfo> params;
  private final double[][] reference;
  private final double[][] current;
  /** The model's moments when its statistics cannot be re-centred (factors), else null. */
  private final Moments moments;
  /** The fixed shift the moments are about: the start's means. */
  private final double[] shift;
  private double[] running;
  private long batches;
  private long rows;
  private double logLikelihood;
  /** Whether {@link #check} has run to its end: until then, every M-step's batch is checked. */
  private boolean checked;

  /**
   * Stepwise EM for {@code model}, whose parameters hold the start and whose settings the
   * regularization; the start is the reference the statistics are centred on.
   *
   * @throws FitException when the model cannot be fitted online, saying why
   */
  public Stepwise(EmModel model, Steps steps) throws FitException {
    refuseStructure(model);
    this.model = model;
    this.steps = steps;
    this.params = model.params();
    this.reference = snapshot();
    this.current = snapshot();
    String problem = model.prepare();
    if (problem != null) {
      throw new FitException("the starting parameters are not usable: " + problem);
    }
    this.moments = LatentPass.of(model).moments();
    this.shift = moments == null ? null : moments.shift();
  }

  /**
   * Stepwise EM started on its first batch: from the parameters {@code o} gives, or by the
   * ordinary start (k-means, or random responsibilities) on the batch's rows, with the
   * regularization Ψ from the batch's column variances. Warnings (a degenerate k-means start's
   * fallback, a constant column) go to {@code warnings}.
   */
  public static Stepwise start(Supplier<EmModel> factory, DataMatrix first, FitOptions o, Steps steps,
      List<String> warnings) throws DataException, FitException {
    EmModel m = factory.get();
    refuseStructure(m);
    if (o.init() == FitOptions.Init.GIVEN) {
      warnings.addAll(DataChecks.constantColumnWarnings(m, first, o));
      DataChecks.setRegularization(m, first, o.reg());
      for (ParamInfo p : m.params()) {
        System.arraycopy(o.start().get(p.name()), 0, m.param(p.name()), 0, p.copies() * p.elements());
      }
    } else {
      try (Fitter fitter = new Fitter(1)) {
        FitResult started = fitter.fit(factory, first, o.withMaxIter(0).withRestarts(1));
        warnings.addAll(started.warnings().stream().filter(w -> !w.contains(" is empty")).toList());
        m = started.model();
      }
    }
    return new Stepwise(m, steps);
  }

  /** Why a latent structure or a stepped update cannot run online: checked before any row. */
  public static void refuseStructure(EmModel m) throws FitException {
    String why = LatentPass.of(m).notOnline();
    if (why == null) {
      List<String> stepped = m.params().stream().filter(ParamInfo::stepped).map(ParamInfo::name).toList();
      if (!stepped.isEmpty()) {
        why = "the update of " + String.join(" and ", stepped) + " is a Newton step from its current value,"
            + " shortened while the objective falls, which needs every row again (generalized EM)";
      }
    }
    if (why != null) {
      throw new FitException("model " + m.name() + " cannot be fitted online: " + why);
    }
  }

  /** The rows seen so far. */
  public long rows() {
    return rows;
  }

  /** The batches seen so far. */
  public long batches() {
    return batches;
  }

  /**
   * Σ over the batches so far of each batch's log-likelihood at the parameters it met, before its
   * M-step: a prequential estimate, each row scored by parameters that have not seen it.
   */
  public double prequentialLogLikelihood() {
    return logLikelihood;
  }

  /**
   * The running statistics' log-likelihood per row times the rows seen: the γ-weighted mean of
   * the batches' log-likelihoods per row, which weighs recent batches more when α &lt; 1.
   */
  public double runningLogLikelihood() {
    return running == null ? Double.NaN : running[EmModel.LOGLIK] * rows;
  }

  /** The current parameters, flat, by name. */
  public Map<String, double[]> params() {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (int i = 0; i < params.size(); i++) {
      out.put(params.get(i).name(), current[i].clone());
    }
    return out;
  }

  /**
   * The running statistics per row (a copy), null before the first batch: for factors, moments
   * about the start's means ({@link Moments}).
   */
  public double[] statistics() {
    return running == null ? null : running.clone();
  }

  /**
   * One batch of rows in memory, checked first: the model's columns, every value finite (an empty
   * cell cannot be integrated out online) and one its families can take.
   */
  public void update(DataMatrix batch) throws DataException, FitException {
    if (batch.cache() != null || batch.weights() != null || batch.labels() != null || batch.sequences() != null) {
      throw new IllegalArgumentException("an online batch is plain rows in memory: no weights, labels or sequences");
    }
    if (batch.columns() != model.columns()) {
      throw new DataException(batch.source(), "the rows have " + batch.columns() + " columns, but model "
          + model.name() + " reads " + model.columns());
    }
    double[] values = batch.values();
    for (int n = 0; n < batch.rows(); n++) {
      String problem = null;
      for (int c = 0; c < batch.columns() && problem == null; c++) {
        if (!Double.isFinite(values[n * batch.columns() + c])) {
          problem = batch.names().get(c) + " is " + values[n * batch.columns() + c] + ", not a finite number"
              + " (empty cells cannot be integrated out online)";
        }
      }
      problem = problem != null ? problem : model.checkRow(values, n);
      if (problem != null) {
        int line = batch.lines() == null ? 0 : batch.lines()[n];
        throw new DataException(batch.source(), line, 0, 0, null, "row " + (rows + n + 1) + ": " + problem);
      }
    }
    update(values, batch.rows());
  }

  /**
   * One batch: rows [0, n) of {@code values}, in the model's layout. Its E-step at the current
   * parameters, the running statistics, then the M-step (once the warm-up is over).
   *
   * @throws FitException when the batch has a row no component can have produced, or the M-step
   *     leaves parameters that cannot be used; and, at the first M-step, when the model's updates
   *     are not functions of its statistics
   */
  public void update(double[] values, int n) throws FitException {
    if (n == 0) {
      return;
    }
    set(current);
    model.prepare();
    double[] resp = null;
    double[] batch = null;
    double ll;
    if (moments == null) {
      resp = new double[n * model.components()];
      ll = model.responsibilities(values, 0, n, resp);
    } else {
      // The moments' pass is the E-step itself: its log-likelihood comes with it.
      batch = new double[moments.momentsLength()];
      moments.moments(values, 0, n, shift, batch);
      ll = batch[EmModel.LOGLIK];
    }
    if (!Double.isFinite(ll)) {
      throw new FitException("batch " + (batches + 1) + " (rows " + (rows + 1) + " to " + (rows + n) + ") has"
          + " log-likelihood " + ll + " at the current parameters: " + (ll == Double.NEGATIVE_INFINITY
              ? "some row has zero probability under every component" : "the parameters have become degenerate"));
    }
    if (moments == null) {
      batch = given(values, n, resp, reference);
      batch[EmModel.LOGLIK] = ll;
    }
    boolean first = running == null;
    batches++;
    rows += n;
    logLikelihood += ll;
    double gamma = first ? 1 : steps.gamma(batches);
    if (first) {
      running = new double[batch.length];
    }
    for (int i = 0; i < batch.length; i++) {
      running[i] = (1 - gamma) * running[i] + gamma * (batch[i] / n);
    }
    if (rows < steps.warmup()) {
      return;
    }
    if (!checked && moments == null) {
      check(values, n, resp);
    }
    maximize();
  }

  /**
   * The M-step from n · s, with the model's parameters at the reference the statistics are
   * centred on; or, from moments, at the current parameters they are centred at. A component
   * with no weight keeps its current parameters, as in a batch fit.
   */
  private void maximize() throws FitException {
    double[] scaled = new double[running.length];
    for (int i = 0; i < running.length; i++) {
      scaled[i] = running[i] * rows;
    }
    if (moments == null) {
      set(reference);
    } else {
      set(current);
      model.prepare();
      double[] stats = new double[model.statisticsLength()];
      moments.centred(scaled, shift, stats);
      scaled = stats;
    }
    model.maximize(scaled);
    for (int i = 0; i < params.size(); i++) {
      ParamInfo p = params.get(i);
      double[] fresh = model.param(p.name());
      int size = p.elements();
      for (int c = 0; c < p.copies(); c++) {
        boolean empty = p.copies() == model.components()
            && !(running[EmModel.COUNT + c] > EmModel.EMPTY * running[EmModel.WEIGHT]);
        System.arraycopy(empty ? current[i] : fresh, c * size, current[i], c * size, size);
      }
    }
    set(current);
    String problem = model.prepare();
    if (problem != null) {
      throw new FitException("after batch " + batches + " (" + rows + " rows), " + problem
          + ": a component has collapsed onto too few rows; use larger batches, a warm-up, or fewer components");
    }
  }

  /**
   * The batch's M-step from its statistics centred on two references, the start and that M-step's
   * result, must give the same parameters: else some update is not a function of the rows'
   * expected statistics, and a running average of them cannot drive it.
   */
  private void check(double[] values, int n, double[] resp) throws FitException {
    Map<String, double[]> fromStart = maximizeAt(reference, given(values, n, resp, reference));
    double[][] moved = new double[params.size()][];
    for (int i = 0; i < moved.length; i++) {
      moved[i] = fromStart.get(params.get(i).name());
    }
    set(moved);
    if (model.prepare() != null) {
      set(current);
      return; // this batch alone is too little to estimate from: the next one is checked instead
    }
    checked = true;
    Map<String, double[]> fromMoved = maximizeAt(moved, given(values, n, resp, moved));
    List<String> differ = new ArrayList<>();
    for (ParamInfo p : params) {
      double[] a = fromStart.get(p.name());
      double[] b = fromMoved.get(p.name());
      for (int j = 0; j < a.length; j++) {
        if (!(Math.abs(a[j] - b[j]) <= AGREE * (1 + Math.abs(a[j])))) {
          differ.add(p.name());
          break;
        }
      }
    }
    set(current);
    if (!differ.isEmpty()) {
      throw new FitException("model " + model.name() + " cannot be fitted online: the update of "
          + String.join(" and ", differ) + " depends on the current parameters, not only on the rows' expected"
          + " statistics (a step from the current value, as a generalized EM step takes, or a posterior of its own"
          + " inside the statistics), so a running average of statistics cannot drive it");
    }
  }

  /** The M-step from statistics {@code stats} (of the batch, whole) with the parameters at {@code at}. */
  private Map<String, double[]> maximizeAt(double[][] at, double[] stats) {
    set(at);
    model.maximize(stats);
    Map<String, double[]> out = new LinkedHashMap<>();
    for (ParamInfo p : params) {
      out.put(p.name(), model.param(p.name()).clone());
    }
    return out;
  }

  /** The batch's statistics from its responsibilities, centred on parameters {@code at}. */
  private double[] given(double[] values, int n, double[] resp, double[][] at) {
    set(at);
    model.prepare();
    double[] stats = new double[model.statisticsLength()];
    model.accumulateGiven(values, 0, n, resp, stats);
    return stats;
  }

  private double[][] snapshot() {
    double[][] copy = new double[params.size()][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = model.param(params.get(i).name()).clone();
    }
    return copy;
  }

  /** Writes {@code values} into the model's parameters (it needs preparing after). */
  private void set(double[][] values) {
    for (int i = 0; i < values.length; i++) {
      System.arraycopy(values[i], 0, model.param(params.get(i).name()), 0, values[i].length);
    }
  }

  /** The model, at the current parameters and prepared. */
  public EmModel model() {
    set(current);
    model.prepare();
    return model;
  }
}
