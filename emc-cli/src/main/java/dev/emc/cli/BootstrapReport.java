package dev.emc.cli;

import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.fit.Bootstrap;
import dev.emc.runtime.fit.FitResult;
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
      int[] dims = Params.dims(p);
      double[] v = fit.params().get(p.name());
      for (int i = 0; i < v.length; i++) {
        StringBuilder place = new StringBuilder();
        int rest = i;
        for (int level = dims.length - 1; level >= 0; level--) {
          place.insert(0, "[" + (rest % dims[level] + 1) + "]");
          rest /= dims[level];
        }
        out.append(String.format(Locale.ROOT, "  %-16s %12s %12s   [%s, %s]%n", p.name() + place, number(v[i]),
            number(b.standardErrors().get(p.name())[i]), number(b.lower().get(p.name())[i]),
            number(b.upper().get(p.name())[i])));
      }
    }
    return out.toString();
  }

  private static String number(double v) {
    return String.format(Locale.ROOT, "%.6g", v);
  }
}
