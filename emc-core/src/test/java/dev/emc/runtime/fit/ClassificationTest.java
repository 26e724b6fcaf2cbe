package dev.emc.runtime.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.emc.runtime.data.DataMatrix;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The adjusted Rand index against its closed form worked by hand on small tables and against the
 * pair counting that defines it, and the sizes and uncertainty against sums written out here. (R
 * mclust's adjustedRandIndex and summary on Old Faithful: api/ClassificationReferenceTest.)
 */
class ClassificationTest {

  /**
   * [[1, 1], [1, 1]]: no pair is together in both, Σ C(a_i, 2) = Σ C(b_j, 2) = 1 + 1 = 2, C(4, 2) = 6,
   * so the index is (0 − 2·2/6) / (2 − 2·2/6) = (−2/3) / (4/3) = −1/2. [[2, 0], [0, 2]]: (2 − 2/3) /
   * (2 − 2/3) = 1. [[2, 1], [0, 3]]: together C(2,2) + C(3,2) = 4, rows C(3,2) + C(3,2) = 6, columns
   * C(2,2) + C(4,2) = 7, C(6,2) = 15, so (4 − 42/15) / (13/2 − 42/15) = 1.2 / 3.7 = 12/37.
   */
  @Test
  void smallTablesGiveTheClosedForm() {
    assertEquals(-0.5, Classification.adjustedRandIndex(new double[][] {{1, 1}, {1, 1}}), 1e-15);
    assertEquals(1.0, Classification.adjustedRandIndex(new double[][] {{2, 0}, {0, 2}}), 1e-15);
    assertEquals(1.0, Classification.adjustedRandIndex(new double[][] {{0, 2}, {2, 0}}), 1e-15);
    assertEquals(12.0 / 37, Classification.adjustedRandIndex(new double[][] {{2, 1}, {0, 3}}), 1e-15);
  }

  /** Both partitions one group, or both every row alone: they agree, and the index is 1, not 0/0. */
  @Test
  void theSameTrivialPartitionIsOne() {
    assertEquals(1.0, Classification.adjustedRandIndex(new double[][] {{5, 0}, {0, 0}}));
    assertEquals(1.0, Classification.adjustedRandIndex(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}));
    assertEquals(1.0, Classification.adjustedRandIndex(new double[][] {{1, 0}, {0, 0}}));
    // Every row alone against one group: no pair agrees beyond chance, 0 (mclust gives 0 too).
    assertEquals(0.0, Classification.adjustedRandIndex(new double[][] {{1}, {1}, {1}, {1}}), 1e-15);
  }

  /**
   * The Rand index adjusted for chance, from its definition over the pairs of rows: with a = pairs
   * together in both, b in the first only, c in the second only and d in neither, (a − (a + b)(a + c)
   * / M) / (((a + b) + (a + c)) / 2 − (a + b)(a + c) / M), M all pairs. A weight w is the row w times.
   */
  @Test
  void randomPartitionsAgreeWithCountingPairs() {
    SplittableRandom rng = new SplittableRandom(22);
    for (int trial = 0; trial < 200; trial++) {
      int k = 1 + rng.nextInt(4);
      int n = 2 + rng.nextInt(30);
      int[] x = new int[n];
      int[] y = new int[n];
      int[] w = new int[n];
      double[][] table = new double[k][k];
      for (int i = 0; i < n; i++) {
        x[i] = rng.nextInt(k);
        y[i] = rng.nextInt(k) < 2 ? x[i] : rng.nextInt(k); // somewhat alike
        w[i] = trial % 2 == 0 ? 1 : 1 + rng.nextInt(3);
        table[x[i]][y[i]] += w[i];
      }
      int[] xs = repeat(x, w);
      int[] ys = repeat(y, w);
      double a = 0;
      double b = 0;
      double c = 0;
      double all = 0;
      for (int i = 0; i < xs.length; i++) {
        for (int j = i + 1; j < xs.length; j++) {
          boolean first = xs[i] == xs[j];
          boolean second = ys[i] == ys[j];
          a += first && second ? 1 : 0;
          b += first && !second ? 1 : 0;
          c += !first && second ? 1 : 0;
          all++;
        }
      }
      double expected = a * 1.0 == all || (a + b == 0 && a + c == 0) ? 1.0
          : (a - (a + b) * (a + c) / all) / (((a + b) + (a + c)) / 2 - (a + b) * (a + c) / all);
      assertEquals(expected, Classification.adjustedRandIndex(table), 1e-12, "trial " + trial);
    }
  }

  private static int[] repeat(int[] v, int[] times) {
    return java.util.stream.IntStream.range(0, v.length).flatMap(i -> java.util.stream.IntStream.range(0, times[i])
        .map(t -> v[i])).toArray();
  }

  /** Sizes, uncertainty and the labels' table from posteriors written here, weighted and labelled. */
  @Test
  void sizesAndUncertaintyAreTheSumsOfThePosteriors() {
    double[] r = {0.9, 0.1, 0.3, 0.7, 0.5, 0.5, 0.2, 0.8};
    Prediction p = new Prediction(2, r, new double[4]);
    DataMatrix rows = new DataMatrix("t.csv", List.of("x"), new double[4], 4, 1, null);
    Classification c = Classification.of(p, rows);
    assertArrayEquals(new double[] {2, 2}, c.hardCounts()); // the tie (row 3) goes to component 1
    assertArrayEquals(new double[] {1.9, 2.1}, c.posteriorSums(), 1e-15);
    assertEquals((0.1 + 0.3 + 0.5 + 0.2) / 4, c.meanUncertainty(), 1e-15);
    assertEquals(0.5, c.maxUncertainty(), 1e-15);
    assertNull(c.table());
    assertEquals(Double.NaN, c.adjustedRandIndex());

    // Weights 2, 0, 1, 1 and labels 2, ?, 1, 2: the row of weight 0 counts nowhere, not even in the maximum.
    DataMatrix weighted = rows.withWeights(new double[] {2, 0, 1, 1}).withLabels(new int[] {1, -1, 0, 1});
    Classification w = Classification.of(p, weighted);
    assertArrayEquals(new double[] {3, 1}, w.hardCounts());
    assertArrayEquals(new double[] {2 * 0.9 + 0.5 + 0.2, 2 * 0.1 + 0.5 + 0.8}, w.posteriorSums(), 1e-15);
    assertEquals((2 * 0.1 + 0.5 + 0.2) / 4, w.meanUncertainty(), 1e-15);
    assertEquals(0.5, w.maxUncertainty(), 1e-15);
    assertArrayEquals(new double[] {1, 0}, w.table()[0]);
    assertArrayEquals(new double[] {2, 1}, w.table()[1]);
    assertEquals(4, w.labelled());
  }
}
