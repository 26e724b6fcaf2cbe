package dev.emc.runtime;

import java.util.List;

/**
 * Data in the model's layout: {@code rows} rows of {@code columns} values, row-major.
 *
 * @param lines each row's line in the source file, for messages (null when not from a file)
 */
public record DataMatrix(String source, List<String> names, double[] values, int rows, int columns, int[] lines) {
  public DataMatrix {
    if (values.length != (long) rows * columns) {
      throw new IllegalArgumentException(values.length + " values for " + rows + " × " + columns);
    }
  }

  /** Rows given as arrays, all of one length. */
  public static DataMatrix of(double[][] rows, List<String> names) {
    int width = rows.length == 0 ? names.size() : rows[0].length;
    double[] values = new double[rows.length * width];
    for (int r = 0; r < rows.length; r++) {
      if (rows[r].length != width) {
        throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " values, not " + width);
      }
      System.arraycopy(rows[r], 0, values, r * width, width);
    }
    return new DataMatrix("data", names, values, rows.length, width, null);
  }

  /** "3", not "3.0"; other numbers as Java prints them. */
  static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
