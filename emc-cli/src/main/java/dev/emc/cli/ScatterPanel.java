package dev.emc.cli;

import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.LatentPass;
import dev.emc.runtime.fit.Prediction;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.util.Arrays;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A normal vector's first two columns: the rows coloured by their most likely component, each
 * component's 1σ and 2σ ellipses (of those two columns' marginal covariance) and its mean.
 */
final class ScatterPanel {
  private ScatterPanel() {}

  /** More points than this are thinned, evenly: a scatter of millions is one blot, and slow. */
  static final int MAX_POINTS = 10_000;
  static final int ELLIPSE_POINTS = 160;

  static FitPlot.Panel of(FitResult fit, DataMatrix data, EmModel.Gaussian g) {
    EmModel m = fit.model();
    int k = m.components();
    int cx = g.offset();
    XYChart chart = FitPlot.chart(FitPlot.title(fit), data.names().get(cx), data.names().get(cx + 1));
    chart.getStyler().setMarkerSize(5);
    addPoints(chart, fit, data, cx);
    double[][] means = new double[k][];
    for (int j = 0; j < k; j++) {
      means[j] = mean(m, g, j);
    }
    addEllipses(chart, m, g, means);
    return (graphics, width, height) -> {
      chart.paint(graphics, width, height);
      drawMeans(graphics, chart, means);
    };
  }

  /** The rows, at most {@link #MAX_POINTS} of them, one series per most likely component. */
  private static void addPoints(XYChart chart, FitResult fit, DataMatrix data, int cx) {
    int cy = cx + 1;
    int k = fit.model().components();
    // Independent rows are thinned first, so that only those drawn get their posteriors; a
    // chain's need whole sequences, so all its rows are predicted and every step-th drawn.
    LatentPass pass = LatentPass.of(fit.model());
    DataMatrix drawn = pass.drawn(data, MAX_POINTS);
    Prediction p = fit.predict(drawn);
    int step = Math.max(1, (drawn.rows() + MAX_POINTS - 1) / MAX_POINTS);
    double[][] xs = new double[k][drawn.rows() / step + 1];
    double[][] ys = new double[k][xs[0].length];
    int[] count = new int[k];
    for (int n = 0; n < drawn.rows(); n += step) {
      double x = drawn.values()[n * drawn.columns() + cx];
      double y = drawn.values()[n * drawn.columns() + cy];
      if (Double.isNaN(x) || Double.isNaN(y)) {
        continue; // an empty cell (--missing marginalize) has no place in the scatter
      }
      int best = p.component(n);
      xs[best][count[best]] = x;
      ys[best][count[best]++] = y;
    }
    for (int j = 0; j < k; j++) {
      XYSeries points = chart.addSeries(pass.unit() + " " + (j + 1),
          Arrays.copyOf(xs[j], count[j]), Arrays.copyOf(ys[j], count[j]));
      points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      points.setMarker(SeriesMarkers.CIRCLE);
      points.setMarkerColor(FitPlot.translucent(FitPlot.colour(j), 110));
    }
  }

  /**
   * Each component's 1σ and 2σ ellipses over every point, each on a white halo: on a dense cloud of
   * its own colour a line of that colour would vanish. All halos first, so that no halo cuts
   * another's line.
   */
  private static void addEllipses(XYChart chart, EmModel m, EmModel.Gaussian g, double[][] means) {
    int k = means.length;
    double[][][][] ellipses = new double[k][2][][];
    for (int j = 0; j < k; j++) {
      double[] block = covariance(m, g, j);
      for (int c = 1; c <= 2; c++) {
        ellipses[j][c - 1] = ellipse(means[j][0], means[j][1], block[0], block[1], block[2], c, ELLIPSE_POINTS);
      }
    }
    for (boolean halo : new boolean[] {true, false}) {
      for (int j = 0; j < k; j++) {
        for (int c = 1; c <= 2; c++) {
          double[][] e = ellipses[j][c - 1];
          XYSeries line = chart.addSeries(c + "σ of " + (j + 1) + (halo ? ", halo" : ""), e[0], e[1]);
          line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
          line.setMarker(SeriesMarkers.NONE);
          line.setShowInLegend(false);
          // 1σ thick, 2σ thin: XChart restarts a dash pattern at every point, so no dashes.
          float width = c == 1 ? 2.5f : 1.2f;
          line.setLineColor(halo ? Color.WHITE : FitPlot.colour(j));
          line.setLineWidth(halo ? width + 3 : width);
        }
      }
    }
  }

  /**
   * The means on top, each a diamond in its component's colour edged in black: drawn after the
   * chart, in its screen coordinates, because XChart's markers have one size for the chart.
   */
  private static void drawMeans(Graphics2D graphics, XYChart chart, double[][] means) {
    for (int j = 0; j < means.length; j++) {
      double sx = chart.getScreenXFromChart(means[j][0]);
      double sy = chart.getScreenYFromChart(means[j][1]);
      Path2D.Double diamond = new Path2D.Double();
      diamond.moveTo(sx, sy - 8);
      diamond.lineTo(sx + 8, sy);
      diamond.lineTo(sx, sy + 8);
      diamond.lineTo(sx - 8, sy);
      diamond.closePath();
      graphics.setColor(FitPlot.colour(j));
      graphics.fill(diamond);
      graphics.setColor(Color.BLACK);
      graphics.setStroke(new BasicStroke(1.5f));
      graphics.draw(diamond);
    }
  }

  /** μ_k's two entries for the variable's first two columns. */
  static double[] mean(EmModel m, EmModel.Gaussian g, int k) {
    double[] mu = m.param(g.mean());
    int at = g.meanPerComponent() ? k * g.width() : 0;
    return new double[] {mu[at], mu[at + 1]};
  }

  /** Σ_k's marginal 2×2 block of the variable's first two columns: {Σ_xx, Σ_xy, Σ_yy}. */
  static double[] covariance(EmModel m, EmModel.Gaussian g, int k) {
    double[] s = m.param(g.covariance());
    int at = g.covariancePerComponent() ? k * g.size() : 0;
    return switch (g.form()) {
      case FULL -> new double[] {s[at], s[at + 1], s[at + g.width() + 1]};
      case DIAGONAL -> new double[] {s[at], 0, s[at + 1]};
      case SPHERICAL -> new double[] {s[at], 0, s[at]};
    };
  }

  /**
   * Points around the ellipse {x : (x − μ)ᵀ Σ⁻¹ (x − μ) = c²} of Σ = [[sxx, sxy], [sxy, syy]],
   * the last the same as the first: {xs, ys}. Along Σ's eigenvectors its semi-axes are c√λ.
   */
  static double[][] ellipse(double mx, double my, double sxx, double sxy, double syy, double c, int points) {
    double half = (sxx + syy) / 2;
    double spread = Math.hypot((sxx - syy) / 2, sxy);
    double a = c * Math.sqrt(half + spread);
    double b = c * Math.sqrt(Math.max(0, half - spread));
    double angle = 0.5 * Math.atan2(2 * sxy, sxx - syy); // the first eigenvector's direction
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    double[][] e = new double[2][points + 1];
    for (int i = 0; i <= points; i++) {
      double t = 2 * Math.PI * (i % points) / points;
      double u = a * Math.cos(t);
      double v = b * Math.sin(t);
      e[0][i] = mx + u * cos - v * sin;
      e[1][i] = my + u * sin + v * cos;
    }
    return e;
  }
}
