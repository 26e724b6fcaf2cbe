package dev.emc.cli;

import dev.emc.api.DerivationFormat;
import dev.emc.api.Emc;
import dev.emc.api.Model;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.fit.Classification;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.LatentPass;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code --report}: one self-contained HTML page of a fit. The model's text, the summary as
 * tables, the plots as inline SVG, the objective per iteration, the criteria when from
 * {@code select}, and the derivation with its formulas in MathML, which the browser renders
 * itself: no script, no font or style sheet from a network, so the page works offline.
 */
final class HtmlReport {
  private HtmlReport() {}

  /** What {@code select} adds: its printed criteria, and their plot as an {@code <svg>} element. */
  record Selection(String table, String svg) {}

  private static final String STYLE = """
      pre { overflow-x: auto; }
      figure { margin: 1rem 0; overflow-x: auto; }
      figure svg { max-width: 100%; height: auto; }
      body { max-width: 75rem; }
      td.number { text-align: right; font-family: 'DejaVu Sans Mono', monospace; font-size: 0.92rem; }
      details { margin: 1rem 0; }
      section.derivation { border-top: 2px solid #ccc; margin-top: 2.5rem; }
      """;

  /** The page; {@code selection} is null for a fit of its own. */
  static String of(Model model, String modelText, Path modelFile, Map<String, Double> settings, Path dataFile,
      FitResult fit, DataMatrix data, FitOptions options, Selection selection) throws IOException {
    String derivation = model.derivation(DerivationFormat.HTML);
    String name = fit.model().name();
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    b.append("<title>emc report: ").append(esc(name)).append("</title>\n<style>\n")
        .append(between(derivation, "<style>\n", "</style>")).append(STYLE).append("</style>\n</head>\n<body>\n");
    b.append("<h1>Model ").append(esc(name)).append(" fitted to ").append(esc(dataFile.toString())).append("</h1>\n");
    b.append("<p class=\"origin\">Written by emc ").append(esc(Emc.version())).append(" from <code>")
        .append(esc(modelFile.toString())).append("</code>")
        .append(settings.isEmpty() ? "" : ", with " + esc(settings.entrySet().stream()
            .map(e -> e.getKey() + " = " + FitSummary.count(e.getValue())).collect(Collectors.joining(", ")))
            + " set on the command line")
        .append(".</p>\n");
    b.append("<h2>Model</h2>\n<pre>").append(esc(modelText.strip())).append("</pre>\n");
    if (selection != null) {
      b.append("<h2>Model selection</h2>\n<pre>").append(esc(selection.table().strip())).append("</pre>\n");
      b.append("<figure>").append(selection.svg()).append("</figure>\n");
    }
    summary(b, fit, data, options);
    FitPlot.Picture picture = FitPlot.picture(fit, data);
    b.append("<h2>Plots</h2>\n");
    if (picture.note() != null) {
      b.append("<p>").append(esc(picture.note())).append(".</p>\n");
    }
    b.append("<figure>").append(FitPlot.svg(picture.panels())).append("</figure>\n");
    trace(b, fit);
    b.append("<section class=\"derivation\">\n").append(between(derivation, "<body>\n", "</body>"))
        .append("</section>\n</body>\n</html>\n");
    return b.toString();
  }

