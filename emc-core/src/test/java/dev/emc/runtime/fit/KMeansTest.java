package dev.emc.runtime.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.emc.runtime.data.DataMatrix;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * KMeans shares its rows among threads, standardizes each row once for all the centres and sums
 * four centres' distances at a time: its labels must be those of the plain algorithm, written out
 * below as it was before (every distance standardizing its row, one row and one centre at a time),
 * on one thread and on two, with weights and without, for K a multiple of four and not.
 */
class KMeansTest {
  @ParameterizedTest
  @CsvSource({"9000, 5, 7, false", "9000, 5, 7, true", "4099, 1, 2, false", "20000, 30, 30, true",
      "300, 3, 4, false"})
  void theLabelsAreThePlainAlgorithmsOnAnyNumberOfThreads(int rows, int columns, int k, boolean weighted) {
    SplittableRandom rng = new SplittableRandom(rows * 31L + k);
    double[] x = new double[rows * columns];
    for (int n = 0; n < rows; n++) {
      // k loose clusters at different scales per column, so that the standardization matters
      int cluster = rng.nextInt(k);
      for (int j = 0; j < columns; j++) {
        x[n * columns + j] = (j + 1) * (3.0 * cluster + rng.nextGaussian()) + 100 * j;
      }
    }
    DataMatrix data = new DataMatrix("test", names(columns), x, rows, columns, null);
    if (weighted) {
      double[] w = new double[rows];
      for (int n = 0; n < rows; n++) {
        w[n] = rng.nextInt(4) == 0 ? 0.0 : rng.nextDouble() * 3;
      }
      data = data.withWeights(w);
    }
    int[] plain = Plain.labels(data, k, new SplittableRandom(7));
    for (int threads : new int[] {1, 2}) {
      try (Workers workers = new Workers(threads)) {
        assertArrayEquals(plain, new KMeans(data, workers).labels(k, new SplittableRandom(7)), threads + " threads");
      }
    }
  }

  private static List<String> names(int columns) {
    return java.util.stream.IntStream.range(0, columns).mapToObj(j -> "x" + j).toList();
  }

  /** The algorithm as KMeans computed it on one thread before it shared its rows: the reference. */
  private static final class Plain {
    static int[] labels(DataMatrix data, int k, SplittableRandom rng) {
      double[] x = data.values();
      double[] w = data.weights();
      int rows = data.rows();
      int columns = data.columns();
      double[] mean = new double[columns];
      double[] scale = new double[columns];
      double total = data.totalWeight();
      for (int n = 0; n < rows; n++) {
        for (int c = 0; c < columns; c++) {
          mean[c] += weight(w, n) * x[n * columns + c];
        }
      }
      for (int c = 0; c < columns; c++) {
        mean[c] /= total;
      }
      for (int n = 0; n < rows; n++) {
        for (int c = 0; c < columns; c++) {
          double d = x[n * columns + c] - mean[c];
          scale[c] += weight(w, n) * d * d;
        }
      }
      for (int c = 0; c < columns; c++) {
        double sd = Math.sqrt(scale[c] / total);
        scale[c] = sd > 0 ? 1 / sd : 1;
      }
      Plain p = new Plain(x, w, rows, columns, mean, scale);
      double[] centres = p.seed(k, rng);
      int[] labels = new int[rows];
      java.util.Arrays.fill(labels, -1);
      double[] dist = new double[rows];
      for (int it = 0; it < 100; it++) {
        boolean changed = p.assign(centres, k, labels, dist);
        p.recentre(centres, k, labels, dist);
        if (!changed) {
          break;
        }
      }
      p.assign(centres, k, labels, dist);
      return labels;
    }

    private final double[] x;
    private final double[] w;
    private final int rows;
    private final int columns;
    private final double[] mean;
    private final double[] scale;

    private Plain(double[] x, double[] w, int rows, int columns, double[] mean, double[] scale) {
      this.x = x;
      this.w = w;
      this.rows = rows;
      this.columns = columns;
      this.mean = mean;
      this.scale = scale;
    }

    private static double weight(double[] w, int n) {
      return w == null ? 1.0 : w[n];
    }

    private double[] seed(int k, SplittableRandom rng) {
      double[] centres = new double[k * columns];
      double[] closest = new double[rows];
      setCentre(centres, 0, w == null ? rng.nextInt(rows) : weightedRow(rng));
      for (int n = 0; n < rows; n++) {
        closest[n] = distance(n, centres, 0);
      }
      int trials = 2 + (int) Math.log(k);
      double[] cumulative = new double[rows];
      double[] candidate = new double[rows];
      double[] best = new double[rows];
      for (int c = 1; c < k; c++) {
        double sum = 0;
        for (int n = 0; n < rows; n++) {
          sum += weight(w, n) * closest[n];
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
            p += weight(w, n) * candidate[n];
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

    private void recentre(double[] centres, int k, int[] labels, double[] dist) {
      double[] sums = new double[k * columns];
      double[] counts = new double[k];
      for (int n = 0; n < rows; n++) {
        counts[labels[n]] += weight(w, n);
        for (int c = 0; c < columns; c++) {
          sums[labels[n] * columns + c] += weight(w, n) * (x[n * columns + c] - mean[c]) * scale[c];
        }
      }
      for (int c = 0; c < k; c++) {
        if (counts[c] == 0) {
          int far = -1;
          for (int n = 0; n < rows; n++) {
            if (weight(w, n) > 0 && (far < 0 || dist[n] > dist[far])) {
              far = n;
            }
          }
          counts[labels[far]] -= weight(w, far);
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
}
