package dev.emc.cli;

import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.LatentPass;
import dev.emc.runtime.ParamInfo;
import java.util.Locale;

/** What `emc fit` prints: the outcome, the criteria, and every parameter, one component a line. */
final class FitSummary {
  private FitSummary() {}

  static String of(FitResult r, DataMatrix data, FitOptions o, double compileSeconds, boolean cached,
      double loadSeconds) {
    StringBuilder b = new StringBuilder();
    var m = r.model();
    String latent = LatentPass.of(m).counted();
    b.append(String.format(Locale.ROOT, "model %s: %s, %d rows × %d columns (%s)%s%n",
        m.name(), latent, r.rows(), data.columns(), String.join(", ", data.names()),
        (data.weights() == null ? "" : ", weighted: total weight " + dev.emc.runtime.fit.Params.format(r.weight()))
        + (data.labels() == null ? "" : ", " + data.labelled() + " labelled")));
    b.append(r.converged()
        ? String.format(Locale.ROOT, "converged after %d iterations (tol %s)", r.iterations(), o.tol())
        : String.format(Locale.ROOT, "stopped after %d iterations without converging (tol %s)", r.iterations(), o.tol()));
    if (r.halvings() > 0) {
      b.append(String.format(Locale.ROOT, ", and %d %s halving steps that overshot", r.halvings(),
          r.halvings() == 1 ? "pass" : "passes"));
    }
    if (o.restarts() > 1 && o.init() != FitOptions.Init.GIVEN) {
      b.append(String.format(Locale.ROOT, "; best of %d restarts: #%d", o.restarts(), r.restart() + 1));
    }
    b.append('\n');
    b.append(String.format(Locale.ROOT, "log-likelihood %.4f%n", r.logLikelihood()));
    b.append(String.format(Locale.ROOT, "BIC %.3f, AIC %.3f (−2 log L + p log N, −2 log L + 2p: smaller is better; p = %d free parameters)%n",
        r.bic(), r.aic(), m.freeParameters()));
    b.append('\n');
    for (ParamInfo p : m.params()) {
      double[] v = r.params().get(p.name());
      int n = p.elements();
      for (int c = 0; c < p.copies(); c++) {
        String label = p.copies() > 1 ? p.name() + "[" + (c + 1) + "]" : p.name();
        int rows = p.shape().length == 2 ? p.shape()[0] : 1;
        int cols = p.shape().length == 0 ? 1 : p.shape()[p.shape().length - 1];
        for (int i = 0; i < rows; i++) {
          b.append(String.format(Locale.ROOT, "  %-10s", i == 0 ? label : ""));
          for (int j = 0; j < cols; j++) {
            b.append(String.format(Locale.ROOT, " %12s", number(v[c * n + i * cols + j])));
          }
          b.append('\n');
        }
      }
    }
    b.append('\n');
    b.append(String.format(Locale.ROOT, "time: load %.2f s, compile %.2f s%s, fit %.3f s (%.3g ms per iteration)%n",
        loadSeconds, compileSeconds, cached ? " (from the compile cache)" : "", r.fitSeconds(),
        r.secondsPerIteration() * 1000));
    return b.toString();
  }

  private static String number(double v) {
    return String.format(Locale.ROOT, "%.6g", v);
  }
}
