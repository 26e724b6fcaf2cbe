package dev.emc.runtime.data;

import dev.emc.runtime.DataInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which columns of a table each data variable takes, and the data in the model's layout.
 *
 * <p>The rules: a variable of one number takes the column with its name; with {@code --columns}
 * and a single data variable, that variable takes the listed columns; otherwise the one vector
 * variable takes every column no other variable took, in order, but for columns of words (an id
 * or a label: cells none of which is a number). A column no variable takes is never checked.
 */
public final class Binder {
  private Binder() {}

  /**
   * A data variable as the binder needs it.
   *
   * @param width its columns, or -1 when the data decide (a vector of the data's width)
   * @param values what its values must be (see {@link DataInfo#values()})
   * @param categories for a category, how many; -1 when the data decide (the largest value)
   * @param missing whether its cells may be empty (NaN), for the fit to integrate out
   */
  public record Spec(String name, String values, int width, int categories, boolean missing) {
    public Spec(String name, String values, int width, int categories) {
      this(name, values, width, categories, false);
    }
  }

  /** The columns each variable takes, with the widths and category counts the data decided. */
  public record Binding(Map<String, int[]> columns, Map<String, Integer> widths, Map<String, Integer> categories) {}

  public static Binding bind(List<Spec> specs, Table table, Optional<List<String>> selected) throws DataException {
    return bind(specs, table, selected, null);
  }

  /**
   * Binds by the columns a fit was made with ({@code fitted}: their names in the model's layout,
   * as the fit in file {@code fit} records them), each found by its name wherever it is in the
   * table; the table's other columns are left alone.
   */
  public static Binding bindAsFitted(List<Spec> specs, Table table, List<String> fitted, String fit)
      throws DataException {
    List<Integer> pool = new ArrayList<>();
    for (String name : fitted) {
      int at = table.header().indexOf(name);
      if (at < 0) {
        throw new DataException(table.source(), "the fit in " + fit + " was made with a column " + name
            + ", but these data have no such column (they have " + String.join(", ", table.header())
            + "); rename it, or pick these data's columns for the fitted ones, in order, with --columns");
      }
      pool.add(at);
    }
    return specs.size() == 1 ? bind(specs, table, Optional.of(fitted), null) : bind(specs, table, Optional.empty(), pool);
  }

