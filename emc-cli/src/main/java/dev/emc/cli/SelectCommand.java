package dev.emc.cli;

import dev.emc.api.Bound;
import dev.emc.api.Model;
import dev.emc.diag.DiagnosticPrinter;
import dev.emc.runtime.fit.FitException;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "select",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {"Fit a model for each value of one constant (--set K=1..8), each with restarts, and print the"
        + " criteria to choose by: the log-likelihood, the free parameters p (counted from the parameters' types),"
        + " BIC = −2 log L + p ln N, AIC = −2 log L + 2p and ICL = BIC − 2 Σ_n log r_n,ẑ (the classification's"
        + " entropy added). Smaller is better for all three, as in `emc fit`; mclust prints −BIC and −ICL."})
final class SelectCommand implements Callable<Integer> {
  private static final Pattern RANGE = Pattern.compile("\\s*(\\d+)\\s*\\.\\.\\s*(\\d+)\\s*");

  @Mixin ModelInput input;
  @Mixin DataFlags rows;
  @Mixin FitFlags how;
  @Spec CommandSpec spec;
  @ParentCommand Main main;

  /** One value's fit, or why it failed. */
  private record Row(int value, FitResult fit, double icl, String failure) {}

  @Override
  public Integer call() throws Exception {
    FitOptions options = how.options(spec, 10);
    Map<String, String> fixed = new LinkedHashMap<>(input.settings);
    String name = null;
    int from = 0;
    int to = 0;
    for (Map.Entry<String, String> e : input.settings.entrySet()) {
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
    for (int v = from; v <= to; v++) {
      Map<String, Double> settings = ModelInput.values(fixed);
      settings.put(name, (double) v);
      Model model = main.emc().parse(input.model.toString(), input.source().text(), settings);
      if (v == from) {
        err.print(DiagnosticPrinter.render(model.warnings()));
      }
      Bound bound = rows.bind(model, spec);
      try {
        FitResult fit = bound.requireFittable().compile().fit(options);
        table.add(new Row(v, fit, fit.icl(bound.data().orElseThrow()), null));
      } catch (FitException e) {
        table.add(new Row(v, null, Double.NaN, e.getMessage()));
      }
    }
    for (Row r : table) {
      if (r.fit != null) {
        for (String w : r.fit.warnings()) {
          err.println("emc: warning: " + name + " = " + r.value + ": " + w);
        }
      }
    }
    spec.commandLine().getOut().print(render(name, table, options));
    return Main.OK;
  }

  private String render(String name, List<Row> table, FitOptions o) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "model %s on %s: %s = %d..%d, best of %d restart%s each (seed %d)%n",
        input.model.getFileName(), rows.data, name, table.get(0).value, table.get(table.size() - 1).value,
        o.restarts(), o.restarts() == 1 ? "" : "s", o.seed()));
    b.append("BIC = −2 log L + p ln N, AIC = −2 log L + 2p, ICL = BIC − 2 Σ_n log r_n,ẑ: smaller is better"
        + " (mclust prints −BIC, −ICL); * marks the best\n\n");
    double bestBic = best(table, r -> r.fit.bic());
    double bestAic = best(table, r -> r.fit.aic());
    double bestIcl = best(table, Row::icl);
    b.append(String.format(Locale.ROOT, "%4s  %14s  %4s  %12s  %12s  %12s  %10s%n", name, "log-likelihood", "p",
        "BIC", "AIC", "ICL", "iterations"));
    for (Row r : table) {
      if (r.fit == null) {
        b.append(String.format(Locale.ROOT, "%4d  failed: %s%n", r.value, r.failure));
        continue;
      }
      FitResult f = r.fit;
      b.append(String.format(Locale.ROOT, "%4d  %14.4f  %4d  %12s  %12s  %12s  %10s%n", r.value, f.logLikelihood(),
          f.model().freeParameters(), mark(f.bic(), bestBic), mark(f.aic(), bestAic), mark(r.icl, bestIcl),
          f.iterations() + (f.converged() ? "" : " (not converged)")));
    }
    return b.toString();
  }

  private static double best(List<Row> table, java.util.function.ToDoubleFunction<Row> criterion) {
    return table.stream().filter(r -> r.fit != null).mapToDouble(criterion).min().orElse(Double.NaN);
  }

  private static String mark(double v, double best) {
    return String.format(Locale.ROOT, "%.3f%s", v, v == best ? "*" : " ");
  }
}
