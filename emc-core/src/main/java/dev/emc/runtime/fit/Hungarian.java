package dev.emc.runtime.fit;

import java.util.Arrays;

/**
 * The assignment of least total cost (Kuhn's Hungarian algorithm, in the O(n³) form with
 * potentials): how a bootstrap replicate's components are matched to the fit's. Commons Math has
 * no assignment solver.
 */
public final class Hungarian {
  private Hungarian() {}

  /**
   * For an n × n cost matrix, {@code match[i]} = the column assigned to row i, so that Σ_i
   * cost[i][match[i]] is least.
   */
  public static int[] solve(double[][] cost) {
    int n = cost.length;
    // 1-based arrays, row 0 and column 0 a sentinel: u, v the potentials, p[j] the row of column j.
    double[] u = new double[n + 1];
    double[] v = new double[n + 1];
    int[] p = new int[n + 1];
    int[] way = new int[n + 1];
    for (int i = 1; i <= n; i++) {
      p[0] = i;
      int j0 = 0;
      double[] minv = new double[n + 1];
      Arrays.fill(minv, Double.POSITIVE_INFINITY);
      boolean[] used = new boolean[n + 1];
      do {
        // Grow the alternating tree by the column of least reduced cost.
        used[j0] = true;
        int i0 = p[j0];
        double delta = Double.POSITIVE_INFINITY;
        int j1 = 0;
        for (int j = 1; j <= n; j++) {
          if (!used[j]) {
            double cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
            if (cur < minv[j]) {
              minv[j] = cur;
              way[j] = j0;
            }
            if (minv[j] < delta) {
              delta = minv[j];
              j1 = j;
            }
          }
        }
        for (int j = 0; j <= n; j++) {
          if (used[j]) {
            u[p[j]] += delta;
            v[j] -= delta;
          } else {
            minv[j] -= delta;
          }
        }
        j0 = j1;
      } while (p[j0] != 0);
      // Flip the augmenting path.
      do {
        int j1 = way[j0];
        p[j0] = p[j1];
        j0 = j1;
      } while (j0 != 0);
    }
    int[] match = new int[n];
    for (int j = 1; j <= n; j++) {
      match[p[j] - 1] = j - 1;
    }
    return match;
  }
}
