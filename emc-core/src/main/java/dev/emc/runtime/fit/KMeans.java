package dev.emc.runtime.fit;

import dev.emc.runtime.data.DataMatrix;
import java.util.SplittableRandom;

/**
 * The starting labels for a fit: k-means on standardized data, seeded with greedy k-means++
 * (Arthur and Vassilvitskii 2007; each new centre is the best of 2 + ⌊ln K⌋ candidates drawn in
 * proportion to their squared distance from the centres so far, as scikit-learn does), then
 * Lloyd's iterations until no label changes. Weighted rows count as that many copies: in the
 * standardization, in the draws of the seeds and in the centres.
 */
final class KMeans {
  private static final int MAX_ITERATIONS = 100;

  /** Rows per unit of the workers' work: each unit writes only its own rows' entries. */
  private static final int UNIT = DataMatrix.CHUNK;

  private final Workers workers;
  private final double[] x;
  private final double[] w;
  private final int rows;
  private final int columns;
  private final double[] mean;
  private final double[] scale;

  /**
   * The distances, row by row, are shared among {@code workers}' threads; the labels are the same,
   * bit for bit, on any number of them (a sum over rows is still added in row order).
   */
  KMeans(DataMatrix data, Workers workers) {
    this.workers = workers;
    this.x = data.values();
    this.w = data.weights();
    this.rows = data.rows();
    this.columns = data.columns();
    this.mean = new double[columns];
    this.scale = new double[columns];
    double total = data.totalWeight();
    for (int n = 0; n < rows; n++) {
      for (int c = 0; c < columns; c++) {
        mean[c] += weight(n) * x[n * columns + c];
      }
    }
    for (int c = 0; c < columns; c++) {
      mean[c] /= total;
    }
    for (int n = 0; n < rows; n++) {
      for (int c = 0; c < columns; c++) {
        double d = x[n * columns + c] - mean[c];
        scale[c] += weight(n) * d * d;
      }
    }
    for (int c = 0; c < columns; c++) {
      double sd = Math.sqrt(scale[c] / total);
      scale[c] = sd > 0 ? 1 / sd : 1;
    }
  }

  private double weight(int n) {
    return w == null ? 1.0 : w[n];
  }

  /** Labels 0..k−1 for every row; every label used. */
  int[] labels(int k, SplittableRandom rng) {
    double[] centres = seed(k, rng);
    int[] labels = new int[rows];
    java.util.Arrays.fill(labels, -1);
    double[] dist = new double[rows];
    for (int it = 0; it < MAX_ITERATIONS; it++) {
      boolean changed = assign(centres, k, labels, dist);
      recentre(centres, k, labels, dist);
      if (!changed) {
        break;
      }
    }
    assign(centres, k, labels, dist);
    return labels;
  }

  private double[] seed(int k, SplittableRandom rng) {
    double[] centres = new double[k * columns];
    double[] closest = new double[rows];
    int first = w == null ? rng.nextInt(rows) : weightedRow(rng);
    setCentre(centres, 0, first);
    distances(centres, 0, null, closest);
    int trials = 2 + (int) Math.log(k);
    double[] cumulative = new double[rows];
    double[] candidate = new double[rows];
    double[] best = new double[rows];
    for (int c = 1; c < k; c++) {
      double sum = 0;
      for (int n = 0; n < rows; n++) {
        sum += weight(n) * closest[n];
        cumulative[n] = sum;
      }
      double bestPotential = Double.POSITIVE_INFINITY;
      int bestRow = -1;
      for (int t = 0; t < trials; t++) {
        int row = sum > 0 ? draw(cumulative, rng.nextDouble() * sum) : w == null ? rng.nextInt(rows) : weightedRow(rng);
        setCentre(centres, c, row);
        distances(centres, c, closest, candidate);
        double p = 0;
        for (int n = 0; n < rows; n++) {
          p += weight(n) * candidate[n];
        }
        if (p < bestPotential) {
          bestPotential = p;
          bestRow = row;
          System.arraycopy(candidate, 0, best, 0, rows);
        }
      }
      setCentre(centres, c, bestRow);
      System.arraycopy(best, 0, closest, 0, rows);
    }
    return centres;
  }

  /** A row drawn in proportion to its weight. */
  private int weightedRow(SplittableRandom rng) {
    double[] cumulative = new double[rows];
    double sum = 0;
    for (int n = 0; n < rows; n++) {
      sum += w[n];
      cumulative[n] = sum;
    }
    return draw(cumulative, rng.nextDouble() * sum);
  }

