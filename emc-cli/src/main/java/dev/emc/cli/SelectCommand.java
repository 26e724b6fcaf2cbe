package dev.emc.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emc.api.AtomicFiles;
import dev.emc.api.Bound;
import dev.emc.api.Compiled;
import dev.emc.api.Emc;
import dev.emc.api.FitJson;
import dev.emc.api.Model;
import dev.emc.diag.DiagnosticPrinter;
import dev.emc.diag.Source;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.fit.FitException;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Spurious;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "select",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {"Fit one or more models for each value of one constant (--set K=1..8), each with restarts, and"
        + " print the criteria to choose by: the log-likelihood, the free parameters p (counted from the parameters'"
        + " types), BIC = −2 log L + p ln N, AIC = −2 log L + 2p and ICL = BIC − 2 Σ_n log r_n,ẑ (the"
        + " classification's entropy added). Smaller is better for all three, as in `emc fit`; mclust prints −BIC"
        + " and −ICL. With several models, one table per criterion: a row per value, a column per model.",
        "A spurious fit is marked ! and not chosen: a component with its own covariance holding fewer than D + 1"
        + " rows, or a covariance that is near-singular (smallest eigenvalue below 1e-6 of the largest, or kept"
        + " above 0 by --reg alone)."})
final class SelectCommand implements Callable<Integer> {
  private static final Pattern RANGE = Pattern.compile("\\s*(\\d+)\\s*\\.\\.\\s*(\\d+)\\s*");

  @Parameters(arity = "1..*", paramLabel = "MODEL", description = "The model files (.model) to compare.")
  List<Path> models;

  @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Give a constant or size a value, overriding"
      + " the models'; one of them a range FROM..TO of the values to compare: --set K=1..8.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Mixin DataFlags rows;
  @Mixin FitFlags how;
  @Mixin EngineFlags where;

  @Option(names = "--allow-spurious", description = "Let a spurious fit be chosen (it is still marked).")
  boolean allowSpurious;

  @Option(names = "--out", paramLabel = "JSON", description = "Write every fit's criteria and the choice as JSON.")
  Path out;

  @Option(names = "--plot", paramLabel = "FILE", description = "Draw BIC against the constant, one line per model,"
      + " as PNG or SVG by FILE's extension (.png, .svg); spurious fits are crossed.")
  Path plot;

  @Option(names = "--report", paramLabel = "HTML", description = "Write one self-contained HTML page: the"
      + " criteria and their plot, then the chosen fit as `emc fit --report` gives it.")
  Path report;

  @Spec CommandSpec spec;
  @ParentCommand Main main;

  /** One model's fit at one value, or why it failed; {@code spurious}: null, or why the fit is. */
  record Row(String model, int value, FitResult fit, double icl, String spurious, String failure) {
    boolean choosable(boolean allowSpurious) {
      return fit != null && (allowSpurious || spurious == null);
    }
  }

  /** A model file, read once, and the name its column goes by. */
  private record Input(Path file, Source source, String name) {}

