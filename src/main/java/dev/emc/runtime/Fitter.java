package dev.emc.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The fit driver: starts, E-step passes over all rows on a thread pool, M-steps, convergence,
 * restarts.
 *
 * <p>A pass splits the rows into chunks whose boundaries depend only on the number of rows, runs
 * the generated {@code accumulate} on each, and adds the chunks' statistics in chunk order: the
 * result is the same, bit for bit, on any number of threads.
 *
 * <p>Each iteration checks that the objective did not decrease beyond rounding. EM cannot lower
 * it, so a decrease is a wrong update: it fails loudly ({@link IllegalStateException}).
 */
public final class Fitter implements AutoCloseable {
  /** Rows per chunk: a pass's unit of work and of summation. */
  static final int CHUNK = 4096;
  /** How far below the last objective rounding may leave the next, relative to its size. */
  static final double ROUNDING = 1e-9;

  private final int threads;
  private final ExecutorService pool;
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
    this.threads = Math.max(1, threads);
    this.pool = this.threads == 1 ? null : Executors.newFixedThreadPool(this.threads, r -> {
      Thread t = new Thread(r, "emc-pass");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
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
    DataMatrix all = data;
    data = missing == null ? all : missing.complete();
    checkData(probe, data, o);
    List<String> warnings = new ArrayList<>(constantColumnWarnings(probe, data, o));
    warnings.addAll(LedermannBound.warnings(probe));
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
        Run run = run(model, data, missing, o, runSeed, r, runs, warnings);
        loopNanos += run.nanos;
        passes += run.trace.size();
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
        best.converged, best.trace, best.index, all.rows(), all.totalWeight(), List.copyOf(warnings), seconds,
        passes == 0 ? 0 : loopNanos / 1e9 / passes);
  }

  private record Run(EmModel model, int index, double logLikelihood, double objective, int iterations,
      boolean converged, boolean stopped, List<Double> trace, double[] stats, long nanos) {}

