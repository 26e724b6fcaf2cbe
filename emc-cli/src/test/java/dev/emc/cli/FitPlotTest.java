package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.emc.api.BindOptions;
import dev.emc.api.Emc;
import dev.emc.cli.CliTest.Run;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class FitPlotTest {
  private static final Path FAITHFUL = Path.of("examples/data/faithful.csv");

  private static Run fit(String model, String data, String... more) {
    String[] args = new String[4 + more.length];
    args[0] = "fit";
    args[1] = model;
    args[2] = "--data";
    args[3] = data;
    System.arraycopy(more, 0, args, 4, more.length);
    return CliTest.emc(args);
  }

  @Test
  void theReferenceFitDrawsTwoPanelsAsPng(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("gmm.png");
    Run r = fit("examples/gmm.model", FAITHFUL.toString(), "--plot", png.toString(), "-q");
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, "a PNG that decodes");
    assertEquals(2 * FitPlot.PANEL_WIDTH, image.getWidth());
    assertEquals(FitPlot.HEIGHT, image.getHeight());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file is left beside it");
    }
  }

  @Test
  void anSvgIsAnSvgDocument(@TempDir Path dir) throws Exception {
    Path svg = dir.resolve("waiting.svg");
    Run r = fit("examples/waiting.model", FAITHFUL.toString(), "--plot", svg.toString(), "-q");
    assertEquals(0, r.code(), r.err());
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    // The file names SVG 1.1's DTD by its URL; parsing must not go and fetch it.
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document doc = factory.newDocumentBuilder().parse(svg.toFile());
    assertEquals("svg", doc.getDocumentElement().getTagName());
    assertEquals("1200px", doc.getDocumentElement().getAttribute("width"));
  }

  @Test
  void aCountModelAndAnHmmGetTheirDataPanel(@TempDir Path dir) throws Exception {
    Path poisson = dir.resolve("poisson.png");
    Run r = fit("examples/poisson.model", "examples/data/poisson.csv", "--plot", poisson.toString(), "-q");
    assertEquals(0, r.code(), r.err());
    assertEquals(2 * FitPlot.PANEL_WIDTH, ImageIO.read(poisson.toFile()).getWidth());
    Path hmm = dir.resolve("hmm.png");
    r = fit("examples/hmm.model", "examples/data/hmm.csv", "--sequence", "seq", "--plot", hmm.toString(), "-q");
    assertEquals(0, r.code(), r.err());
    assertEquals(2 * FitPlot.PANEL_WIDTH, ImageIO.read(hmm.toFile()).getWidth());
  }

  @Test
  void aModelWithoutADataPanelGetsTheTraceAloneAndSaysWhy(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("regression.png");
    Run r = fit("examples/regression.model", "examples/data/regression.csv", "--plot", png.toString(), "-q");
    assertEquals(0, r.code(), r.err());
    assertEquals("emc: the plot shows the objective per iteration alone: model regression reads 3 columns"
        + " (y, one, t), and the data are drawn for one column, or for a mixture of normal vectors\n", r.err());
    assertEquals(FitPlot.PANEL_WIDTH, ImageIO.read(png.toFile()).getWidth());
  }

  @Test
  void anotherExtensionIsOneMessageAndExitTwoBeforeTheFit(@TempDir Path dir) {
    Path pdf = dir.resolve("gmm.pdf");
    Run r = fit("examples/gmm.model", FAITHFUL.toString(), "--plot", pdf.toString());
    assertEquals(2, r.code());
    assertEquals("emc: error: --plot writes a .png or .svg file, not " + pdf + " (see emc fit --help)\n", r.err());
    assertEquals("", r.out());
    assertFalse(Files.exists(pdf));
  }

  @Test
  void aDiagonalEllipseReachesTheStandardDeviationsAlongItsAxes() {
    // For Σ = diag(a, b) the ellipse (x − μ)ᵀ Σ⁻¹ (x − μ) = c² spans μ ± c√a across and μ ± c√b up.
    double mx = 3;
    double my = -2;
    for (double[] s : new double[][] {{4, 0.25}, {0.25, 4}}) {
      for (int c = 1; c <= 2; c++) {
        double[][] e = ScatterPanel.ellipse(mx, my, s[0], 0, s[1], c, ScatterPanel.ELLIPSE_POINTS);
        assertEquals(mx + c * Math.sqrt(s[0]), max(e[0]), 1e-12);
        assertEquals(mx - c * Math.sqrt(s[0]), -max(negate(e[0])), 1e-12);
        assertEquals(my + c * Math.sqrt(s[1]), max(e[1]), 1e-12);
        assertEquals(my - c * Math.sqrt(s[1]), -max(negate(e[1])), 1e-12);
      }
    }
  }

  @Test
  void everyPointOfAFullCovarianceEllipseIsAtItsMahalanobisRadius() {
    // Σ_1 of the reference fit (README): strongly correlated, and of very different scales.
    double sxx = 0.169968;
    double sxy = 0.940603;
    double syy = 36.0461;
    double det = sxx * syy - sxy * sxy;
    for (int c = 1; c <= 2; c++) {
      double[][] e = ScatterPanel.ellipse(4.28966, 79.9681, sxx, sxy, syy, c, ScatterPanel.ELLIPSE_POINTS);
      assertEquals(e[0][0], e[0][ScatterPanel.ELLIPSE_POINTS], "closed");
      for (int i = 0; i < e[0].length; i++) {
        double dx = e[0][i] - 4.28966;
        double dy = e[1][i] - 79.9681;
        // (x − μ)ᵀ Σ⁻¹ (x − μ) with the 2×2 inverse written out
        double q = (syy * dx * dx - 2 * sxy * dx * dy + sxx * dy * dy) / det;
        assertEquals(c * c, q, 1e-9, "point " + i);
      }
    }
  }

  @Test
  void theMixtureDensityThroughLogDensitiesIsTheNormalMixture() throws Exception {
    FitResult fit = Emc.builtIn().load(Path.of("examples/waiting.model"), Map.of())
        .fit(FAITHFUL, BindOptions.defaults(), FitOptions.defaults());
    fit.model().prepare();
    double[] phi = fit.params().get("phi");
    double[] mu = fit.params().get("mu");
    double[] s2 = fit.params().get("s2");

    // Trapezoid over [0, 150] (the components sit at about 54 and 80, with sd about 6): integral 1.
    int n = 15_001;
    double[] grid = new double[n];
    for (int i = 0; i < n; i++) {
      grid[i] = 150.0 * i / (n - 1);
    }
    double[] density = DensityPanel.mixture(DensityPanel.componentDensities(fit.model(), grid, null));
    double integral = 0;
    for (int i = 1; i < n; i++) {
      integral += (density[i] + density[i - 1]) / 2 * (grid[i] - grid[i - 1]);
    }
    assertEquals(1.0, integral, 1e-3);

    double[] at = {45, 54.5, 66, 80, 96};
    double[] byModel = DensityPanel.mixture(DensityPanel.componentDensities(fit.model(), at, null));
    for (int i = 0; i < at.length; i++) {
      double expected = 0;
      for (int k = 0; k < 2; k++) {
        double d = at[i] - mu[k];
        expected += phi[k] * Math.exp(-d * d / (2 * s2[k])) / Math.sqrt(2 * Math.PI * s2[k]);
      }
      assertEquals(expected, byModel[i], 1e-12 * expected, "at " + at[i]);
    }
  }

  @Test
  void aCountMixturesProbabilitiesThroughLogDensitiesSumToOne() throws Exception {
    FitResult fit = Emc.builtIn().load(Path.of("examples/poisson.model"), Map.of())
        .fit(Path.of("examples/data/poisson.csv"), BindOptions.defaults(), FitOptions.defaults());
    fit.model().prepare();
    double[] counts = new double[200]; // rates of a few units: the mass past 200 is far below 1e-12
    for (int x = 0; x < counts.length; x++) {
      counts[x] = x;
    }
    double sum = 0;
    for (double p : DensityPanel.mixture(DensityPanel.componentDensities(fit.model(), counts, null))) {
      sum += p;
    }
    assertEquals(1.0, sum, 1e-12);
  }

  private static double max(double[] v) {
    double m = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      m = Math.max(m, x);
    }
    return m;
  }

  private static double[] negate(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = -v[i];
    }
    return out;
  }
}
