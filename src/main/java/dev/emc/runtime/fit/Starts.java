package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.data.DataMatrix;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Where a run starts when its structure has no start of its own: given parameters, or parameters
 * from responsibilities (k-means labels, jittered labels, random).
 */
final class Starts {
  private Starts() {}

  /** What share of a jittered start's responsibilities is random. */
  static final double JITTER = 0.05;

  /** Sets the starting parameters of {@code pass}'s model from {@code data}; what is wrong with them, or null. */
  static String standard(LatentPass pass, DataMatrix data, FitOptions o, Start how, long seed) {
    EmModel m = pass.model;
    int k = m.components();
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
        fromResponsibilities(pass, data, (from, to, resp) -> {
          if (jitter > 0) {
            random(seed, k, from, to, resp);
          } else {
            Arrays.fill(resp, 0.0);
          }
          for (int n = from; n < to; n++) {
            for (int j = 0; j < k; j++) {
              resp[(n - from) * k + j] *= jitter;
            }
            resp[(n - from) * k + labels[n]] += 1 - jitter;
          }
        });
      }
      case RANDOM -> fromResponsibilities(pass, data, (from, to, resp) -> random(seed, k, from, to, resp));
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
  private static void fromResponsibilities(LatentPass pass, DataMatrix data, Responsibilities r) {
    EmModel m = pass.model;
    int rows = data.rows();
    int k = m.components();
    double[] resp = new double[LatentPass.CHUNK * k];
    for (int round = 0; round < 2; round++) {
      double[] stats = new double[m.statisticsLength()];
      double[] before = new double[k];
      for (int from = 0; from < rows; from += LatentPass.CHUNK) {
        int to = Math.min(rows, from + LatentPass.CHUNK);
        r.fill(from, to, resp);
        if (data.weights() != null) {
          for (int n = from; n < to; n++) {
            for (int j = 0; j < k; j++) {
              resp[(n - from) * k + j] *= data.weight(n);
            }
          }
        }
        m.accumulateGiven(data.values(), from, to, resp, stats);
        pass.countGiven(data, from, to, resp, before, stats);
      }
      m.maximize(stats);
    }
  }
}
