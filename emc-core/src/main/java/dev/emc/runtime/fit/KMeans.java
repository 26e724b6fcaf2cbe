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

  private final double[] x;
  private final double[] w;
  private final int rows;
  private final int columns;
  private final double[] mean;
  private final double[] scale;

  KMeans(DataMatrix data) {
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
    double potential = 0;
    for (int n = 0; n < rows; n++) {
      closest[n] = distance(n, centres, 0);
      potential += weight(n) * closest[n];
    }
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
        double p = 0;
        for (int n = 0; n < rows; n++) {
          candidate[n] = Math.min(closest[n], distance(n, centres, c));
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
      potential = bestPotential;
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

  private boolean assign(double[] centres, int k, int[] labels, double[] dist) {
    boolean changed = false;
    for (int n = 0; n < rows; n++) {
      int best = 0;
      double bestD = Double.POSITIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        double d = distance(n, centres, c);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      dist[n] = bestD;
      if (labels[n] != best) {
        labels[n] = best;
        changed = true;
      }
    }
    return changed;
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

  private double distance(int n, double[] centres, int c) {
    double d = 0;
    for (int j = 0; j < columns; j++) {
      double t = (x[n * columns + j] - mean[j]) * scale[j] - centres[c * columns + j];
      d += t * t;
    }
    return d;
  }
}
