package dev.emc.runtime.fit;

import dev.emc.runtime.data.DataMatrix;

/**
 * What a fit says about which component each row is in, as mclust's summary gives it, from each
 * row's posterior r_nk = p(z_n = k | x, θ̂) as {@code emc predict} writes it: from the row's values
 * alone, so that a labelled row's label is not read back as its own classification. A weighted row
 * counts its weight times, as in the fit.
 *
 * @param hardCounts the rows whose most likely component is k (ties to the lower k)
 * @param posteriorSums Σ_n r_nk: the expected number of rows in component k
 * @param meanUncertainty the mean over the rows of 1 − max_k r_nk
 * @param maxUncertainty its largest value (rows of weight 0 left out)
 * @param table for partly labelled rows, {@code table[known][fitted]}: the labelled rows with
 *     each known label and most likely component; null when no row is labelled
 */
public record Classification(double[] hardCounts, double[] posteriorSums, double meanUncertainty,
    double maxUncertainty, double[][] table) {

  /** The classification of {@code data}'s rows by the posteriors {@code p} computed for them. */
  public static Classification of(Prediction p, DataMatrix data) {
    int k = p.components();
    double[] hard = new double[k];
    double[] soft = new double[k];
    double[][] table = data.labels() == null ? null : new double[k][k];
    double uncertain = 0;
    double most = 0;
    double weight = 0;
    for (int n = 0; n < p.rows(); n++) {
      double w = data.weight(n);
      int best = p.component(n);
      hard[best] += w;
      for (int j = 0; j < k; j++) {
        soft[j] += w * p.responsibilities()[n * k + j];
      }
      double u = p.uncertainty(n);
      uncertain += w * u;
      weight += w;
      most = w > 0 ? Math.max(most, u) : most;
      if (table != null && data.labels()[n] >= 0) {
        table[data.labels()[n]][best] += w;
      }
    }
    return new Classification(hard, soft, weight > 0 ? uncertain / weight : 0, most, table);
  }

  /** The labelled rows' total weight: their number, unless weighted; 0 when no row is labelled. */
  public double labelled() {
    double n = 0;
    for (double[] row : table == null ? new double[0][] : table) {
      for (double v : row) {
        n += v;
      }
    }
    return n;
  }

  /** The adjusted Rand index of the fit's classification against the known labels; NaN without labels. */
  public double adjustedRandIndex() {
    return table == null ? Double.NaN : adjustedRandIndex(table);
  }

  /**
   * Hubert and Arabie's (1985) adjusted Rand index of two partitions from their contingency
   * table: the pairs of rows the two put together, Σ_ij C(n_ij, 2), against what two random
   * partitions with the same margins a_i and b_j would give, scaled so that equal partitions give
   * 1 and chance gives 0 on average:
   *
   * <pre>
   *   (Σ_ij C(n_ij,2) − Σ_i C(a_i,2) Σ_j C(b_j,2) / C(n,2)) / (½ (Σ_i C(a_i,2) + Σ_j C(b_j,2)) − Σ_i C(a_i,2) Σ_j C(b_j,2) / C(n,2))
   * </pre>
   *
   * with C(x, 2) = x(x − 1)/2, which for whole counts is mclust's {@code adjustedRandIndex} (and for
   * whole weights that of the rows repeated). The denominator is 0 only when the two partitions
   * are the same trivial one (a single group, or every row alone): they agree, and the index is 1.
   */
  public static double adjustedRandIndex(double[][] table) {
    double together = 0;
    double n = 0;
    double[] columns = new double[table.length == 0 ? 0 : table[0].length];
    double rowPairs = 0;
    for (double[] row : table) {
      double a = 0;
      for (int j = 0; j < row.length; j++) {
        together += pairs(row[j]);
        a += row[j];
        columns[j] += row[j];
      }
      rowPairs += pairs(a);
      n += a;
    }
    double columnPairs = 0;
    for (double b : columns) {
      columnPairs += pairs(b);
    }
    if (rowPairs == columnPairs && (rowPairs == 0 || rowPairs == pairs(n))) {
      return 1.0;
    }
    double expected = rowPairs * columnPairs / pairs(n);
    return (together - expected) / ((rowPairs + columnPairs) / 2 - expected);
  }

  private static double pairs(double x) {
    return x * (x - 1) / 2;
  }
}