  @Override
  public Integer call() throws Exception {
    if (plot != null && FitPlot.format(plot) == null) {
      throw new ParameterException(spec.commandLine(), "--plot writes a .png or .svg file, not " + plot);
    }
    FitOptions options = how.options(spec, 10);
    where.check(spec, rows.inMemory(spec));
    List<Input> inputs = inputs();
    FileRoles roles = FileRoles.of(main, inputs.stream().map(Input::file).toList())
        .reads("--data", where.on() ? null : rows.data);
    roles.writes("--out", out).writes("--plot", plot).writes("--report", report).check();
    Map<String, String> fixed = new LinkedHashMap<>(settings);
    String name = null;
    int from = 0;
    int to = 0;
    for (Map.Entry<String, String> e : settings.entrySet()) {
      Matcher m = RANGE.matcher(e.getValue());
      if (m.matches()) {
        if (name != null) {
          throw new ParameterException(spec.commandLine(), "--set: one constant ranges, not both " + name + " and "
              + e.getKey());
        }
        name = e.getKey().strip();
        try {
          from = Integer.parseInt(m.group(1));
          to = Integer.parseInt(m.group(2));
        } catch (NumberFormatException x) {
          throw new ParameterException(spec.commandLine(), "--set " + e.getKey() + "=" + e.getValue()
              + ": a size is at most " + Integer.MAX_VALUE);
        }
        fixed.remove(e.getKey());
      }
    }
    if (name == null || from < 1 || to < from) {
      throw new ParameterException(spec.commandLine(), "--set NAME=FROM..TO gives the values to compare, as in"
          + " --set K=1..8 (FROM at least 1, TO at least FROM)");
    }
    PrintWriter err = spec.commandLine().getErr();
    List<Row> table = new ArrayList<>();
    for (Input in : inputs) {
      for (int v = from; v <= to; v++) {
        Model model = model(in, fixed, name, v);
        if (v == from) {
          err.print(DiagnosticPrinter.render(model.warnings()));
        }
        // On an engine, the data here are its sample of the rows (all of them up to 2²⁰), which
        // ICL's entropy and the spurious check scale up to every row.
        try (Engine.Rows held = where.on() ? where.read(model, rows, spec) : null) {
          Bound bound = held == null ? rows.bind(model, spec) : held.bound();
          DataMatrix data = bound.data().orElseThrow();
          try {
            Compiled compiled = bound.requireFittable().compile();
            FitResult fit = held == null ? compiled.fit(options)
                : held.fit(compiled, options, (run, runs, i, o) -> true);
            table.add(new Row(in.name(), v, fit, fit.icl(data), Spurious.of(fit, data), null));
          } catch (FitException e) {
            table.add(new Row(in.name(), v, null, Double.NaN, null, e.getMessage()));
          }
        }
      }
    }
    for (Row r : table) {
      if (r.fit != null) {
        for (String w : r.fit.warnings()) {
          err.println("emc: warning: " + label(r, name, inputs.size()) + ": " + w);
        }
      }
    }
    Row chosen = table.stream().filter(r -> r.choosable(allowSpurious))
        .min(Comparator.comparingDouble(r -> r.fit.bic())).orElse(null);
    String text = render(name, inputs, table, chosen, options);
    spec.commandLine().getOut().print(text);
    if (out != null) {
      FileRoles.write(out, FitJson.text(json(name, inputs, table, chosen, options)));
    }
    if (plot != null) {
      XYChart chart = chart(name, inputs, table);
      FileRoles.write(plot, () -> {
        AtomicFiles.write(plot, FitPlot.render(List.of(chart::paint), FitPlot.format(plot)));
        return null;
      });
    }
    if (report != null) {
      if (chosen == null) {
        err.println("emc: no fit to report: every fit failed" + (allowSpurious ? "" : " or is spurious"));
      } else {
        Input in = inputs.stream().filter(i -> i.name().equals(chosen.model)).findFirst().orElseThrow();
        Map<String, Double> values = values(fixed, name, chosen.value);
        Model model = main.emc().parse(in.file().toString(), in.source().text(), values);
        DataMatrix data;
        try (Engine.Rows held = where.on() ? where.read(model, rows, spec) : null) {
          data = (held == null ? rows.bind(model, spec) : held.bound()).data().orElseThrow();
        }
        String html = HtmlReport.of(model, in.source().text(), in.file(), values, rows.data, chosen.fit, data, options,
            new HtmlReport.Selection(text, FitPlot.svg(List.of(chart(name, inputs, table)::paint))));
        FileRoles.write(report, html);
      }
    }
    return Main.OK;
  }

  /** The model files, each once (a file named twice is fitted once), each named by its file. */
  private List<Input> inputs() {
    List<Input> inputs = new ArrayList<>();
    List<Path> seen = new ArrayList<>();
    for (Path file : models) {
      Path place = file.toAbsolutePath().normalize();
      if (seen.contains(place)) {
        continue;
      }
      seen.add(place);
      String stem = file.getFileName().toString().replaceFirst("\\.model$", "");
      boolean clash = inputs.stream().anyMatch(i -> i.name().equals(stem));
      inputs.add(new Input(file, Emc.read(file), clash ? file.toString() : stem));
    }
    return inputs;
  }