  /** With {@code pool}, the columns a vector variable may take, in order; null for all the table's. */
  private static Binding bind(List<Spec> specs, Table table, Optional<List<String>> selected, List<Integer> pool)
      throws DataException {
    Map<String, int[]> columns = new LinkedHashMap<>();
    List<String> header = table.header();
    List<Integer> taken = new ArrayList<>();
    if (selected.isPresent()) {
      if (specs.size() != 1) {
        throw new DataException(table.source(), "--columns picks the columns of the model's one data variable,"
            + " but the model has " + specs.size() + "; name the columns after the variables instead");
      }
      int[] idx = new int[selected.get().size()];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = column(table, selected.get().get(i));
        if (selected.get().indexOf(selected.get().get(i)) < i) {
          throw new DataException(table.source(), "--columns names " + selected.get().get(i) + " twice");
        }
      }
      columns.put(specs.get(0).name(), idx);
    } else {
      Spec vector = null;
      for (Spec s : specs) {
        int at = header.indexOf(s.name());
        if (s.width() == 1 && at >= 0) {
          columns.put(s.name(), new int[] {at});
          taken.add(at);
        } else if (s.width() == 1) {
          throw new DataException(table.source(), "the data have no column named " + s.name()
              + " (they have " + String.join(", ", header) + "); rename a column or use --columns");
        } else if (vector == null) {
          vector = s;
        } else {
          throw new DataException(table.source(), "data variables " + vector.name() + " and " + s.name()
              + " both need several columns; name one column after each scalar variable");
        }
      }
      if (vector != null) {
        List<Integer> rest = new ArrayList<>();
        for (int c : pool != null ? pool : java.util.stream.IntStream.range(0, header.size()).boxed().toList()) {
          if (!taken.contains(c) && (pool != null || !table.isWords(c))) {
            rest.add(c);
          }
        }
        columns.put(vector.name(), rest.stream().mapToInt(Integer::intValue).toArray());
      }
    }
    return check(specs, table, columns);
  }

  /**
   * The columns a binding chose, checked in another table with the same header (a later slab of a
   * streamed file), with that table's category counts.
   */
  public static Binding rebind(List<Spec> specs, Table table, Binding first) throws DataException {
    return check(specs, table, first.columns());
  }

  /** Checks each variable's columns: their number, and every value of the kind the variable takes. */
  private static Binding check(List<Spec> specs, Table table, Map<String, int[]> columns) throws DataException {
    List<String> header = table.header();
    Map<String, Integer> widths = new LinkedHashMap<>();
    Map<String, Integer> categories = new LinkedHashMap<>();
    for (Spec s : specs) {
      int[] idx = columns.get(s.name());
      if (idx.length == 0) {
        throw new DataException(table.source(), "no columns are left for " + s.name());
      }
      if (s.width() >= 0 && idx.length != s.width()) {
        throw new DataException(table.source(), s.name() + " takes " + s.width() + " columns, but "
            + idx.length + " are given (" + names(header, idx) + ")");
      }
      widths.put(s.name(), idx.length);
      for (int c : idx) {
        check(table, c, s);
      }
      if (s.values().equals("category")) {
        int max = 0;
        for (int r = 0; r < table.rows(); r++) {
          max = Math.max(max, (int) table.get(r, idx[0]));
        }
        int k = s.categories() >= 0 ? s.categories() : max;
        if (max > k) {
          throw new DataException(table.source(), s.name() + " has the value " + max + ", beyond its "
              + k + " categories");
        }
        categories.put(s.name(), k);
      }
    }
    return new Binding(columns, widths, categories);
  }

  /** The rows in the model's layout: each variable's columns side by side, in spec order. */
  public static DataMatrix select(Table table, List<Spec> specs, Binding binding) {
    int width = 0;
    List<String> names = new ArrayList<>();
    for (Spec s : specs) {
      for (int c : binding.columns().get(s.name())) {
        names.add(table.header().get(c));
        width++;
      }
    }
    double[] values = new double[table.rows() * width];
    for (int r = 0; r < table.rows(); r++) {
      int at = r * width;
      for (Spec s : specs) {
        for (int c : binding.columns().get(s.name())) {
          values[at++] = table.get(r, c);
        }
      }
    }
    return new DataMatrix(table.source(), names, values, table.rows(), width, table.lines());
  }

  private static int column(Table table, String name) throws DataException {
    int at = table.header().indexOf(name);
    if (at < 0) {
      throw new DataException(table.source(), "--columns names " + name + ", but the data have no such column"
          + " (they have " + String.join(", ", table.header()) + ")");
    }
    return at;
  }

  private static String names(List<String> header, int[] idx) {
    List<String> n = new ArrayList<>();
    for (int c : idx) {
      n.add(header.get(c));
    }
    return String.join(", ", n);
  }

  /** Every cell of column {@code c} has a value: the first empty one is an error at its place. */
  public static void requireFilled(Table table, int c) throws DataException {
    for (int r = 0; r < table.rows(); r++) {
      if (table.isMissing(r, c)) {
        throw empty(table, r, c, "");
      }
    }
  }

  /** Every cell of column {@code c} is a number or missing: the first that is not is an error at its place. */
  public static void requireNumbers(Table table, int c) throws DataException {
    DataException words = table.notNumbers(c);
    if (words != null) {
      throw words;
    }
  }

  /**
   * Column {@code c} as row weights: each filled, finite and at least 0, and not all 0. (Table has
   * already refused cells that are not numbers.)
   */
  public static double[] weights(Table table, int c) throws DataException {
    requireNumbers(table, c);
    requireFilled(table, c);
    double[] w = new double[table.rows()];
    double total = 0;
    for (int r = 0; r < table.rows(); r++) {
      w[r] = table.get(r, c);
      if (!(w[r] >= 0) || Double.isInfinite(w[r])) {
        throw at(table, r, c, "a weight must be a finite number, at least 0, not " + DataMatrix.format(w[r]));
      }
      total += w[r];
    }
    if (!(total > 0)) {
      throw new DataException(table.source(), "every weight in column " + table.header().get(c)
          + " is 0: there is nothing to fit");
    }
    return w;
  }

  /**
   * Column {@code c} as the rows' known values of a latent with {@code k} values: 1..k where
   * known, an empty cell where not; returned 0-based, −1 for unknown. (Table has already refused
   * cells that are not numbers.)
   */
  public static int[] labels(Table table, int c, int k) throws DataException {
    requireNumbers(table, c);
    int[] labels = new int[table.rows()];
    for (int r = 0; r < table.rows(); r++) {
      double v = table.get(r, c);
      if (Double.isNaN(v)) {
        labels[r] = -1;
      } else if (v == Math.rint(v) && v >= 1 && v <= k) {
        labels[r] = (int) v - 1;
      } else {
        throw at(table, r, c, "a label must be " + (k == 1 ? "1" : "one of 1.." + k)
            + " (a component of the model's " + k + "), or an empty cell where it is not known, but column " + table.header().get(c) + " has "
            + DataMatrix.format(v));
      }
    }
    return labels;
  }

  private static DataException empty(Table table, int r, int c, String hint) {
    // An NA token is said as written: "empty" under a caret on `NA` would puzzle.
    DataException where = at(table, r, c, "");
    String written = "";
    if (where.lineText() != null && where.column() > 0 && where.column() - 1 + where.width() <= where.lineText().length()) {
      written = where.lineText().substring(where.column() - 1, where.column() - 1 + where.width()).strip();
    }
    boolean token = !written.isEmpty() && written.charAt(0) != table.origin().delimiter();
    return new DataException(where.file(), where.line(), where.column(), where.width(), where.lineText(),
        "the cell in column " + table.header().get(c) + (token ? " is `" + written + "`, a missing value" : " is empty") + hint);
  }

  /** An error at the cell of row {@code r}, column {@code c}, with its line shown. */
  private static DataException at(Table table, int r, int c, String message) {
    return table.atCell(r, c, message);
  }

  /** Every value of a column is of the kind the variable takes. */
  private static void check(Table table, int c, Spec s) throws DataException {
    requireNumbers(table, c);
    for (int r = 0; r < table.rows(); r++) {
      double v = table.get(r, c);
      if (Double.isNaN(v)) {
        if (s.missing()) {
          continue;
        }
        throw empty(table, r, c, s.values().equals("real")
            ? " (emc fit --missing marginalize integrates out empty cells of normally distributed data)" : "");
      }
      String problem = switch (s.values()) {
        case "positive" -> v > 0 ? null : "positive";
        case "probability" -> v >= 0 && v <= 1 ? null : "between 0 and 1";
        case "int" -> v == Math.rint(v) ? null : "an integer";
        case "count" -> v == Math.rint(v) && v >= 0 ? null : "a count (0, 1, 2, …)";
        case "binary" -> v == 0 || v == 1 ? null : "0 or 1";
        case "category" -> v == Math.rint(v) && v >= 1 ? null : "a category (1, 2, …)";
        default -> null;
      };
      if (problem != null) {
        throw at(table, r, c, s.name() + " must be " + problem + ", but column " + table.header().get(c) + " has "
            + DataMatrix.format(v));
      }
    }
  }
}
