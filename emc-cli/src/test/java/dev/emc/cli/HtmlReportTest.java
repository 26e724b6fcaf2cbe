package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.emc.cli.CliTest.Run;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code emc fit --report} and {@code emc select --report}: one page, self-contained, that headless
 * Chromium loads with no console message and draws with the plots' colours. A page that logs an
 * error is shown first to be caught, so that a quiet console means something.
 */
class HtmlReportTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @Test
  void theFitsPageIsWholeAndOffline(@TempDir Path dir) throws Exception {
    Path page = dir.resolve("report.html");
    Run r = CliTest.emc("fit", "examples/gmm.model", "--data", "examples/data/faithful.csv", "--report",
        page.toString());
    assertEquals(0, r.code(), r.err());
    String html = Files.readString(page);
    for (String part : List.of("<pre>// The reference model", "<h3>Parameters</h3>", "<h3>Sizes and uncertainty</h3>",
        "<svg", "objective per iteration", "<math", "M-step")) {
      assertTrue(html.contains(part), "the page has " + part);
    }
    assertOffline(html);
    // Written whole: no temporary file is left beside it.
    try (var files = Files.list(dir)) {
      assertEquals(List.of(page), files.toList());
    }
  }

  @Test
  void chromiumLoadsTheFitsPageQuietlyAndDrawsIt(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "/usr/bin/chromium is absent (`apt-get install chromium`;"
        + " .ci/run installs it): the page is not loaded in a browser");
    Path control = dir.resolve("control.html");
    Files.writeString(control, "<!DOCTYPE html><html><body><p>control</p>"
        + "<script>console.error('emc-control')</script></body></html>");
    assertTrue(load(control, dir.resolve("control.png"), dir).stream().anyMatch(l -> l.contains("emc-control")),
        "a page's console error is seen");

    Path page = dir.resolve("report.html");
    Run r = CliTest.emc("fit", "examples/gmm.model", "--data", "examples/data/faithful.csv", "--report",
        page.toString());
    assertEquals(0, r.code(), r.err());
    Path shot = dir.resolve("report.png");
    assertEquals(List.of(), load(page, shot, dir), "console messages");
    BufferedImage image = ImageIO.read(shot.toFile());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        colours.add(image.getRGB(x, y) & 0xFFFFFF);
      }
    }
    assertTrue(colours.size() > 1, "the screenshot is not blank");
    // The scatter's two components, in the plots' first two colours.
    for (int k = 0; k < 2; k++) {
      Color c = FitPlot.colour(k);
      assertTrue(colours.stream().anyMatch(v -> near(v, c)), "component " + (k + 1) + "'s colour " + c + " is drawn");
    }
  }

  @Test
  void selectsPageHasItsCriteria(@TempDir Path dir) throws Exception {
    Path page = dir.resolve("select.html");
    Run r = CliTest.emc("select", "examples/gmm.model", "examples/gmm-tied.model", "--data",
        "examples/data/faithful.csv", "--set", "K=1..3", "--restarts", "2", "--report", page.toString());
    assertEquals(0, r.code(), r.err());
    String html = Files.readString(page);
    assertTrue(html.contains("<h2>Model selection</h2>"), "the criteria");
    // The plots' text is drawn as paths: the criteria's plot is the first of two figures.
    assertEquals(2, html.split("<figure><svg", -1).length - 1, "the criteria's plot and the fit's");
    assertTrue(html.contains("with K = 3 set on the command line"), "the chosen K: " + r.out());
    assertOffline(html);
  }

  /** Nothing is fetched: no script, and no address but the SVG and XHTML namespaces. */
  private static void assertOffline(String html) {
    assertFalse(html.contains("<script"), "no script");
    String stripped = html.replace("\"http://www.w3.org/2000/svg\"", "").replace("\"http://www.w3.org/1999/xlink\"", "")
        .replace("\"http://www.w3.org/1998/Math/MathML\"", "").replace("\"http://www.w3.org/1999/xhtml\"", "");
    assertFalse(stripped.contains("http:") || stripped.contains("https:") || stripped.contains("//cdn"),
        "no address on the network");
  }

  /**
   * Loads {@code page} in headless Chromium, saves a screenshot, and returns the console's lines.
   * The flags keep it off the network: this machine's is closed, and a stalled connection would
   * slow every start.
   */
  private static List<String> load(Path page, Path shot, Path dir) throws IOException, InterruptedException {
    Path log = dir.resolve(shot.getFileName() + ".log");
    Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--user-data-dir=" + dir.resolve("profile-" + shot.getFileName()),
        "--enable-logging=stderr", "--v=0", "--window-size=1280,2400", "--screenshot=" + shot.toAbsolutePath(),
        page.toUri().toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("Chromium did not finish in 180 s: " + Files.readString(log));
    }
    assertTrue(Files.isRegularFile(shot), "Chromium wrote the screenshot: " + Files.readString(log));
    return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(":CONSOLE")).toList();
  }

  private static boolean near(int rgb, Color c) {
    return Math.abs((rgb >> 16 & 0xFF) - c.getRed()) <= 6 && Math.abs((rgb >> 8 & 0xFF) - c.getGreen()) <= 6
        && Math.abs((rgb & 0xFF) - c.getBlue()) <= 6;
  }
}
