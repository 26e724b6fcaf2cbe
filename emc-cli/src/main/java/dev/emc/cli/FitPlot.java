package dev.emc.cli;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import dev.emc.api.AtomicFiles;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.LatentPass;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code emc fit --plot}: one picture of a fit. On the left the data with the fitted components
 * ({@link ScatterPanel} for a normal vector, {@link DensityPanel} for one column), on the right the
 * objective per iteration; a model with neither kind of data gets the right panel alone.
 */
final class FitPlot {
  private FitPlot() {}

  /** One panel's size: two side by side make the picture. */
  static final int PANEL_WIDTH = 600;
  static final int HEIGHT = 500;

  /** Okabe and Ito's colour-blind-safe palette, black left out for the mixture; component k takes the k-th. */
  static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
      new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0xF0E442)};

  enum Format { PNG, SVG }

  /** What a panel draws into its part of the picture, from (0, 0). */
  interface Panel {
    void paint(Graphics2D g, int width, int height);
  }

  /** The data panel, or why there is none. */
  record DataPanel(Panel panel, String missing) {}

  /** The format FILE's extension names, or null. */
  static Format format(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".png") ? Format.PNG : name.endsWith(".svg") ? Format.SVG : null;
  }

  /**
   * Writes the picture of a fit to {@code file}, whole or not at all. Returns null, or a line saying
   * why the picture shows the objective alone.
   */
  static String write(FitResult fit, DataMatrix data, Path file) throws IOException {
    Picture picture = picture(fit, data);
    AtomicFiles.write(file, render(picture.panels(), format(file)));
    return picture.note();
  }

  /** The panels of a fit's picture, and null or why it shows the objective alone. */
  record Picture(List<Panel> panels, String note) {}

  static Picture picture(FitResult fit, DataMatrix data) {
    DataPanel left = dataPanel(fit, data);
    List<Panel> panels = new ArrayList<>();
    if (left.panel() != null) {
      panels.add(left.panel());
    }
    panels.add(trace(fit, left.panel() == null)::paint);
    return new Picture(panels, left.missing() == null ? null
        : "the plot shows the objective per iteration alone: " + left.missing());
  }

  /** Panels side by side, as a PNG or an SVG file's bytes. */
  static byte[] render(List<Panel> panels, Format format) throws IOException {
    // Pictures are drawn off screen: no display is needed, nor opened when there is one.
    System.setProperty("java.awt.headless", "true");
    int width = PANEL_WIDTH * panels.size();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    if (format == Format.SVG) {
      VectorGraphics2D g = new VectorGraphics2D();
      paint(g, panels);
      new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, width, HEIGHT)).writeTo(bytes);
    } else {
      BufferedImage image = new BufferedImage(width, HEIGHT, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = image.createGraphics();
      paint(g, panels);
      g.dispose();
      ImageIO.write(image, "png", bytes);
    }
    return bytes.toByteArray();
  }

  /** Panels side by side as one {@code <svg>} element, for an HTML page. */
  static String svg(List<Panel> panels) throws IOException {
    String document = new String(render(panels, Format.SVG), java.nio.charset.StandardCharsets.UTF_8);
    return document.substring(document.indexOf("<svg"));
  }

  private static void paint(Graphics2D g, List<Panel> panels) {
    for (int i = 0; i < panels.size(); i++) {
      Graphics2D part = (Graphics2D) g.create();
      part.translate(i * PANEL_WIDTH, 0);
      part.clipRect(0, 0, PANEL_WIDTH, HEIGHT);
      panels.get(i).paint(part, PANEL_WIDTH, HEIGHT);
      part.dispose();
    }
  }

  /** A normal vector of two or more columns is a scatter; one column a histogram; else nothing. */
  static DataPanel dataPanel(FitResult fit, DataMatrix data) {
    EmModel m = fit.model();
    LatentPass pass = LatentPass.of(m);
    if (!pass.finite()) {
      return new DataPanel(null, "model " + m.name() + " has " + pass.counted() + ", a continuous latent:"
          + " there are no components to draw the rows by");
    }
    for (EmModel.Gaussian g : m.gaussians()) {
      if (g.width() >= 2) {
        return new DataPanel(ScatterPanel.of(fit, data, g), null);
      }
    }
    if (m.columns() == 1) {
      return new DataPanel(DensityPanel.of(fit, data), null);
    }
    String columns = m.columns() + " columns (" + String.join(", ", data.names()) + ")";
    return new DataPanel(null, "model " + m.name() + " reads " + columns + ", and the data are drawn for "
        + pass.drawable());
  }

  /** The objective before each M-step of the best run, and at its end. */
  static XYChart trace(FitResult fit, boolean titled) {
    XYChart chart = chart(titled ? title(fit) : "objective per iteration of the best run", "iteration",
        "objective");
    double[] x = new double[fit.trace().size()];
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
      y[i] = fit.trace().get(i);
    }
    XYSeries s = chart.addSeries("objective", x, y);
    if (x.length > 20) {
      // XChart labels equally spaced x values at every m-th one (0, 11, 22, …); one hidden value
      // off the grid makes it choose round steps (0, 20, 40, …) instead.
      chart.addSeries("off the grid", new double[] {0.5}, new double[] {y[0]}).setEnabled(false);
    }
    s.setLineColor(Color.BLACK);
    s.setMarkerColor(Color.BLACK);
    s.setMarker(x.length <= 60 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setMarkerSize(5);
    return chart;
  }

  /** The model, K (or its factors) and the log-likelihood. */
  static String title(FitResult fit) {
    EmModel m = fit.model();
    return String.format(Locale.ROOT, "%s: %s, log-likelihood %.4f", m.name(), LatentPass.of(m).counted(),
        fit.logLikelihood());
  }

  /** A chart in the pictures' one style. */
  static XYChart chart(String title, String xTitle, String yTitle) {
    XYChart chart = new XYChart(PANEL_WIDTH, HEIGHT);
    chart.setTitle(title);
    chart.setXAxisTitle(xTitle);
    chart.setYAxisTitle(yTitle);
    chart.getStyler()
        .setChartBackgroundColor(Color.WHITE)
        .setPlotBorderColor(Color.GRAY)
        .setLegendBorderColor(Color.WHITE)
        .setLegendPosition(Styler.LegendPosition.OutsideS)
        .setLegendLayout(Styler.LegendLayout.Horizontal)
        .setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15))
        .setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12))
        .setAntiAlias(true);
    chart.getStyler()
        .setPlotGridLinesColor(new Color(0xE5E5E5))
        .setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13))
        .setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11))
        .setxAxisTickLabelsFormattingFunction(FitPlot::tick)
        .setyAxisTickLabelsFormattingFunction(FitPlot::tick);
    return chart;
  }

  /**
   * A tick's label: its value to 10 significant digits, which drops the binary noise of the tick
   * arithmetic (0.30000000000000004) and keeps a converged trace's last digits apart; "0.045", not
   * XChart's ".045".
   */
  static String tick(Double v) {
    return new BigDecimal(v).round(new MathContext(10)).stripTrailingZeros().toPlainString();
  }

  /** Component k's colour. */
  static Color colour(int k) {
    return PALETTE[k % PALETTE.length];
  }

  /** A colour made translucent, for many points drawn over each other. */
  static Color translucent(Color c, int alpha) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
  }

  }