  private static int draw(double[] cumulative, double u) {
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] <= u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Each row to its nearest centre; whether a label changed. A row is standardized once for all the
   * centres: the numbers {@link #distances} gets standardizing it for each, in fewer steps.
   */
  private boolean assign(double[] centres, int k, int[] labels, double[] dist) {
    boolean[] changed = new boolean[(rows + UNIT - 1) / UNIT];
    workers.each(0, changed.length, u -> {
      double[] z = new double[columns];
      for (int n = u * UNIT; n < Math.min(rows, (u + 1) * UNIT); n++) {
        for (int j = 0; j < columns; j++) {
          z[j] = (x[n * columns + j] - mean[j]) * scale[j];
        }
        // Four centres at a time: four sums that do not wait for each other, where one waits for
        // its last addition at every column. Each is still added in column order.
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        int c = 0;
        for (; c + 4 <= k; c += 4) {
          double d0 = 0, d1 = 0, d2 = 0, d3 = 0;
          for (int j = 0, at = c * columns; j < columns; j++, at++) {
            double t0 = z[j] - centres[at];
            double t1 = z[j] - centres[at + columns];
            double t2 = z[j] - centres[at + 2 * columns];
            double t3 = z[j] - centres[at + 3 * columns];
            d0 += t0 * t0;
            d1 += t1 * t1;
            d2 += t2 * t2;
            d3 += t3 * t3;
          }
          if (d0 < bestD) {
            bestD = d0;
            best = c;
          }
          if (d1 < bestD) {
            bestD = d1;
            best = c + 1;
          }
          if (d2 < bestD) {
            bestD = d2;
            best = c + 2;
          }
          if (d3 < bestD) {
            bestD = d3;
            best = c + 3;
          }
        }
        for (; c < k; c++) {
          double d = 0;
          for (int j = 0; j < columns; j++) {
            double t = z[j] - centres[c * columns + j];
            d += t * t;
          }
          if (d < bestD) {
            bestD = d;
            best = c;
          }
        }
        dist[n] = bestD;
        if (labels[n] != best) {
          labels[n] = best;
          changed[u] = true;
        }
      }
    });
    for (boolean c : changed) {
      if (c) {
        return true;
      }
    }
    return false;
  }

  /**
   * Every row's squared distance from centre c, or the smaller of it and {@code nearer}'s, into
   * {@code out}; the rows shared among the workers.
   */
  private void distances(double[] centres, int c, double[] nearer, double[] out) {
    final int at = c * columns;
    workers.each(0, (rows + UNIT - 1) / UNIT, u -> {
      final int end = Math.min(rows, (u + 1) * UNIT);
      for (int n = u * UNIT; n < end; n++) {
        double d = 0;
        for (int j = 0; j < columns; j++) {
          double t = (x[n * columns + j] - mean[j]) * scale[j] - centres[at + j];
          d += t * t;
        }
        out[n] = nearer == null ? d : Math.min(nearer[n], d);
      }
    });
  }

  /** Centres become their rows' means; an empty cluster takes the row farthest from its centre. */
  private void recentre(double[] centres, int k, int[] labels, double[] dist) {
    double[] sums = new double[k * columns];
    double[] counts = new double[k];
    for (int n = 0; n < rows; n++) {
      counts[labels[n]] += weight(n);
      for (int c = 0; c < columns; c++) {
        sums[labels[n] * columns + c] += weight(n) * (x[n * columns + c] - mean[c]) * scale[c];
      }
    }
    for (int c = 0; c < k; c++) {
      if (counts[c] == 0) {
        int far = -1;
        for (int n = 0; n < rows; n++) {
          if (weight(n) > 0 && (far < 0 || dist[n] > dist[far])) {
            far = n;
          }
        }
        counts[labels[far]] -= weight(far);
        labels[far] = c;
        dist[far] = 0;
        setCentre(centres, c, far);
        continue;
      }
      for (int j = 0; j < columns; j++) {
        centres[c * columns + j] = sums[c * columns + j] / counts[c];
      }
    }
  }

  private void setCentre(double[] centres, int c, int row) {
    for (int j = 0; j < columns; j++) {
      centres[c * columns + j] = (x[row * columns + j] - mean[j]) * scale[j];
    }
  }
}