  private static void summary(StringBuilder b, FitResult fit, DataMatrix data, FitOptions o) {
    b.append("<h2>Fit</h2>\n<p>").append(esc(LatentPass.of(fit.model()).counted())).append(", ")
        .append(fit.rows()).append(" rows × ").append(data.columns()).append(" columns (")
        .append(esc(String.join(", ", data.names()))).append("). ")
        .append(fit.converged() ? "Converged after " + fit.iterations() + " iterations"
            : "Stopped after " + fit.iterations() + " iterations without converging")
        .append(" (tol ").append(o.tol()).append("), best of ").append(o.restarts()).append(" run")
        .append(o.restarts() == 1 ? "" : "s").append(" (seed ").append(o.seed()).append(").</p>\n");
    b.append("<table>\n<tr><th>log-likelihood</th><th>p</th><th>BIC</th><th>AIC</th></tr>\n<tr>");
    cells(b, String.format(Locale.ROOT, "%.4f", fit.logLikelihood()), Integer.toString(fit.model().freeParameters()),
        String.format(Locale.ROOT, "%.3f", fit.bic()), String.format(Locale.ROOT, "%.3f", fit.aic()));
    b.append("</tr>\n</table>\n<p>BIC = −2 log L + p ln N and AIC = −2 log L + 2p: smaller is better.</p>\n");
    if (FitSummary.classifies(fit, data)) {
      Classification c = fit.classification(data);
      String unit = LatentPass.of(fit.model()).unit();
      b.append("<h3>Sizes and uncertainty</h3>\n<table>\n<tr><th>").append(esc(unit)).append("</th>");
      for (int k = 1; k <= c.hardCounts().length; k++) {
        b.append("<th>").append(k).append("</th>");
      }
      b.append("</tr>\n<tr><td>rows (each in its most likely ").append(esc(unit)).append(")</td>");
      cells(b, java.util.Arrays.stream(c.hardCounts()).mapToObj(FitSummary::count).toArray(String[]::new));
      b.append("</tr>\n<tr><td>Σ<sub>n</sub> r<sub>nk</sub></td>");
      cells(b, java.util.Arrays.stream(c.posteriorSums()).mapToObj(FitSummary::number).toArray(String[]::new));
      b.append("</tr>\n</table>\n<p>Uncertainty 1 − max<sub>k</sub> r<sub>nk</sub>: mean ")
          .append(FitSummary.number(c.meanUncertainty())).append(", max ").append(FitSummary.number(c.maxUncertainty()))
          .append(".</p>\n");
      if (c.table() != null) {
        b.append("<p>").append(FitSummary.count(c.labelled())).append(" labelled rows: adjusted Rand index ")
            .append(FitSummary.number(c.adjustedRandIndex())).append(".</p>\n<table>\n<tr><th>label</th>");
        for (int k = 1; k <= c.table().length; k++) {
          b.append("<th>").append(esc(unit)).append(' ').append(k).append("</th>");
        }
        b.append("</tr>\n");
        for (int i = 0; i < c.table().length; i++) {
          b.append("<tr><td>").append(i + 1).append("</td>");
          cells(b, java.util.Arrays.stream(c.table()[i]).mapToObj(FitSummary::count).toArray(String[]::new));
          b.append("</tr>\n");
        }
        b.append("</table>\n");
      }
    }
    b.append("<h3>Parameters</h3>\n<table>\n");
    for (String[] line : FitSummary.parameterLines(fit)) {
      b.append("<tr><th>").append(esc(line[0])).append("</th>");
      cells(b, java.util.Arrays.copyOfRange(line, 1, line.length));
      b.append("</tr>\n");
    }
    b.append("</table>\n");
  }

  /** The objective per iteration, as numbers (its plot is beside the data's). */
  private static void trace(StringBuilder b, FitResult fit) {
    List<Double> trace = fit.trace();
    b.append("<h2>Convergence</h2>\n<p>The objective (the log-likelihood plus the regularization's penalty) before"
        + " each M-step of the best run, and at its end: ").append(trace.size()).append(" values.</p>\n");
    b.append("<details><summary>objective per iteration</summary>\n<table>\n<tr><th>iteration</th>"
        + "<th>objective</th><th>change</th></tr>\n");
    for (int i = 0; i < trace.size(); i++) {
      b.append("<tr><td>").append(i).append("</td>");
      cells(b, String.format(Locale.ROOT, "%.10g", trace.get(i)),
          i == 0 ? "" : String.format(Locale.ROOT, "%+.3g", trace.get(i) - trace.get(i - 1)));
      b.append("</tr>\n");
    }
    b.append("</table>\n</details>\n");
  }

  private static void cells(StringBuilder b, String... numbers) {
    for (String n : numbers) {
      b.append("<td class=\"number\">").append(esc(n)).append("</td>");
    }
  }

  /** The text of {@code page} between two markers: the derivation page's style and body. */
  private static String between(String page, String open, String close) {
    int from = page.indexOf(open);
    int to = page.lastIndexOf(close);
    if (from < 0 || to < from) {
      throw new IllegalStateException("the derivation's HTML has no " + open.strip());
    }
    return page.substring(from + open.length(), to);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