  private Model model(Input in, Map<String, String> fixed, String name, int value) {
    return main.emc().parse(in.file().toString(), in.source().text(), values(fixed, name, value));
  }

  private static Map<String, Double> values(Map<String, String> fixed, String name, int value) {
    Map<String, Double> values = ModelInput.values(fixed);
    values.put(name, (double) value);
    return values;
  }

  private static String label(Row r, String name, int models) {
    return (models > 1 ? r.model + ", " : "") + name + " = " + r.value;
  }

  private String render(String name, List<Input> inputs, List<Row> table, Row chosen, FitOptions o) {
    StringBuilder b = new StringBuilder();
    int from = table.get(0).value;
    int to = table.get(table.size() - 1).value;
    b.append(String.format(Locale.ROOT, "%s %s on %s: %s = %d..%d, best of %d restart%s each (seed %d)%n",
        inputs.size() == 1 ? "model" : "models", String.join(", ", inputs.stream().map(i -> i.file().toString())
            .toList()), rows.data, name, from, to, o.restarts(), o.restarts() == 1 ? "" : "s", o.seed()));
    b.append("BIC = −2 log L + p ln N, AIC = −2 log L + 2p, ICL = BIC − 2 Σ_n log r_n,ẑ: smaller is better"
        + " (mclust prints −BIC, −ICL); * marks the best, ! a spurious fit\n\n");
    if (inputs.size() == 1) {
      details(b, name, table);
    } else {
      grid(b, "BIC", name, inputs, table, r -> r.fit.bic(), from, to);
      b.append('\n');
      grid(b, "ICL", name, inputs, table, Row::icl, from, to);
    }
    boolean first = true;
    for (Row r : table) {
      if (r.fit != null && r.spurious != null) {
        if (first) {
          b.append(allowSpurious ? "\nspurious (--allow-spurious: they may be chosen):\n"
              : "\nspurious, so not chosen (--allow-spurious lets them be):\n");
          first = false;
        }
        b.append("  ! ").append(label(r, name, inputs.size())).append(": ").append(r.spurious).append('\n');
      }
    }
    b.append('\n');
    b.append(chosen == null ? "no fit to choose\n" : String.format(Locale.ROOT, "chosen by BIC: %s (BIC %.3f)%n",
        label(chosen, name, 2), chosen.fit.bic()));
    return b.toString();
  }

  /** One model's table: a row per value, with every criterion. */
  private void details(StringBuilder b, String name, List<Row> table) {
    double bestBic = best(table, r -> r.fit.bic());
    double bestAic = best(table, r -> r.fit.aic());
    double bestIcl = best(table, Row::icl);
    b.append(String.format(Locale.ROOT, "%4s  %14s  %4s  %13s  %13s  %13s  %10s%n", name, "log-likelihood", "p",
        "BIC", "AIC", "ICL", "iterations"));
    for (Row r : table) {
      if (r.fit == null) {
        b.append(String.format(Locale.ROOT, "%4d  failed: %s%n", r.value, r.failure));
        continue;
      }
      FitResult f = r.fit;
      b.append(String.format(Locale.ROOT, "%4d  %14.4f  %4d  %13s  %13s  %13s  %10s%n", r.value, f.logLikelihood(),
          f.model().freeParameters(), mark(r, f.bic(), bestBic), mark(r, f.aic(), bestAic), mark(r, r.icl, bestIcl),
          f.iterations() + (f.converged() ? "" : " (not converged)")));
    }
  }

  /** One criterion as mclust's summary of mclustBIC shows it: a row per value, a column per model. */
  private void grid(StringBuilder b, String criterion, String name, List<Input> inputs, List<Row> table,
      ToDoubleFunction<Row> value, int from, int to) {
    double best = best(table, value);
    int width = Math.max(13, inputs.stream().mapToInt(i -> i.name().length()).max().orElse(0));
    b.append(criterion).append('\n');
    b.append(String.format(Locale.ROOT, "%4s", name));
    for (Input in : inputs) {
      b.append("  ").append(String.format(Locale.ROOT, "%" + width + "s", in.name()));
    }
    b.append('\n');
    for (int v = from; v <= to; v++) {
      b.append(String.format(Locale.ROOT, "%4d", v));
      for (Input in : inputs) {
        Row r = find(table, in.name(), v);
        String cell = r.fit == null ? "failed" : mark(r, value.applyAsDouble(r), best);
        b.append("  ").append(String.format(Locale.ROOT, "%" + width + "s", cell));
      }
      b.append('\n');
    }
  }

