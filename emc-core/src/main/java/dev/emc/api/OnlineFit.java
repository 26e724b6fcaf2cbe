package dev.emc.api;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.fit.FitException;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Stepwise;
import java.util.ArrayList;
import java.util.List;

/**
 * A fit updated batch by batch as rows arrive (a {@code partial_fit}): stepwise EM
 * ({@link Stepwise}). {@link #start} or else the first batch starts it, from {@code options}'
 * given parameters or by the ordinary start on its rows; each batch then moves the running statistics and the
 * parameters, and {@link #current} is the fit so far. From a compiled model:
 *
 * <pre>
 * OnlineFit online = compiled.online(FitOptions.defaults(), Stepwise.Steps.defaults());
 * online.update(batch1);   // double[][]: one array per row, in the model's columns
 * online.update(batch2);
 * FitResult fit = online.current();
 * </pre>
 *
 * Of {@code options}, the start ({@code init}, {@code start}, {@code seed}) and the
 * regularization ({@code reg}, Ψ from the starting rows' column variances) count; the rest are a
 * batch fit's.
 */
public final class OnlineFit {
  /** The most points {@link FitResult#trace} keeps: every batch's, then every second one's, and so on. */
  static final int TRACE = 2048;

  private final Compiled compiled;
  private final FitOptions options;
  private final Stepwise.Steps steps;
  private final List<String> names;
  private final List<String> warnings = new ArrayList<>();
  private final List<Double> trace = new ArrayList<>();
  private long stride = 1;
  private Stepwise stepwise;
  private long nanos;

  /**
   * @param names the columns' names, for messages and the result ({@code c1, c2, …} when null)
   * @throws FitException when the model cannot be fitted online (a latent chain, a
   *     Newton-stepped update), before any row
   */
  OnlineFit(Compiled compiled, FitOptions options, Stepwise.Steps steps, List<String> names) throws FitException {
    this.compiled = compiled;
    this.options = options;
    this.steps = steps;
    EmModel probe = compiled.newModel();
    Stepwise.refuseStructure(probe);
    if (names == null) {
      List<String> made = new ArrayList<>();
      for (int c = 1; c <= probe.columns(); c++) {
        made.add("c" + c);
      }
      names = made;
    }
    this.names = List.copyOf(names);
  }

  /**
   * Starts the fit from {@code sample} before the first batch: the ordinary start (or
   * {@code options}' given parameters) and the regularization from more rows than a batch holds.
   * A start from a small batch leaves a factor model's loadings, and a mixture's k-means centres,
   * as noisy as that batch, and stepwise EM with a decaying step takes long to forget them. The
   * sample is not a batch: it moves no statistics. Without this, the first batch starts the fit.
   *
   * @throws IllegalStateException when the fit has started
   */
  public void start(DataMatrix sample) throws DataException, FitException {
    if (stepwise != null) {
      throw new IllegalStateException("the fit has started");
    }
    long t0 = System.nanoTime();
    stepwise = Stepwise.start(compiled::newModel, sample, options, steps, warnings);
    nanos += System.nanoTime() - t0;
  }

  /** One batch, one array per row in the model's columns. */
  public void update(double[][] rows) throws DataException, FitException {
    update(DataMatrix.of(rows, names));
  }

  /** One batch of rows in the model's layout (as a bound model's data are). */
  public void update(DataMatrix batch) throws DataException, FitException {
    long t0 = System.nanoTime();
    if (stepwise == null) {
      stepwise = Stepwise.start(compiled::newModel, batch, options, steps, warnings);
    }
    stepwise.update(batch);
    nanos += System.nanoTime() - t0;
    if (stepwise.batches() % stride == 0) {
      trace.add(stepwise.runningLogLikelihood());
      if (trace.size() == TRACE) {
        for (int i = 0; i < TRACE / 2; i++) {
          trace.set(i, trace.get(2 * i + 1));
        }
        trace.subList(TRACE / 2, TRACE).clear();
        stride *= 2;
      }
    }
  }

  /** The rows seen so far. */
  public long rows() {
    return stepwise == null ? 0 : stepwise.rows();
  }

  /** The batches seen so far. */
  public long batches() {
    return stepwise == null ? 0 : stepwise.batches();
  }

  /**
   * Σ of each batch's log-likelihood at the parameters before its own M-step: every row scored
   * by parameters that had not seen it.
   */
  public double prequentialLogLikelihood() {
    return stepwise == null ? Double.NaN : stepwise.prequentialLogLikelihood();
  }

  /** The running estimate of the log-likelihood of the rows seen, as {@link #current()} gives it. */
  public double runningLogLikelihood() {
    requireStarted();
    return stepwise.runningLogLikelihood();
  }

  /** Σ_n log p(x_n) over {@code batch} at the current parameters: one more pass, batch by batch, with no M-step. */
  public double logLikelihood(DataMatrix batch) {
    requireStarted();
    EmModel m = stepwise.model();
    double[] r = new double[batch.rows() * m.components()];
    return m.responsibilities(batch.values(), 0, batch.rows(), r);
  }

  /**
   * The fit so far. Its log-likelihood is the running estimate: the rows seen times the
   * γ-weighted mean of the batches' log-likelihoods per row, each at the parameters it met
   * (recent batches weigh more when α &lt; 1); {@link #current(double)} takes one computed anew.
   */
  public FitResult current() {
    requireStarted();
    return current(runningLogLikelihood());
  }

  /** The fit so far, with the log-likelihood at its parameters given (from {@link #logLikelihood} over every row). */
  public FitResult current(double logLikelihood) {
    requireStarted();
    EmModel m = stepwise.model();
    List<Double> points = new ArrayList<>(trace);
    List<String> notes = new ArrayList<>(warnings);
    if (stepwise.rows() < steps.warmup()) {
      notes.add("the warm-up of " + steps.warmup() + " rows is not over (" + stepwise.rows() + " seen): the"
          + " parameters are still the start");
    }
    double seconds = nanos / 1e9;
    return new FitResult(m, stepwise.params(), logLikelihood, logLikelihood + m.logPenalty(),
        (int) Math.min(Integer.MAX_VALUE, stepwise.batches()), false, List.copyOf(points), 0, 0,
        (int) Math.min(Integer.MAX_VALUE, stepwise.rows()), stepwise.rows(), List.copyOf(notes), seconds,
        seconds / stepwise.batches(), options);
  }

  /** The step-size rule. */
  public Stepwise.Steps steps() {
    return steps;
  }

  private void requireStarted() {
    if (stepwise == null) {
      throw new IllegalStateException("no batch yet: the first batch starts the fit");
    }
  }
}
