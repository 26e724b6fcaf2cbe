package dev.emc.spark;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.data.DataMatrix;
import java.io.Serializable;
import java.util.Map;

/**
 * One partition's rows, packed in the model's layout into one row-major {@code double[]}, as the
 * generated {@link EmModel#accumulate} reads them; for a latent chain, with where each of its
 * whole sequences starts.
 *
 * @param partition the partition's index: the order in which the driver adds the blocks' statistics
 * @param bounds where each sequence starts, then {@code rows}; null when the rows are independent
 */
record Block(int partition, double[] values, int rows, int[] bounds) implements Serializable {

  /**
   * The block's statistics at the parameters and settings in {@code state}: chunk by chunk of
   * {@link DataMatrix#CHUNK} rows, or sequence by sequence, each into its own array, added in order,
   * as the in-memory pass does.
   */
  double[] statistics(ModelCode code, Map<String, double[]> state) {
    EmModel m = code.newModel();
    for (var e : state.entrySet()) {
      double[] live = e.getKey().startsWith(SETTING) ? m.setting(e.getKey().substring(SETTING.length()))
          : m.param(e.getKey());
      System.arraycopy(e.getValue(), 0, live, 0, live.length);
    }
    String problem = m.prepare();
    if (problem != null) {
      throw new IllegalStateException("the parameters are not usable on an executor: " + problem);
    }
    double[] total = new double[m.statisticsLength()];
    double[] part = new double[m.statisticsLength()];
    int units = bounds == null ? (rows + DataMatrix.CHUNK - 1) / DataMatrix.CHUNK : bounds.length - 1;
    for (int u = 0; u < units; u++) {
      java.util.Arrays.fill(part, 0.0);
      int from = bounds == null ? u * DataMatrix.CHUNK : bounds[u];
      int to = bounds == null ? Math.min(rows, from + DataMatrix.CHUNK) : bounds[u + 1];
      m.accumulate(values, from, to, part);
      for (int i = 0; i < total.length; i++) {
        total[i] += part[i];
      }
    }
    return total;
  }

  /** The first row the model's families cannot take, as a message, or null. */
  String problem(ModelCode code, Map<String, double[]> state, String source) {
    EmModel m = code.newModel();
    for (var e : state.entrySet()) {
      if (e.getKey().startsWith(SETTING)) {
        double[] live = m.setting(e.getKey().substring(SETTING.length()));
        System.arraycopy(e.getValue(), 0, live, 0, live.length);
      }
    }
    for (int n = 0; n < rows; n++) {
      String problem = m.checkRow(values, n);
      if (problem != null) {
        return source + ": partition " + partition + ", row " + (n + 1) + ": " + problem;
      }
    }
    return null;
  }

  /** How a setting's name is told from a parameter's in a model's state. */
  static final String SETTING = "setting:";
}
