package dev.emc.cli;

import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.LatentPass;
import java.awt.Color;
import java.util.Arrays;
import java.util.Set;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One column of data against the fitted densities: for a discrete variable, bars of each value's
 * frequency with the mixture's probability of it; for a continuous one, a histogram scaled as a
 * density with the mixture's density. Each component's weighted density φ_k p_k(x) is a thinner
 * line. The densities come from the generated model's own {@code logDensities}, so every family,
 * a plugin's too, is drawn by the same code.
 */
final class DensityPanel {
  private DensityPanel() {}

  /** Value types whose values are integers: their density is a probability per value. */
  private static final Set<String> DISCRETE = Set.of("int", "count", "binary", "category");
  /** Rows the histogram counts at most; more are thinned evenly. */
  static final int MAX_ROWS = 1 << 20;
  /** Points on the density's curve. */
  static final int GRID = 400;
  /** Bars per integer value are at most this many before the probability lines lose their markers. */
  private static final int MARKED_VALUES = 40;

  static FitPlot.Panel of(FitResult fit, DataMatrix data) {
    EmModel m = fit.model();
    boolean discrete = DISCRETE.contains(m.data().get(0).values());
    double[] x = values(data.spread(MAX_ROWS));
    LatentPass pass = LatentPass.of(m);
    double[] shares = pass.shares(data);
    XYChart chart = FitPlot.chart(FitPlot.title(fit), data.names().get(0), discrete ? "probability" : "density");
    chart.getStyler().setYAxisMin(0.0).setMarkerSize(6);

    double[] grid;
    if (discrete) {
      grid = new double[(int) (x[x.length - 1] - x[0]) + 1];
      for (int i = 0; i < grid.length; i++) {
        grid[i] = x[0] + i;
      }
      bars(chart, x, grid);
    } else {
      double[] edges = edges(x);
      histogram(chart, x, edges);
      // A real variable's density goes on past the data; a positive one may be infinite at 0.
      double pad = m.data().get(0).values().equals("real") ? 0.05 * (edges[edges.length - 1] - edges[0]) : 0;
      grid = new double[GRID];
      for (int i = 0; i < GRID; i++) {
        grid[i] = edges[0] - pad + (edges[edges.length - 1] - edges[0] + 2 * pad) * i / (GRID - 1);
      }
    }
    // The fit leaves its model prepared at the returned parameters; preparing again is cheap and
    // does not lean on that.
    m.prepare();
    double[][] components = componentDensities(m, grid, shares);
    boolean marked = discrete && grid.length <= MARKED_VALUES;
    for (int k = 0; k < m.components(); k++) {
      double[] y = new double[grid.length];
      for (int i = 0; i < grid.length; i++) {
        y[i] = components[i][k];
      }
      XYSeries s = chart.addSeries(pass.unit() + " " + (k + 1), grid, y);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      s.setLineColor(FitPlot.colour(k));
      s.setMarkerColor(FitPlot.colour(k));
      s.setLineWidth(1.5f);
      s.setMarker(marked ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }
    XYSeries s = chart.addSeries(pass.whole(), grid, mixture(components));
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    s.setLineColor(Color.BLACK);
    s.setMarkerColor(Color.BLACK);
    s.setLineWidth(2.5f);
    s.setMarker(marked ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    return chart::paint;
  }

  /**
   * φ_k p_k(x) at each x of {@code grid}, as [x][k], through the model's {@code logDensities}
   * (log p(x, z = k)) on the grid as rows of one column; the model must be prepared at the fitted
   * parameters, each times its share ({@link dev.emc.runtime.fit.LatentPass#shares}; null for 1): a
   * chain's {@code logDensities} are emission densities p_k(x), and each state's share of the rows
   * takes the place of φ.
   */
  static double[][] componentDensities(EmModel m, double[] grid, double[] shares) {
    int k = m.components();
    double[] log = new double[grid.length * k];
    m.logDensities(grid, 0, grid.length, log);
    double[][] d = new double[grid.length][k];
    for (int i = 0; i < grid.length; i++) {
      for (int j = 0; j < k; j++) {
        d[i][j] = Math.exp(log[i * k + j]) * (shares == null ? 1 : shares[j]);
      }
    }
    return d;
  }

  /** Σ_k of {@link #componentDensities}' [x][k]: the mixture's density at each x. */
  static double[] mixture(double[][] components) {
    double[] total = new double[components.length];
    for (int i = 0; i < components.length; i++) {
      for (double d : components[i]) {
        total[i] += d;
      }
    }
    return total;
  }

  /** The column's values that are there (not empty cells), sorted. */
  private static double[] values(DataMatrix data) {
    double[] x = new double[data.rows()];
    int n = 0;
    for (int r = 0; r < data.rows(); r++) {
      double v = data.values()[r];
      if (!Double.isNaN(v)) {
        x[n++] = v;
      }
    }
    x = Arrays.copyOf(x, n);
    Arrays.sort(x);
    return x;
  }

  /**
   * Bin edges: Freedman and Diaconis' width 2 IQR n^(−1/3), which a long tail does not widen;
   * Sturges' ⌈log₂ n⌉ + 1 bins when the quartiles coincide. At most 100 bins.
   */
  static double[] edges(double[] sorted) {
    int n = sorted.length;
    double lo = sorted[0];
    double hi = sorted[n - 1];
    if (hi == lo) {
      return new double[] {lo - 0.5, lo + 0.5};
    }
    double iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
    int bins = iqr > 0 ? (int) Math.ceil((hi - lo) / (2 * iqr * Math.cbrt(1.0 / n)))
        : (int) Math.ceil(Math.log(n) / Math.log(2)) + 1;
    bins = Math.max(1, Math.min(100, bins));
    double[] e = new double[bins + 1];
    for (int i = 0; i <= bins; i++) {
      e[i] = lo + (hi - lo) * i / bins;
    }
    return e;
  }

  /** The q-quantile of sorted values, interpolated linearly (R's type 7). */
  private static double quantile(double[] sorted, double q) {
    double at = q * (sorted.length - 1);
    int i = (int) Math.floor(at);
    return i + 1 < sorted.length ? sorted[i] + (at - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
  }

  /** Each bin a bar of count / (n · width), so that the bars' area is 1, as the density's is. */
  private static void histogram(XYChart chart, double[] sorted, double[] edges) {
    int bins = edges.length - 1;
    double[] counts = new double[bins];
    double width = edges[1] - edges[0];
    for (double v : sorted) {
      counts[Math.min(bins - 1, (int) ((v - edges[0]) / width))]++;
    }
    for (int b = 0; b < bins; b++) {
      counts[b] /= sorted.length * width;
    }
    outline(chart, "data", edges, counts, 0);
  }

  /** Each value's share of the rows, a bar centred on it. */
  private static void bars(XYChart chart, double[] sorted, double[] values) {
    double[] share = new double[values.length];
    for (double v : sorted) {
      share[(int) (v - values[0])] += 1.0 / sorted.length;
    }
    double[] edges = new double[values.length + 1];
    for (int i = 0; i <= values.length; i++) {
      edges[i] = values[0] - 0.5 + i;
    }
    outline(chart, "data", edges, share, 0.2);
  }

  /**
   * Bars as one filled outline that returns to 0 between them (XChart's XY charts have no bars):
   * bar i spans [edges[i] + gap, edges[i + 1] − gap] at height {@code heights[i]}.
   */
  private static void outline(XYChart chart, String name, double[] edges, double[] heights, double gap) {
    int bars = heights.length;
    double[] x = new double[4 * bars];
    double[] y = new double[4 * bars];
    for (int i = 0; i < bars; i++) {
      x[4 * i] = x[4 * i + 1] = edges[i] + gap;
      x[4 * i + 2] = x[4 * i + 3] = edges[i + 1] - gap;
      y[4 * i + 1] = y[4 * i + 2] = heights[i];
    }
    XYSeries s = chart.addSeries(name, x, y);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
    s.setMarker(SeriesMarkers.NONE);
    s.setFillColor(new Color(0xD9D9D9));
    s.setLineColor(new Color(0x8C8C8C));
    s.setLineWidth(1f);
  }
}
