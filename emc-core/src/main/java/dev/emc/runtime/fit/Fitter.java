package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The fit driver: starts, E-step passes over all rows on a thread pool, M-steps, convergence,
 * restarts. What a pass, a start and a prediction do depends on the model's latent structure, so
 * the driver takes them from the model's {@link LatentPass}.
 *
 * <p>A pass splits the rows into units (chunks whose boundaries depend only on the number of
 * rows, or sequences), runs the generated {@code accumulate} on each, and adds the units'
 * statistics in order: the result is the same, bit for bit, on any number of threads.
 *
 * <p>Each iteration checks that the objective did not decrease beyond rounding. EM cannot lower
 * it, so a decrease is a wrong update: it fails loudly ({@link IllegalStateException}). The one
 * exception is a parameter whose update is a step toward the maximum of its terms of Q rather
 * than the maximum ({@link ParamInfo#stepped}, a Newton step): a fall after it means the step
 * was too long, and the driver halves it ({@link Steps}) before it calls the fall a bug.
 */
public final class Fitter implements AutoCloseable {
  /** How far below the last objective rounding may leave the next, relative to its size. */
  static final double ROUNDING = 1e-9;
  /**
   * How many times a stepped parameter's step may be halved before a fall of the objective is a
   * wrong update after all: 2⁻³⁰ of a step is as good as none.
   */
  static final int HALVINGS = 30;

  private final Workers workers;
  private Monitor monitor = (run, runs, iteration, objective) -> true;

  /** Sees each iteration of a fit as it happens, and may stop it. */
  public interface Monitor {
    /**
     * After iteration {@code iteration}'s E-step of run {@code run} (0-based) of {@code runs}, whose
     * objective is {@code objective}. Returning false stops the fit there: the best run so far,
     * this one included, is the result.
     */
    boolean iteration(int run, int runs, int iteration, double objective);
  }

  /** Sets what sees the iterations of the fits that follow. */
  public Fitter monitor(Monitor m) {
    this.monitor = m;
    return this;
  }

  public Fitter(int threads) {
    this.workers = new Workers(threads);
  }

  @Override
  public void close() {
    workers.close();
  }

  /**
   * Fits a model to data. {@code factory} makes a fresh model for each restart.
   *
   * @throws DataException when the data cannot be fitted at all (too few rows, a constant column
   *     without regularization)
   * @throws FitException when no run could finish
   */
  public FitResult fit(Supplier<EmModel> factory, DataMatrix data, FitOptions o)
      throws DataException, FitException {
    long start = System.nanoTime();
    EmModel probe = factory.get();
    // Rows with empty cells have their own E-step; the generated pass, the start and the checks
    // see the complete rows.
    MissingCells missing = MissingCells.of(probe, data);
    if (missing != null && data.weights() != null) {
      throw new DataException(data.source(), "rows with empty cells cannot be weighted yet: fill the cells,"
          + " or fit without weights");
    }
    if (missing != null && data.labels() != null) {
      throw new DataException(data.source(), "rows with empty cells cannot be labelled yet: fill the cells,"
          + " or fit without labels");
    }
    DataMatrix all = data;
    DataMatrix complete = missing == null ? all : missing.complete();
    LatentPass pass = LatentPass.of(probe);
    DataChecks.check(probe, pass, complete, o);
    List<String> warnings = new ArrayList<>(DataChecks.constantColumnWarnings(probe, complete, o));
    warnings.addAll(pass.warnings());
    return runs(factory, probe, complete, m -> statistics(m, LatentPass.of(m), complete, missing), all.rows(),
        all.totalWeight(), warnings, o, start);
  }

  /**
   * One E-step pass over all the rows at a model's prepared parameters: their merged statistics, as
   * {@link EmModel#accumulate} adds them, in an order that does not depend on how the rows are split.
   * The in-memory pass runs on this fitter's threads; another engine (a cluster's) gives its own.
   */
  public interface Pass {
    double[] statistics(EmModel m);
  }

  /**
   * Fits a model to rows that only {@code all} reaches, as the in-memory fit does the rows in memory:
   * the checks, the start and the regularization come from {@code sample}, at most
   * {@link DataMatrix#START_SAMPLE} rows spread over all of them (all of them when they are fewer,
   * and then the fit is the in-memory one); each iteration's E-step is one {@code all} pass. The
   * rows' own checks ({@link EmModel#checkRow}) beyond the sample are the pass's.
   *
   * @param rows how many rows {@code all} passes over, each of weight 1
   */
  public FitResult fit(Supplier<EmModel> factory, DataMatrix sample, int rows, Pass all, FitOptions o)
      throws DataException, FitException {
    long start = System.nanoTime();
    EmModel probe = factory.get();
    if (MissingCells.of(probe, sample) != null || sample.weights() != null || sample.labels() != null) {
      throw new DataException(sample.source(), "rows with empty cells, weights or labels can only be fitted in"
          + " memory yet");
    }
    LatentPass pass = LatentPass.of(probe);
    DataChecks.check(probe, pass, sample, o);
    List<String> warnings = new ArrayList<>(DataChecks.constantColumnWarnings(probe, sample, o));
    warnings.addAll(pass.warnings());
    return runs(factory, probe, sample, all, rows, rows, warnings, o, start);
  }

  /** The runs from their starts, and the best of them as the fit. */
  private FitResult runs(Supplier<EmModel> factory, EmModel probe, DataMatrix data, Pass all, int rows,
      double weight, List<String> warnings, FitOptions o, long start) throws FitException {
    int runs = o.init() == FitOptions.Init.GIVEN ? 1 : Math.max(1, o.restarts());
    SplittableRandom seeds = new SplittableRandom(o.seed());
    Run best = null;
    FitException firstFailure = null;
    long loopNanos = 0;
    int passes = 0;
    for (int r = 0; r < runs; r++) {
      long runSeed = seeds.nextLong();
      EmModel model = r == 0 ? probe : factory.get();
      try {
        Run run = run(model, data, all, o, runSeed, r, runs, warnings);
        loopNanos += run.nanos;
        passes += run.trace.size() + run.halvings;
        if (best == null || run.objective > best.objective) {
          best = run;
        }
        if (run.stopped) {
          warnings.add("stopped after " + run.iterations + " iterations of run " + (r + 1) + " of " + runs
              + ": the result is the best run so far, not converged");
          break;
        }
      } catch (FitException e) {
        if (firstFailure == null) {
          firstFailure = e;
        }
        if (runs > 1) {
          warnings.add("restart " + (r + 1) + " failed: " + e.getMessage());
        }
      }
    }
    if (best == null) {
      throw firstFailure;
    }
    for (int k = 0; k < best.model.components(); k++) {
      double nk = best.stats[EmModel.COUNT + k];
      if (!(nk > EmModel.EMPTY * best.stats[EmModel.WEIGHT])) {
        warnings.add("component " + (k + 1) + " is empty: no row belongs to it (its weight is "
            + nk / best.stats[EmModel.WEIGHT] + "); fewer components may fit as well");
      }
    }
    Map<String, double[]> params = new LinkedHashMap<>();
    for (ParamInfo p : best.model.params()) {
      params.put(p.name(), best.model.param(p.name()).clone());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new FitResult(best.model, params, best.logLikelihood, best.objective, best.iterations,
        best.converged, best.trace, best.halvings, best.index, rows, weight, List.copyOf(warnings),
        seconds, passes == 0 ? 0 : loopNanos / 1e9 / passes, o);
  }

  /** @param halvings E-step passes spent on shortened steps, besides the trace's one per iteration */
  private record Run(EmModel model, int index, double logLikelihood, double objective, int iterations,
      boolean converged, boolean stopped, List<Double> trace, int halvings, double[] stats, long nanos) {}

  /** One run: its start, then EM from it. */
  private Run run(EmModel m, DataMatrix data, Pass all, FitOptions o, long seed, int index, int runs,
      List<String> warnings) throws FitException {
    DataChecks.setRegularization(m, data, o.reg());
    start(LatentPass.of(m), data.sample(DataMatrix.START_SAMPLE), o, seed, index, runs, warnings, workers);
    return iterate(m, all, o, index, runs);
  }

  /**
   * Sets the model's starting parameters from the rows of {@code sample}. A degenerate k-means
   * start falls back, with a warning, to something with more randomness in it; a start that stays
   * degenerate ends the run, with what to try instead.
   */
  private static void start(LatentPass pass, DataMatrix sample, FitOptions o, long seed, int index, int runs,
      List<String> warnings, Workers workers) throws FitException {
    String problem = pass.start(Start.of(o.init()), sample, o, seed, index, workers);
    if (problem != null && o.init() == FitOptions.Init.KMEANS) {
      // k-means can leave a component with only zero counts (a rate of 0) or only ones: the
      // k-means labels with some randomness in them, then random responsibilities, start inside.
      String kmeans = problem;
      String fallback = "the k-means labels with jittered responsibilities";
      problem = pass.start(Start.JITTERED, sample, o, seed, index, workers);
      if (problem != null) {
        fallback = "random responsibilities";
        problem = pass.start(Start.RANDOM, sample, o, seed, index, workers);
      }
      if (problem == null) {
        warnings.add("the k-means start" + (runs > 1 ? " of run " + (index + 1) : "") + " is degenerate ("
            + kmeans + "), so the fit starts from " + fallback + " instead");
      }
    }
    if (problem != null) {
      throw new FitException(o.init() == FitOptions.Init.GIVEN
          ? "the starting parameters are not usable: " + problem
          : "the start is degenerate" + (o.init() == FitOptions.Init.KMEANS ? ", from k-means and from random"
              + " responsibilities alike" : "") + ": " + problem + " (a component starts with too few"
              + " distinct rows, or with collinear covariates)"
              + (o.reg() == 0 ? "; fit with --reg > 0 to keep covariances away from singular," : ";")
              + " or try another --seed");
    }
  }

  /**
   * EM from the model's start: E-step and objective, then the M-step, until the objective
   * converges, the monitor stops the run or the iterations run out. After an M-step that moved
   * stepped parameters, a fall of the objective shortens their step first ({@link Steps}).
   */
  private Run iterate(EmModel m, Pass all, FitOptions o, int index, int runs) throws FitException {
    long t0 = System.nanoTime();
    List<Double> trace = new ArrayList<>();
    Steps steps = new Steps(m);
    double previous = Double.NEGATIVE_INFINITY;
    boolean converged = false;
    boolean stopped = false;
    int iterations = 0;
    int halvings = 0;
    double[] stats;
    double ll;
    double objective;
    while (true) {
      stats = all.statistics(m);
      boolean shortened = false;
      if (iterations > 0 && steps.any()) {
        // The stepped parameters' Newton direction rises on their concave terms of Q, so a short
        // enough step along it raises Q, and a rise of Q never lowers the log-likelihood
        // (generalized EM): halve the step, θ_old + t (θ_new − θ_old) with t = ½, ¼, …, while the
        // objective is below the last one. Each try is one more E-step pass, counted in halvings.
        for (int h = 1; h <= HALVINGS && falls(stats, m, previous); h++) {
          steps.shorten(Math.scalb(1.0, -h));
          prepare(m, iterations, o);
          stats = all.statistics(m);
          halvings++;
          shortened = true;
        }
      }
      ll = logLikelihood(stats, iterations);
      objective = ll + m.logPenalty();
      trace.add(objective);
      if (!monitor.iteration(index, runs, iterations, objective)) {
        stopped = true;
        break;
      }
      if (iterations > 0) {
        if (objective < previous - ROUNDING * (1 + Math.abs(previous))) {
          throw new IllegalStateException("the objective decreased from " + previous + " to " + objective
              + " at iteration " + iterations + " of model " + m.name()
              + (steps.any() ? " with the step of " + steps.names() + " halved " + HALVINGS + " times" : "")
              + "; EM cannot do that, so an M-step update is wrong (a bug in emc or in a family)");
        }
        // A shortened step's small rise says the full step was too long, not that EM has converged.
        if (o.tol() > 0 && !shortened && objective - previous <= o.tol() * Math.abs(objective)) {
          converged = true;
          break;
        }
      }
      if (iterations >= o.maxIter()) {
        break;
      }
      steps.before();
      m.maximize(stats);
      steps.after();
      iterations++;
      prepare(m, iterations, o);
      previous = objective;
    }
    return new Run(m, index, ll, objective, iterations, converged, stopped, List.copyOf(trace), halvings, stats,
        System.nanoTime() - t0);
  }

  /** One E-step pass: the statistics at the model's prepared parameters, the empty cells' too. */
  private double[] statistics(EmModel m, LatentPass pass, DataMatrix data, MissingCells missing) {
    double[] stats = pass.statistics(data, workers);
    if (missing != null) {
      missing.accumulate(m, stats);
    }
    return stats;
  }

  /**
   * One E-step pass over all of {@code data} at the model's current parameters: the merged
   * statistics, with Σ_n log p(x_n) at {@link EmModel#LOGLIK} and the counts N_k at {@link
   * EmModel#COUNT}.
   */
  public double[] statistics(EmModel m, DataMatrix data) throws DataException {
    MissingCells missing = MissingCells.of(m, data);
    String problem = m.prepare();
    if (problem != null) {
      throw new IllegalArgumentException("the parameters are not usable: " + problem);
    }
    return statistics(m, LatentPass.of(m), missing == null ? data : missing.complete(), missing);
  }

  /** Whether this pass's objective is below {@code previous} beyond rounding, or not a number at all. */
  private static boolean falls(double[] stats, EmModel m, double previous) {
    double objective = stats[EmModel.LOGLIK] + m.logPenalty();
    return !(objective >= previous - ROUNDING * (1 + Math.abs(previous)));
  }

  /** The E-step's log-likelihood, or the run's end when it is not a finite number. */
  private static double logLikelihood(double[] stats, int iterations) throws FitException {
    double ll = stats[EmModel.LOGLIK];
    if (ll == Double.NEGATIVE_INFINITY) {
      throw new FitException("the log-likelihood is −∞ after " + iterations
          + " iterations: some row has zero probability under every component");
    }
    if (!Double.isFinite(ll)) {
      throw new FitException("the log-likelihood is " + ll + " after " + iterations
          + " iterations: the parameters have become degenerate");
    }
    return ll;
  }

  /** Readies the M-step's parameters for the next E-step; parameters it cannot use end the run. */
  private static void prepare(EmModel m, int iterations, FitOptions o) throws FitException {
    String problem = m.prepare();
    if (problem != null) {
      throw new FitException("at iteration " + iterations + ", " + problem
          + ": a component has collapsed onto too few rows, or onto rows of one value"
          + (o.reg() == 0 ? "; fit with --reg > 0 to keep covariances away from singular" : "")
          + ", or try fewer components");
    }
  }

  /**
   * Every row's posterior over the latent's values and its log-density, at the model's parameters:
   * the pass's posteriors, or the empty cells' E-step; and for a continuous latent each row's
   * factor scores.
   */
  public static Prediction predict(EmModel m, DataMatrix data) {
    int k = m.components();
    double[] r = new double[data.rows() * k];
    double[] logDensities = new double[data.rows()];
    m.prepare();
    LatentPass pass = LatentPass.of(m);
    MissingCells missing;
    try {
      missing = MissingCells.of(m, data);
    } catch (DataException e) {
      throw new IllegalArgumentException("these rows cannot be fitted: " + e.getMessage(), e);
    }
    if (missing != null) {
      missing.predict(m, r, logDensities);
    } else {
      pass.posteriors(data, r, logDensities);
    }
    return new Prediction(k, r, logDensities, pass.scores(data));
  }

  /** The most likely value of the latent at every row (0-based), sequence by sequence. */
  public static int[] viterbi(EmModel m, DataMatrix data) {
    LatentPass pass = LatentPass.of(m);
    if (pass.noPath() != null) {
      throw new IllegalArgumentException("model " + m.name() + " " + pass.noPath());
    }
    m.prepare();
    return pass.path(data);
  }
}
