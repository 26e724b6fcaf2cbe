package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.data.DataMatrix;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Where a run starts when its structure has no start of its own: given parameters, or parameters
 * from responsibilities (k-means labels, jittered labels, random).
 *
 * <p>Labelled rows start, as they stay, with all of their responsibility on their label, so each
 * component starts from its labelled rows and the unlabelled rows' k-means or random
 * responsibilities. The k-means clusters are numbered to agree with the labels first, so that a
 * cluster adds its rows to the component whose labelled rows it holds most of.
 */
final class Starts {
  private Starts() {}

  /** What share of a jittered start's responsibilities is random. */
  static final double JITTER = 0.05;

  /** Sets the starting parameters of {@code pass}'s model from {@code data}; what is wrong with them, or null. */
  static String standard(LatentPass pass, DataMatrix data, FitOptions o, Start how, long seed, Workers workers) {
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
        int[] labels = agreeing(new KMeans(data, workers).labels(k, new SplittableRandom(seed)), data.labels(), k);
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
   * M-steps from given responsibilities when the model has stepped parameters: each is one Newton
   * step from the last, and the first from wherever the parameters' storage stood.
   */
  static final int STEPPED_ROUNDS = 100;

  /**
   * Parameters from given responsibilities: two M-steps. Statistics are centred on the current
   * parameters, which before the first are arbitrary; the first places the centres, the second,
   * centred there, gets the spreads without cancellation. A stepped parameter's update
   * ({@link ParamInfo#stepped}) is one Newton step from the current value, and two steps from an
   * arbitrary one leave it far from the maximum the responsibilities imply (a Poisson regression's
   * first step from 0 overshoots by the mean count): its rounds go on until it settles, at most
   * {@link #STEPPED_ROUNDS}, and a round that leaves it other than finite is undone.
   */
  private static void fromResponsibilities(LatentPass pass, DataMatrix data, Responsibilities r) {
    EmModel m = pass.model;
    int rows = data.rows();
    int k = m.components();
    double[] resp = new double[DataMatrix.CHUNK * k];
    Steps steps = new Steps(m);
    int rounds = steps.any() ? STEPPED_ROUNDS : 2;
    for (int round = 0; round < rounds; round++) {
      double[] stats = new double[m.statisticsLength()];
      double[] before = new double[k];
      for (int from = 0; from < rows; from += DataMatrix.CHUNK) {
        int to = Math.min(rows, from + DataMatrix.CHUNK);
        r.fill(from, to, resp);
        for (int n = from; n < to && data.labels() != null; n++) {
          if (data.labels()[n] >= 0) {
            Arrays.fill(resp, (n - from) * k, (n - from + 1) * k, 0.0);
            resp[(n - from) * k + data.labels()[n]] = 1.0;
          }
        }
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
      steps.before();
      m.maximize(stats);
      steps.after();
      if (round >= 1 && steps.any() && steps.settled()) {
        break;
      }
      if (!steps.finite()) {
        steps.undo();
        break;
      }
    }
  }

  /**
   * The k-means clusters renumbered so that each agrees with the label most of its labelled rows
   * carry: greedily, the pair (cluster, label) that shares the most rows first. Unchanged without
   * labels.
   */
  static int[] agreeing(int[] clusters, int[] labels, int k) {
    if (labels == null) {
      return clusters;
    }
    int[][] shared = new int[k][k];
    for (int n = 0; n < clusters.length; n++) {
      if (labels[n] >= 0) {
        shared[clusters[n]][labels[n]]++;
      }
    }
    int[] to = new int[k];
    Arrays.fill(to, -1);
    boolean[] taken = new boolean[k];
    for (int round = 0; round < k; round++) {
      int bestCluster = -1;
      int bestLabel = -1;
      for (int c = 0; c < k; c++) {
        for (int l = 0; l < k; l++) {
          if (to[c] < 0 && !taken[l] && (bestCluster < 0 || shared[c][l] > shared[bestCluster][bestLabel])) {
            bestCluster = c;
            bestLabel = l;
          }
        }
      }
      to[bestCluster] = bestLabel;
      taken[bestLabel] = true;
    }
    int[] renumbered = new int[clusters.length];
    for (int n = 0; n < clusters.length; n++) {
      renumbered[n] = to[clusters[n]];
    }
    return renumbered;
  }
}
