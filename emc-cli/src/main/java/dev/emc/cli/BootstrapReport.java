package dev.emc.cli;

import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.fit.Bootstrap;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Information;
import dev.emc.runtime.fit.Params;
import java.util.Locale;

/** What `emc fit --bootstrap B` prints (the JSON's part is FitJson.putBootstrap's): each parameter's standard error and 95% percentile interval. */
final class BootstrapReport {
  private BootstrapReport() {}

  /** Each number as the summary prints it, with its standard error and interval beside it: one number a line. */
  static String of(FitResult fit, Bootstrap.Result b) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%nbootstrap: %d %s replicates%s, each refitted from the fit; components"
        + " matched to the fit's%n%n", b.replicates() - b.failed(), b.kind().name().toLowerCase(Locale.ROOT),
        b.failed() == 0 ? "" : " (" + b.failed() + " failed, left out)"));
    out.append(String.format(Locale.ROOT, "  %-16s %12s %12s   %s%n", "", "estimate", "std. error", "95% interval"));
    for (ParamInfo p : fit.model().params()) {
      double[] v = fit.params().get(p.name());
      for (int i = 0; i < v.length; i++) {
        out.append(String.format(Locale.ROOT, "  %-16s %12s %12s   [%s, %s]%n", Information.label(p, i), number(v[i]),
            number(b.standardErrors().get(p.name())[i]), number(b.lower().get(p.name())[i]),
            number(b.upper().get(p.name())[i])));
      }
    }
    return out.toString();
  }

  private static String number(double v) {
    return InformationReport.number(v);
  }
}