  private Run run(EmModel m, DataMatrix data, MissingCells missing, FitOptions o, long seed, int index, int runs,
      List<String> warnings) throws FitException {
    setRegularization(m, data, o.reg());
    String problem = start(m, data, o, Start.of(o.init()), seed, index);
    if (problem != null && o.init() == FitOptions.Init.KMEANS) {
      // k-means can leave a component with only zero counts (a rate of 0) or only ones: the
      // k-means labels with some randomness in them, then random responsibilities, start inside.
      String kmeans = problem;
      String fallback = "the k-means labels with jittered responsibilities";
      problem = start(m, data, o, Start.JITTERED, seed, index);
      if (problem != null) {
        fallback = "random responsibilities";
        problem = start(m, data, o, Start.RANDOM, seed, index);
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
    long t0 = System.nanoTime();
    List<Double> trace = new ArrayList<>();
    double previous = Double.NEGATIVE_INFINITY;
    boolean converged = false;
    boolean stopped = false;
    int iterations = 0;
    double[] stats;
    double ll;
    double objective;
    while (true) {
      stats = pass(m, data);
      if (missing != null) {
        missing.accumulate(m, stats);
      }
      ll = stats[EmModel.LOGLIK];
      if (ll == Double.NEGATIVE_INFINITY) {
        throw new FitException("the log-likelihood is −∞ after " + iterations
            + " iterations: some row has zero probability under every component");
      }
      if (!Double.isFinite(ll)) {
        throw new FitException("the log-likelihood is " + ll + " after " + iterations
            + " iterations: the parameters have become degenerate");
      }
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
              + "; EM cannot do that, so an M-step update is wrong (a bug in emc or in a family)");
        }
        if (o.tol() > 0 && objective - previous <= o.tol() * Math.abs(objective)) {
          converged = true;
          break;
        }
      }
      if (iterations >= o.maxIter()) {
        break;
      }
      m.maximize(stats);
      iterations++;
      problem = m.prepare();
      if (problem != null) {
        throw new FitException("at iteration " + iterations + ", " + problem
            + ": a component has collapsed onto too few rows, or onto rows of one value"
            + (o.reg() == 0 ? "; fit with --reg > 0 to keep covariances away from singular" : "")
            + ", or try fewer components");
      }
      previous = objective;
    }
    return new Run(m, index, ll, objective, iterations, converged, stopped, List.copyOf(trace), stats,
        System.nanoTime() - t0);
  }

  /**
   * One E-step pass: statistics of all rows, merged. Chunk c is rows [c·CHUNK, (c+1)·CHUNK) of
   * the data wherever they are: streamed rows arrive in slabs of whole chunks.
   */
  double[] pass(EmModel m, DataMatrix data) {
    if (m.chain() != null) {
      return chainPass(m, data);
    }
    if (data.weights() != null) {
      return weightedPass(m, data);
    }
    int rows = data.rows();
    int chunks = (rows + CHUNK - 1) / CHUNK;
    double[][] partial = new double[chunks][m.statisticsLength()];
    data.slabs((values, first, n) -> {
      int c0 = first / CHUNK;
      int c1 = (first + n + CHUNK - 1) / CHUNK;
      if (pool == null || c1 - c0 == 1) {
        for (int c = c0; c < c1; c++) {
          m.accumulate(values, c * CHUNK - first, Math.min(first + n, (c + 1) * CHUNK) - first, partial[c]);
        }
        return;
      }
      AtomicInteger next = new AtomicInteger(c0);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < Math.min(threads, c1 - c0); t++) {
        futures.add(pool.submit(() -> {
          for (int c = next.getAndIncrement(); c < c1; c = next.getAndIncrement()) {
            m.accumulate(values, c * CHUNK - first, Math.min(first + n, (c + 1) * CHUNK) - first, partial[c]);
          }
        }));
      }
      await(futures);
    });
    return sum(partial);
  }

  /**
   * One E-step pass over weighted rows: each row's responsibilities, from its log-densities by
   * Bayes' rule, are multiplied by its weight before they weigh its statistics, and so are its
   * log-density and its count; a row of weight w is w rows. It costs the generated pass's work
   * in two calls, so unweighted rows keep the fused pass. Chunks are summed in order, as there.
   */
  private double[] weightedPass(EmModel m, DataMatrix data) {
    int k = m.components();
    int rows = data.rows();
    int chunks = (rows + CHUNK - 1) / CHUNK;
    double[][] partial = new double[chunks][];
    AtomicInteger next = new AtomicInteger();
    Runnable work = () -> {
      double[] resp = new double[CHUNK * k];
      for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
        int from = c * CHUNK;
        int to = Math.min(rows, from + CHUNK);
        double[] stats = new double[m.statisticsLength()];
        m.logDensities(data.values(), from, to, resp);
        double ll = 0;
        for (int n = from; n < to; n++) {
          int at = (n - from) * k;
          double logp = bayes(resp, at, k);
          double w = data.weight(n);
          for (int j = 0; j < k; j++) {
            resp[at + j] *= w;
          }
          // A row of weight 0 is not there, even when no component can have produced it.
          ll += w == 0 ? 0 : w * logp;
        }
        m.accumulateGiven(data.values(), from, to, resp, stats);
        stats[EmModel.LOGLIK] += ll;
        partial[c] = stats;
      }
    };
    runOnPool(work, chunks);
    return sum(partial);
  }

  /**
   * One E-step pass of a model whose latent is a chain: forward–backward over each sequence (on the
   * pool, one sequence at a time per thread), then the statistics from the posteriors. Sequences'
   * statistics are added in sequence order, so the result does not depend on the threads.
   */
  private double[] chainPass(EmModel m, DataMatrix data) {
    int[] bounds = data.sequenceBounds();
    int sequences = bounds.length - 1;
    double[][] partial = new double[sequences][];
    AtomicInteger next = new AtomicInteger();
    Runnable work = () -> {
      for (int s = next.getAndIncrement(); s < sequences; s = next.getAndIncrement()) {
        partial[s] = sequenceStatistics(m, data.values(), bounds[s], bounds[s + 1]);
      }
    };
    runOnPool(work, sequences);
    return sum(partial);
  }

  /**
   * Runs {@code work}, which takes units of {@code units} until none are left, on as many threads
   * as have a unit to take; on this one when there is no pool or one unit.
   */
  private void runOnPool(Runnable work, int units) {
    if (pool == null || units == 1) {
      work.run();
      return;
    }
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < Math.min(threads, units); t++) {
      futures.add(pool.submit(work));
    }
    await(futures);
  }

  /** The partial statistics added in order, into the first. */
  private static double[] sum(double[][] partial) {
    double[] total = partial[0];
    for (int c = 1; c < partial.length; c++) {
      double[] p = partial[c];
      for (int i = 0; i < total.length; i++) {
        total[i] += p[i];
      }
    }
    return total;
  }

  private static double[] sequenceStatistics(EmModel m, double[] values, int from, int to) {
    int k = m.components();
    EmModel.Chain chain = m.chain();
    double[] stats = new double[m.statisticsLength()];
    double[] logB = emissions(m, values, from, to);
    double[] gamma = new double[(to - from) * k];
    double[] xi = new double[k * k];
    double ll = ForwardBackward.run(logB, to - from, k, m.param(chain.initial()), m.param(chain.transition()),
        gamma, xi);
    stats[EmModel.LOGLIK] = ll;
    if (ll == Double.NEGATIVE_INFINITY) {
      return stats;
    }
    m.accumulateGiven(values, from, to, gamma, stats);
    for (int j = 0; j < k; j++) {
      stats[chain.firstStates() + j] += gamma[j];
    }
    for (int i = 0; i < k * k; i++) {
      stats[chain.transitions() + i] += xi[i];
    }
    return stats;
  }

  /** log b_t(k) = log p(x_t | z_t = k) for the rows [from, to) of one sequence. */
  private static double[] emissions(EmModel m, double[] values, int from, int to) {
    double[] logB = new double[(to - from) * m.components()];
    m.logDensities(values, from, to, logB);
    return logB;
  }

  /**
   * Every row's posterior over the components and its log-density, at the model's parameters:
   * Bayes' rule per row, or forward–backward over each sequence for a chain; and for factor
   * analysis each row's factor scores.
   */
  public static Prediction predict(EmModel m, DataMatrix data) {
    int k = m.components();
    double[] r = new double[data.rows() * k];
    double[] logDensities = new double[data.rows()];
    m.prepare();
    EmModel.Chain chain = m.chain();
    MissingCells missing;
    try {
      missing = MissingCells.of(m, data);
    } catch (DataException e) {
      throw new IllegalArgumentException("these rows cannot be fitted: " + e.getMessage(), e);
    }
    if (missing != null) {
      missing.predict(m, r, logDensities);
    } else if (chain == null) {
      data.slabs((values, first, rows) -> {
        double[] lp = new double[rows * k];
        m.logDensities(values, 0, rows, lp);
        for (int n = 0; n < rows; n++) {
          logDensities[first + n] = bayes(lp, n * k, k);
        }
        System.arraycopy(lp, 0, r, first * k, rows * k);
      });
    } else {
      int[] bounds = data.sequenceBounds();
      for (int s = 0; s + 1 < bounds.length; s++) {
        int rows = bounds[s + 1] - bounds[s];
        double[] logB = emissions(m, data.values(), bounds[s], bounds[s + 1]);
        double[] gamma = new double[rows * k];
        double[] rowLog = new double[rows];
        ForwardBackward.run(logB, rows, k, m.param(chain.initial()), m.param(chain.transition()), gamma,
            new double[k * k], rowLog);
        System.arraycopy(gamma, 0, r, bounds[s] * k, rows * k);
        System.arraycopy(rowLog, 0, logDensities, bounds[s], rows);
      }
    }
    return new Prediction(k, r, logDensities, m instanceof FactorScores f ? scores(f, data) : null);
  }

  private static Prediction.Scores scores(FactorScores f, DataMatrix data) {
    double[] covariance = f.posteriorCovariance();
    int q = (int) Math.round(Math.sqrt(covariance.length));
    double[] means = new double[data.rows() * q];
    data.slabs((values, first, rows) -> {
      double[] slab = new double[rows * q];
      f.scores(values, 0, rows, slab);
      System.arraycopy(slab, 0, means, first * q, rows * q);
    });
    return new Prediction.Scores(f.latent(), q, means, covariance);
  }

  /**
   * Bayes' rule for one row: turns log p(x, z = j), j &lt; k, at {@code lp[at + j]} into
   * p(z = j | x) and returns log p(x), by the log-sum-exp about the largest term. A row no
   * component can have produced gets all zeros and −∞.
   */
  static double bayes(double[] lp, int at, int k) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      max = Math.max(max, lp[at + j]);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      java.util.Arrays.fill(lp, at, at + k, 0.0);
      return max;
    }
    double sum = 0;
    for (int j = 0; j < k; j++) {
      lp[at + j] = Math.exp(lp[at + j] - max);
      sum += lp[at + j];
    }
    for (int j = 0; j < k; j++) {
      lp[at + j] /= sum;
    }
    return max + Math.log(sum);
  }

  /** The most likely state of every row (0-based), sequence by sequence. */
  public static int[] viterbi(EmModel m, DataMatrix data) {
    EmModel.Chain chain = m.chain();
    if (chain == null) {
      throw new IllegalArgumentException("model " + m.name() + " has no latent chain");
    }
    int k = m.components();
    m.prepare();
    int[] path = new int[data.rows()];
    int[] bounds = data.sequenceBounds();
    for (int s = 0; s + 1 < bounds.length; s++) {
      int rows = bounds[s + 1] - bounds[s];
      double[] logB = emissions(m, data.values(), bounds[s], bounds[s + 1]);
      int[] p = ForwardBackward.viterbi(logB, rows, k, m.param(chain.initial()), m.param(chain.transition()));
      System.arraycopy(p, 0, path, bounds[s], rows);
    }
    return path;
  }

  private static void await(List<Future<?>> futures) {
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException(cause);
      }
    }
  }

  // ---------------------------------------------------------------- starts

  /** Rows a start is computed from when the data are streamed (k-means needs them in memory). */
  static final int START_SAMPLE = 1 << 20;

  /** How a run starts: {@link FitOptions.Init}'s ways, and the default's fallback. */
  private enum Start {
    GIVEN, KMEANS, JITTERED, RANDOM;

    static Start of(FitOptions.Init init) {
      return valueOf(init.name());
    }
  }

  /** What share of a jittered start's responsibilities is random. */
  static final double JITTER = 0.05;

  /** Sets a run's starting parameters; returns what is wrong with them, or null. */
  private static String start(EmModel m, DataMatrix all, FitOptions o, Start how, long seed, int index) {
    int k = m.components();
    DataMatrix data = all.sample(START_SAMPLE);
    if (m.factors() != null && how != Start.GIVEN) {
      // Factor analysis: the first run from the principal components, the others from random loadings.
      boolean principal = index == 0 && how == Start.KMEANS;
      FactorStart.set(m, m.factors(), data, principal ? null : new SplittableRandom(seed));
      return m.prepare();
    }
    switch (how) {
      case GIVEN -> {
        for (ParamInfo p : m.params()) {
          double[] given = o.start().get(p.name());
          double[] target = m.param(p.name());
          if (given == null || given.length != target.length) {
            throw new IllegalArgumentException("the start has no " + p.name() + " of " + target.length + " numbers");
          }
          System.arraycopy(given, 0, target, 0, target.length);
        }
      }
      case KMEANS, JITTERED -> {
        int[] labels = new KMeans(data).labels(k, new SplittableRandom(seed));
        double jitter = how == Start.JITTERED ? JITTER : 0;
        fromResponsibilities(m, data, (from, to, resp) -> {
          if (jitter > 0) {
            random(seed, k, from, to, resp);
          } else {
            java.util.Arrays.fill(resp, 0.0);
          }
          for (int n = from; n < to; n++) {
            for (int j = 0; j < k; j++) {
              resp[(n - from) * k + j] *= jitter;
            }
            resp[(n - from) * k + labels[n]] += 1 - jitter;
          }
        });
      }
      case RANDOM -> fromResponsibilities(m, data, (from, to, resp) -> random(seed, k, from, to, resp));
    }
    return m.prepare();
  }

  /**
   * Random responsibilities for the rows [from, to): one generator per chunk, so that both passes
   * of {@link #fromResponsibilities} see the same ones.
   */
  private static void random(long seed, int k, int from, int to, double[] resp) {
    SplittableRandom rng = new SplittableRandom(seed + from);
    for (int n = from; n < to; n++) {
      double sum = 0;
      for (int j = 0; j < k; j++) {
        resp[(n - from) * k + j] = rng.nextDouble();
        sum += resp[(n - from) * k + j];
      }
      for (int j = 0; j < k; j++) {
        resp[(n - from) * k + j] /= sum;
      }
    }
  }

  /** Fills a chunk's responsibilities, rows [from, to), into {@code resp}. */
  private interface Responsibilities {
    void fill(int from, int to, double[] resp);
  }

  /**
   * Parameters from given responsibilities: two M-steps. Statistics are centred on the current
   * parameters, which before the first are arbitrary; the first places the centres, the second,
   * centred there, gets the spreads without cancellation.
   */
  private static void fromResponsibilities(EmModel m, DataMatrix data, Responsibilities r) {
    int rows = data.rows();
    int k = m.components();
    double[] resp = new double[CHUNK * k];
    for (int round = 0; round < 2; round++) {
      double[] stats = new double[m.statisticsLength()];
      double[] before = new double[k];
      for (int from = 0; from < rows; from += CHUNK) {
        int to = Math.min(rows, from + CHUNK);
        r.fill(from, to, resp);
        if (data.weights() != null) {
          for (int n = from; n < to; n++) {
            for (int j = 0; j < k; j++) {
              resp[(n - from) * k + j] *= data.weight(n);
            }
          }
        }
        m.accumulateGiven(data.values(), from, to, resp, stats);
        if (m.chain() != null) {
          chainCounts(m.chain(), data, from, to, resp, before, stats);
        }
      }
      m.maximize(stats);
    }
  }

  /**
   * A chain's statistics from given responsibilities, as if they were the posteriors: first
   * states, and each pair of consecutive rows' responsibilities' outer product. One pseudo-count
   * in every cell keeps a start from ruling out any state or transition (EM cannot revive a zero).
   */
  private static void chainCounts(EmModel.Chain chain, DataMatrix data, int from, int to, double[] resp,
      double[] before, double[] stats) {
    int k = before.length;
    if (from == 0) {
      for (int i = 0; i < k; i++) {
        stats[chain.firstStates() + i] += 1.0;
      }
      for (int i = 0; i < k * k; i++) {
        stats[chain.transitions() + i] += 1.0;
      }
    }
    int[] bounds = data.sequenceBounds();
    for (int n = from; n < to; n++) {
      double[] now = java.util.Arrays.copyOfRange(resp, (n - from) * k, (n - from + 1) * k);
      if (java.util.Arrays.binarySearch(bounds, n) >= 0) {
        for (int i = 0; i < k; i++) {
          stats[chain.firstStates() + i] += now[i];
        }
      } else {
        for (int i = 0; i < k; i++) {
          for (int j = 0; j < k; j++) {
            stats[chain.transitions() + i * k + j] += before[i] * now[j];
          }
        }
      }
      System.arraycopy(now, 0, before, 0, k);
    }
  }

  // ---------------------------------------------------------------- data checks

  private static void checkData(EmModel m, DataMatrix data, FitOptions o) throws DataException {
    if (m.chain() != null && data.values() == null) {
      throw new DataException(data.source(), "model " + m.name() + " has a latent chain, whose E-step runs over"
          + " whole sequences: its rows must fit in memory (give the JVM more heap, not --stream)");
    }
    if (data.columns() != m.columns()) {
      throw new DataException(data.source(), "the data have " + data.columns() + " columns, but model "
          + m.name() + " reads " + m.columns());
    }
    if (data.weights() != null && (m.chain() != null || data.cache() != null)) {
      throw new DataException(data.source(), m.chain() != null
          ? "model " + m.name() + " has a latent chain: its rows are not independent, so a row's weight has no"
              + " meaning (weigh whole sequences by repeating them)"
          : "weighted rows must be in memory, not streamed");
    }
    int k = m.components();
    data.requireRows(k);
    if (o.init() == FitOptions.Init.KMEANS && distinctRows(data.sample(START_SAMPLE), k) < k) {
      throw new DataException(data.source(), "the data have fewer than " + k
          + " distinct rows, so " + k + " components cannot be told apart");
    }
    data.slabs((values, first, rows) -> {
      for (int n = 0; n < rows; n++) {
        String problem = m.checkRow(values, n);
        if (problem != null) {
          int line = data.lines() == null ? 0 : data.lines()[first + n];
          throw new DataException(data.source(), line, 0, 0, null, "row " + (first + n + 1) + ": " + problem);
        }
      }
    });
    if (o.reg() == 0) {
      for (SettingInfo s : m.settings()) {
        DataInfo d = dataOf(m, s);
        for (int c = 0; c < d.width(); c++) {
          if (variance(data, d.offset() + c) == 0) {
            throw new DataException(data.source(), "column " + data.names().get(d.offset() + c)
                + " is constant (every row has " + DataMatrix.format(data.sample(1).values()[d.offset() + c])
                + "), so every covariance of " + d.name()
                + " is singular; drop the column, or fit with --reg > 0");
          }
        }
      }
    }
  }

  private static List<String> constantColumnWarnings(EmModel m, DataMatrix data, FitOptions o) {
    List<String> warnings = new ArrayList<>();
    if (o.reg() > 0) {
      for (SettingInfo s : m.settings()) {
        DataInfo d = dataOf(m, s);
        for (int c = 0; c < d.width(); c++) {
          if (variance(data, d.offset() + c) == 0) {
            warnings.add("column " + data.names().get(d.offset() + c) + " is constant; only the"
                + " regularization keeps its variances above 0, and the log-likelihood means little");
          }
        }
      }
    }
    return warnings;
  }

  private static int distinctRows(DataMatrix data, int enough) {
    java.util.Set<java.util.List<Double>> seen = new java.util.HashSet<>();
    for (int n = 0; n < data.rows() && seen.size() < enough; n++) {
      if (data.weight(n) == 0) {
        continue;
      }
      List<Double> row = new ArrayList<>();
      for (int c = 0; c < data.columns(); c++) {
        row.add(data.values()[n * data.columns() + c]);
      }
      seen.add(row);
    }
    return seen.size();
  }

  private static DataInfo dataOf(EmModel m, SettingInfo s) {
    return m.data().stream().filter(d -> d.name().equals(s.data())).findFirst().orElseThrow();
  }

  /**
   * Ψ = reg · diag(the data's column variances): the regularization scales with each column, so
   * rescaling a column rescales the fit and nothing else. A constant column gets reg itself.
   */
  private static void setRegularization(EmModel m, DataMatrix data, double reg) {
    for (SettingInfo s : m.settings()) {
      DataInfo d = dataOf(m, s);
      double[] psi = m.setting(s.name());
      for (int c = 0; c < d.width(); c++) {
        double v = variance(data, d.offset() + c);
        psi[c] = reg * (v > 0 ? v : 1.0);
      }
    }
  }

  /** The column's variance over the rows, weighted as they are. */
  static double variance(DataMatrix data, int column) {
    int width = data.columns();
    double[] sums = new double[2];
    data.slabs((x, first, rows) -> {
      for (int n = 0; n < rows; n++) {
        sums[0] += data.weight(first + n) * x[n * width + column];
      }
    });
    double total = data.totalWeight();
    double mean = sums[0] / total;
    data.slabs((x, first, rows) -> {
      for (int n = 0; n < rows; n++) {
        double d = x[n * width + column] - mean;
        sums[1] += data.weight(first + n) * d * d;
      }
    });
    return sums[1] / total;
  }
}