  private static Row find(List<Row> table, String model, int value) {
    return table.stream().filter(r -> r.model.equals(model) && r.value == value).findFirst().orElseThrow();
  }

  /** The least value of a criterion over the fits that may be chosen. */
  private double best(List<Row> table, ToDoubleFunction<Row> criterion) {
    return table.stream().filter(r -> r.choosable(allowSpurious)).mapToDouble(criterion).min().orElse(Double.NaN);
  }

  private String mark(Row r, double v, double best) {
    String flag = r.spurious != null ? "!" : r.choosable(allowSpurious) && v == best ? "*" : " ";
    return String.format(Locale.ROOT, "%.3f%s", v, flag);
  }

  /** Every fit's criteria, and the choice. */
  private ObjectNode json(String name, List<Input> inputs, List<Row> table, Row chosen, FitOptions o) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("data", rows.data.toString());
    json.put("constant", name);
    json.put("criterion", "BIC");
    json.put("restarts", o.restarts());
    json.put("seed", o.seed());
    json.put("reg", o.reg());
    json.put("allowSpurious", allowSpurious);
    var files = json.putObject("models");
    for (Input in : inputs) {
      files.put(in.name(), in.file().toString());
    }
    var fits = json.putArray("fits");
    for (Row r : table) {
      ObjectNode f = fits.addObject();
      f.put("model", r.model);
      f.put(name, r.value);
      if (r.fit == null) {
        f.put("failure", r.failure);
        continue;
      }
      f.put("logLikelihood", r.fit.logLikelihood());
      f.put("parameters", r.fit.model().freeParameters());
      f.put("bic", r.fit.bic());
      f.put("aic", r.fit.aic());
      f.put("icl", r.icl);
      f.put("iterations", r.fit.iterations());
      f.put("converged", r.fit.converged());
      if (r.spurious == null) {
        f.putNull("spurious");
      } else {
        f.put("spurious", r.spurious);
      }
    }
    if (chosen == null) {
      json.putNull("chosen");
    } else {
      json.putObject("chosen").put("model", chosen.model).put(name, chosen.value).put("bic", chosen.fit.bic());
    }
    return json;
  }

  /** BIC against the constant, one line per model; spurious fits crossed. */
  private static XYChart chart(String name, List<Input> inputs, List<Row> table) {
    XYChart chart = FitPlot.chart("BIC (smaller is better)", name, "BIC");
    List<double[]> spurious = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      String model = inputs.get(i).name();
      List<Row> fitted = table.stream().filter(r -> r.model.equals(model) && r.fit != null).toList();
      if (fitted.isEmpty()) {
        continue;
      }
      XYSeries s = chart.addSeries(model, fitted.stream().mapToDouble(Row::value).toArray(),
          fitted.stream().mapToDouble(r -> r.fit.bic()).toArray());
      Color c = FitPlot.colour(i);
      s.setLineColor(c);
      s.setMarkerColor(c);
      s.setMarker(SeriesMarkers.CIRCLE);
      fitted.stream().filter(r -> r.spurious != null).forEach(r -> spurious.add(new double[] {r.value, r.fit.bic()}));
    }
    if (!spurious.isEmpty()) {
      XYSeries s = chart.addSeries("spurious", spurious.stream().mapToDouble(p -> p[0]).toArray(),
          spurious.stream().mapToDouble(p -> p[1]).toArray());
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      s.setMarker(SeriesMarkers.CROSS);
      s.setMarkerColor(Color.BLACK);
    }
    chart.getStyler().setMarkerSize(7);
    return chart;
  }
}
