package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Bootstrap standard errors and percentile intervals of a fit: B replicates, each the model
 * refitted by EM from the fit's parameters to rows drawn anew, on all cores (one replicate a
 * thread). A nonparametric replicate reweights the data, giving each row the number of times it is
 * drawn in N draws with replacement (a multinomial count); a weighted one (the weighted likelihood
 * bootstrap, mclust's "wlbs") N times a uniform Dirichlet weight; a parametric one is a new data set
 * drawn from the fitted model itself, as many rows in sequences of the same lengths with the same
 * covariates ({@link Simulate}), so it also serves a hidden Markov model, whose rows cannot be
 * reweighted one by one. A
 * replicate's components are then matched to the fit's by the assignment of least total distance
 * between them ({@link #matched}, {@link Hungarian}), so that a replicate that swapped two labels does
 * not inflate the spread.
 */
public final class Bootstrap {
  private Bootstrap() {}

  public enum Kind { NONPARAMETRIC, WEIGHTED, PARAMETRIC }

  /** Draws a parametric replicate: a data set like the fitted one, from the fitted model. */
  @FunctionalInterface
  public interface Simulate {
    DataMatrix draw(long seed);
  }

  /**
   * Each parameter's number's spread over the replicates, flat as the model stores them.
   *
   * @param failed replicates whose fit failed, left out
   */
  public record Result(Kind kind, int replicates, int failed, Map<String, double[]> standardErrors,
      Map<String, double[]> lower, Map<String, double[]> upper) {}

  /** A nonparametric or weighted bootstrap, which reweights the data's rows. */
  public static Result run(Supplier<EmModel> factory, FitResult fit, DataMatrix data, FitOptions o, Kind kind,
      int replicates, long seed, Relabelling relabelling, int threads) throws DataException {
    return run(factory, fit, data, o, kind, replicates, seed, relabelling, threads, null);
  }

  /**
   * @param simulate how a parametric replicate is drawn; only read when {@code kind} is parametric
   * @throws IllegalArgumentException when {@code simulate} cannot draw from the model, with its message
   * @throws DataException when the rows cannot be reweighted (a latent chain's) for a kind that
   *     reweights them
   */
  public static Result run(Supplier<EmModel> factory, FitResult fit, DataMatrix data, FitOptions o, Kind kind,
      int replicates, long seed, Relabelling relabelling, int threads, Simulate simulate) throws DataException {
    EmModel probe = factory.get();
    if (kind != Kind.PARAMETRIC) {
      try {
        LatentPass.of(probe).check(data.withWeights(new double[data.rows()]));
      } catch (DataException e) {
        throw new DataException(e.file(), "the bootstrap draws each replicate's rows by weighing them, which this"
            + " model cannot take: " + e.getMessage() + " (--bootstrap-kind parametric draws new data sets instead)");
      }
    } else if (simulate == null) {
      throw new IllegalArgumentException("a parametric bootstrap needs a way to draw data sets");
    }
    FitOptions each = o.withStart(fit.params()).withThreads(1).withRestarts(1);
    double[] fitted = LatentPass.of(probe).finite() ? fit.predict(data).responsibilities() : null;
    SplittableRandom seeds = new SplittableRandom(seed);
    List<Future<Map<String, double[]>>> jobs = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int b = 0; b < replicates; b++) {
        SplittableRandom rng = seeds.split();
        jobs.add(pool.submit(() -> {
          DataMatrix drawn = kind == Kind.PARAMETRIC ? simulate.draw(rng.nextLong())
              : data.withWeights(weights(data, kind, rng));
          try (Fitter f = new Fitter(1)) {
            FitResult r = f.fit(factory, drawn, each);
            return matched(r, fitted, data, relabelling);
          } catch (FitException | DataException | IllegalStateException e) {
            return null;
          }
        }));
      }
      List<Map<String, double[]>> done = new ArrayList<>();
      for (Future<Map<String, double[]>> j : jobs) {
        Map<String, double[]> p = j.get();
        if (p != null) {
          done.add(p);
        }
      }
      return summarize(kind, replicates, done, probe.params());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the bootstrap was interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (kind == Kind.PARAMETRIC && e.getCause() instanceof IllegalArgumentException drawing) {
        // A parametric replicate the model cannot draw (a family without a sampler): the caller's message.
        throw drawing;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** One replicate's row weights (times the rows' own weights, when they have them). */
  static double[] weights(DataMatrix data, Kind kind, SplittableRandom rng) {
    int n = data.rows();
    double[] w = new double[n];
    if (kind == Kind.NONPARAMETRIC) {
      for (int i = 0; i < n; i++) {
        w[rng.nextInt(n)] += 1;
      }
    } else {
      // N times a uniform Dirichlet: normalized standard exponentials.
      double sum = 0;
      for (int i = 0; i < n; i++) {
        w[i] = -Math.log(1 - rng.nextDouble());
        sum += w[i];
      }
      for (int i = 0; i < n; i++) {
        w[i] *= n / sum;
      }
    }
    for (int i = 0; i < n; i++) {
      w[i] *= data.weight(i);
    }
    return w;
  }

  /**
   * The replicate's parameters with its components renamed to the fit's they agree with most: the
   * cost of calling replicate component j the fit's component i is −Σ_n r_ni r'_nj, how little the
   * two classify the rows alike (r the fit's posteriors, r' the replicate's, on the data's rows).
   * A distance between the parameters themselves, each number scaled by its spread across the
   * fit's components, matched wrongly on Old Faithful: its two components' waiting-time variances
   * are nearly equal, so their sampling noise outweighed the means that tell the components apart.
   * (Each replicate's parameters are {@code replicate.model()}'s, at which it is predicted.)
   */
  public static Map<String, double[]> matched(FitResult replicate, FitResult fit, DataMatrix data,
      Relabelling relabelling) {
    return matched(replicate, fit.predict(data).responsibilities(), data, relabelling);
  }

  static Map<String, double[]> matched(FitResult replicate, double[] fitted, DataMatrix data, Relabelling relabelling) {
    EmModel m = replicate.model();
    int k = m.components();
    if (k < 2 || relabelling.refusal() != null || !LatentPass.of(m).finite()) {
      return replicate.params();
    }
    double[] r = Fitter.predict(m, data).responsibilities();
    double[][] cost = new double[k][k];
    for (int n = 0; n < data.rows(); n++) {
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          cost[i][j] -= fitted[n * k + i] * r[n * k + j];
        }
      }
    }
    return relabelling.permute(m.params(), replicate.params(), k, Hungarian.solve(cost));
  }

  /** Standard errors (the replicates' standard deviation) and 2.5% and 97.5% percentiles. */
  static Result summarize(Kind kind, int replicates, List<Map<String, double[]>> done, List<ParamInfo> params) {
    Map<String, double[]> se = new LinkedHashMap<>();
    Map<String, double[]> lower = new LinkedHashMap<>();
    Map<String, double[]> upper = new LinkedHashMap<>();
    int b = done.size();
    for (ParamInfo p : params) {
      int n = p.copies() * p.elements();
      double[] s = new double[n];
      double[] lo = new double[n];
      double[] hi = new double[n];
      double[] values = new double[b];
      for (int i = 0; i < n; i++) {
        double mean = 0;
        for (int r = 0; r < b; r++) {
          values[r] = done.get(r).get(p.name())[i];
          mean += values[r] / b;
        }
        double ss = 0;
        for (int r = 0; r < b; r++) {
          ss += (values[r] - mean) * (values[r] - mean);
        }
        s[i] = b > 1 ? Math.sqrt(ss / (b - 1)) : Double.NaN;
        Arrays.sort(values);
        lo[i] = quantile(values, 0.025);
        hi[i] = quantile(values, 0.975);
      }
      se.put(p.name(), s);
      lower.put(p.name(), lo);
      upper.put(p.name(), hi);
    }
    return new Result(kind, replicates, replicates - b, se, lower, upper);
  }

  /** The q-quantile of sorted values, interpolated linearly between order statistics (R's type 7). */
  static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double h = (sorted.length - 1) * q;
    int i = (int) Math.floor(h);
    return i + 1 < sorted.length ? sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
  }
}
