package dev.emc.runtime.data;

import java.util.List;

/**
 * Data in the model's layout: {@code rows} rows of {@code columns} values, row-major, in memory
 * ({@code values}) or, for data larger than the heap, in a {@link RowCache} ({@code values} null).
 *
 * @param lines each row's line in the source file, for messages (null when not known)
 * @param weights each row's weight, finite and at least 0: its contribution to the statistics
 *     and the log-likelihood is multiplied by it, so that weight 2 counts as the row twice (null:
 *     every row weighs 1)
 * @param labels each row's known value of the latent, 0-based, or −1 where it is unknown: a
 *     labelled row's responsibilities are that value's alone (null: no row is labelled)
 */
public record DataMatrix(String source, List<String> names, double[] values, int rows, int columns, int[] lines,
    RowCache cache, int[] sequences, double[] weights, int[] labels) {
  /**
   * Rows per chunk: the unit in which a fit's pass splits the rows and adds their statistics, so
   * a cache's slabs hold whole chunks.
   */
  public static final int CHUNK = 4096;

  /** Rows a fit's start is computed from when the rows are not in memory. */
  public static final int START_SAMPLE = 1 << 20;

  public DataMatrix {
    if (cache == null ? values.length != (long) rows * columns : values != null || cache.rows() != rows) {
      throw new IllegalArgumentException(rows + " × " + columns + " rows do not match their storage");
    }
    if (sequences != null && (sequences.length == 0 || sequences[0] != 0)) {
      throw new IllegalArgumentException("the first sequence starts at row 0");
    }
    if (weights != null && weights.length != rows) {
      throw new IllegalArgumentException(weights.length + " weights for " + rows + " rows");
    }
    if (labels != null && labels.length != rows) {
      throw new IllegalArgumentException(labels.length + " labels for " + rows + " rows");
    }
  }

  public DataMatrix(String source, List<String> names, double[] values, int rows, int columns, int[] lines,
      RowCache cache) {
    this(source, names, values, rows, columns, lines, cache, null, null, null);
  }

  public DataMatrix(String source, List<String> names, double[] values, int rows, int columns, int[] lines) {
    this(source, names, values, rows, columns, lines, null, null, null, null);
  }

  /**
   * The same rows as independent sequences (for a model whose latent is a chain): sequence i is
   * rows [starts[i], starts[i + 1]), the last one to the end.
   */
  public DataMatrix withSequences(int[] starts) {
    return new DataMatrix(source, names, values, rows, columns, lines, cache, starts.clone(), weights, labels);
  }

  /** The same rows, weighted: row n counts {@code weights[n]} times. */
  public DataMatrix withWeights(double[] weights) {
    return new DataMatrix(source, names, values, rows, columns, lines, cache, sequences, weights.clone(), labels);
  }

  /** The same rows, some labelled: row n's latent is {@code labels[n]} (0-based), or unknown where −1. */
  public DataMatrix withLabels(int[] labels) {
    return new DataMatrix(source, names, values, rows, columns, lines, cache, sequences, weights, labels.clone());
  }

  /** How many rows carry a label. */
  public int labelled() {
    int n = 0;
    for (int i = 0; labels != null && i < rows; i++) {
      n += labels[i] >= 0 ? 1 : 0;
    }
    return n;
  }

  /** There are at least as many rows as the {@code k} components a fit is to find in them. */
  public void requireRows(int k) throws DataException {
    if (rows < k) {
      throw new DataException(source, "the data have " + rows + " row" + (rows == 1 ? "" : "s") + ", fewer than the "
          + k + " components");
    }
  }

  /** Row n's weight: 1 unless weights were given. */
  public double weight(int n) {
    return weights == null ? 1.0 : weights[n];
  }

  /** The rows' total weight: their number unless weights were given. */
  public double totalWeight() {
    if (weights == null) {
      return rows;
    }
    double sum = 0;
    for (double w : weights) {
      sum += w;
    }
    return sum;
  }

  /** Where each sequence starts, ending with {@code rows}: one sequence when none were given. */
  public int[] sequenceBounds() {
    int[] starts = sequences == null ? new int[] {0} : sequences;
    int[] bounds = java.util.Arrays.copyOf(starts, starts.length + 1);
    bounds[starts.length] = rows;
    return bounds;
  }

  /** Receives rows a slab at a time: {@code rows} rows from row {@code first}, row-major from 0. */
  public interface Slabs<E extends Exception> {
    void accept(double[] values, int first, int rows) throws E;
  }

  /** Every row, a slab at a time: all at once when they are in memory. */
  public <E extends Exception> void slabs(Slabs<E> each) throws E {
    if (cache == null) {
      each.accept(values, 0, rows);
      return;
    }
    double[] slab = new double[cache.slabRows() * columns];
    for (int first = 0; first < rows; first += cache.slabRows()) {
      int n = Math.min(cache.slabRows(), rows - first);
      cache.read(first, n, slab);
      each.accept(slab, first, n);
    }
  }

  /**
   * At most {@code max} rows spread evenly over all of them, in memory: what a start is computed
   * from when the rows are not in memory. Rows in memory are their own sample.
   */
  public DataMatrix sample(int max) {
    if (cache == null) {
      return this;
    }
    int step = Math.max(1, (rows + max - 1) / max);
    int n = (rows + step - 1) / step;
    double[] picked = new double[n * columns];
    int[] at = {0};
    slabs((slab, first, count) -> {
      int r = (first + step - 1) / step * step;
      for (; r < first + count; r += step) {
        System.arraycopy(slab, (r - first) * columns, picked, at[0]++ * columns, columns);
      }
    });
    return new DataMatrix(source, names, picked, n, columns, null);
  }

  /**
   * At most {@code max} rows spread evenly over all of them, in memory, whether or not they are:
   * what a picture draws.
   */
  public DataMatrix spread(int max) {
    if (cache != null) {
      return sample(max);
    }
    if (rows <= max) {
      return this;
    }
    int step = (rows + max - 1) / max;
    int n = (rows + step - 1) / step;
    double[] picked = new double[n * columns];
    for (int r = 0; r < n; r++) {
      System.arraycopy(values, r * step * columns, picked, r * columns, columns);
    }
    return new DataMatrix(source, names, picked, n, columns, null);
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

  /**
   * Rows given in memory, checked at the door: none null, each {@code width} numbers wide, each
   * number finite. A row that is not is a {@link DataException} naming its index in {@code rows}
   * (0-based, as Java indexes the array), not an {@code ArrayIndexOutOfBoundsException} later.
   * The columns are named c1 … c{@code width}.
   */
  public static DataMatrix checked(String source, double[][] rows, int width) throws DataException {
    if (rows == null) {
      throw new DataException(source, "the rows are null");
    }
    List<String> names = new java.util.ArrayList<>();
    for (int c = 0; c < width; c++) {
      names.add("c" + (c + 1));
    }
    double[] values = new double[Math.multiplyExact(rows.length, width)];
    for (int r = 0; r < rows.length; r++) {
      if (rows[r] == null || rows[r].length != width) {
        throw new DataException(source, "rows[" + r + "] " + (rows[r] == null ? "is null" : "has " + rows[r].length
            + " values") + ", but each row has " + width + " (the model's columns)");
      }
      for (int c = 0; c < width; c++) {
        if (!Double.isFinite(rows[r][c])) {
          throw new DataException(source, "rows[" + r + "][" + c + "] is " + rows[r][c]
              + ": each value must be a finite number");
        }
      }
      System.arraycopy(rows[r], 0, values, r * width, width);
    }
    return new DataMatrix(source, names, values, rows.length, width, null);
  }

  /** "3", not "3.0"; other numbers as Java prints them. */
  public static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
