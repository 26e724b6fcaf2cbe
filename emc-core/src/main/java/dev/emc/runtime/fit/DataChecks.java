package dev.emc.runtime.fit;

import dev.emc.runtime.DataInfo;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.SettingInfo;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import java.util.ArrayList;
import java.util.List;

/** What the driver checks of the data before a fit, and the regularization it sets from them. */
final class DataChecks {
  private DataChecks() {}

  /** Whether model {@code m} can be fitted to {@code data} at all, with what its pass needs of them. */
  static void check(EmModel m, LatentPass pass, DataMatrix data, FitOptions o) throws DataException {
    pass.check(data);
    if (data.columns() != m.columns()) {
      throw new DataException(data.source(), "the data have " + data.columns() + " columns, but model "
          + m.name() + " reads " + m.columns());
    }
    int k = m.components();
    data.requireRows(k);
    if (o.init() == FitOptions.Init.KMEANS && distinctRows(data.sample(DataMatrix.START_SAMPLE), k) < k) {
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

  static List<String> constantColumnWarnings(EmModel m, DataMatrix data, FitOptions o) {
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
  static void setRegularization(EmModel m, DataMatrix data, double reg) {
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
