package dev.emc.cli;

import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.fit.Classification;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.LatentPass;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.fit.Params;
import dev.emc.runtime.fit.Stepwise;
import java.util.List;
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
    criteriaAndParams(b, r);
    b.append(classification(r, data));
    b.append('\n');
    b.append(String.format(Locale.ROOT, "time: load %.2f s, compile %.2f s%s, fit %.3f s (%.3g ms per iteration)%n",
        loadSeconds, compileSeconds, cached ? " (from the compile cache)" : "", r.fitSeconds(),
        r.secondsPerIteration() * 1000));
    return b.toString();
  }

  /**
   * What `emc fit --online` prints: the pass, its batches and steps, the log-likelihood and what it
   * is ({@code basis}), then the criteria and parameters as a batch fit's; no classification (the
   * rows are gone).
   */
  static String online(FitResult r, List<String> names, Stepwise.Steps steps, int batch, String basis,
      double compileSeconds, boolean cached, double readSeconds) {
    StringBuilder b = new StringBuilder();
    var m = r.model();
    b.append(String.format(Locale.ROOT, "model %s: %s, %d rows × %d columns (%s)%n", m.name(),
        LatentPass.of(m).counted(), r.rows(), names.size(), String.join(", ", names)));
    long batches = r.iterations();
    long last = r.rows() - (batches - 1) * (long) batch;
    b.append(String.format(Locale.ROOT, "online EM: one pass, %d batch%s of %d rows%s; step γ_t = (t + %s)^−%s%s%n",
        batches, batches == 1 ? "" : "es", batch, last == batch ? "" : " (the last " + last + ")",
        Params.format(steps.offset()), Params.format(steps.decay()),
        steps.warmup() > 0 ? ", the first M-step after " + steps.warmup() + " rows" : ""));
    b.append(String.format(Locale.ROOT, "log-likelihood %.4f (%s)%n", r.logLikelihood(), basis));
    criteriaAndParams(b, r);
    b.append('\n');
    b.append(String.format(Locale.ROOT, "time: read %.2f s, compile %.2f s%s, EM %.3f s (%.0f rows per second, %.0f"
        + " with the reading)%n", readSeconds, compileSeconds, cached ? " (from the compile cache)" : "", r.fitSeconds(),
        r.rows() / r.fitSeconds(), r.rows() / (r.fitSeconds() + readSeconds)));
    return b.toString();
  }

  /** BIC and AIC, then every parameter, one component a line. */
  private static void criteriaAndParams(StringBuilder b, FitResult r) {
    var m = r.model();
    b.append(String.format(Locale.ROOT, "BIC %.3f, AIC %.3f (−2 log L + p log N, −2 log L + 2p: smaller is better; p = %d free parameters)%n",
        r.bic(), r.aic(), m.freeParameters()));
    b.append('\n');
    for (String[] line : parameterLines(r)) {
      b.append(String.format(Locale.ROOT, "  %-10s", line[0]));
      for (int j = 1; j < line.length; j++) {
        b.append(String.format(Locale.ROOT, " %12s", line[j]));
      }
      b.append('\n');
    }
  }

  /**
   * The parameters one matrix row a line: its label on the first row of each copy (mu[2]), blank
   * on the others, then the numbers.
   */
  static java.util.List<String[]> parameterLines(FitResult r) {
    java.util.List<String[]> lines = new java.util.ArrayList<>();
    for (ParamInfo p : r.model().params()) {
      double[] v = r.params().get(p.name());
      int n = p.elements();
      for (int c = 0; c < p.copies(); c++) {
        String label = p.copies() > 1 ? p.name() + "[" + (c + 1) + "]" : p.name();
        int rows = p.shape().length == 2 ? p.shape()[0] : 1;
        int cols = p.shape().length == 0 ? 1 : p.shape()[p.shape().length - 1];
        for (int i = 0; i < rows; i++) {
          String[] line = new String[cols + 1];
          line[0] = i == 0 ? label : "";
          for (int j = 0; j < cols; j++) {
            line[j + 1] = number(v[c * n + i * cols + j]);
          }
          lines.add(line);
        }
      }
    }
    return lines;
  }

  /**
   * The components' sizes and the rows' uncertainty, as mclust's summary gives them, and with
   * labelled rows the table of known labels against the fit's components: for a finite latent
   * (nothing for factor analysis), with the rows in memory (a streamed fit's rows are not read
   * again for it).
   */
  static String classification(FitResult r, DataMatrix data) {
    if (!classifies(r, data)) {
      return "";
    }
    LatentPass pass = LatentPass.of(r.model());
    Classification c = r.classification(data);
    int k = c.hardCounts().length;
    StringBuilder b = new StringBuilder("\n");
    b.append(String.format(Locale.ROOT, "  %-10s", pass.unit()));
    for (int j = 1; j <= k; j++) {
      b.append(String.format(Locale.ROOT, " %12d", j));
    }
    b.append(String.format(Locale.ROOT, "%n  %-10s", "rows"));
    for (double v : c.hardCounts()) {
      b.append(String.format(Locale.ROOT, " %12s", count(v)));
    }
    b.append("   (each in its most likely ").append(pass.unit()).append(')');
    b.append(String.format(Locale.ROOT, "%n  %-10s", "Σ_n r_nk"));
    for (double v : c.posteriorSums()) {
      b.append(String.format(Locale.ROOT, " %12s", number(v)));
    }
    b.append("   (r_nk: row n's posterior probability of ").append(pass.unit()).append(" k)\n");
    b.append(String.format(Locale.ROOT, "  uncertainty 1 − max_k r_nk: mean %s, max %s%n",
        number(c.meanUncertainty()), number(c.maxUncertainty())));
    if (c.table() != null) {
      // The posteriors are from the rows' values alone, so a label is not read back as its own class.
      b.append(String.format(Locale.ROOT, "%n  %s labelled rows: adjusted Rand index %s between their labels and"
          + " their most likely %ss%n", count(c.labelled()), number(c.adjustedRandIndex()), pass.unit()));
      b.append(String.format(Locale.ROOT, "  %-10s", "label"));
      for (int j = 1; j <= k; j++) {
        b.append(String.format(Locale.ROOT, " %12s", pass.unit() + " " + j));
      }
      b.append('\n');
      for (int i = 0; i < k; i++) {
        b.append(String.format(Locale.ROOT, "  %-10d", i + 1));
        for (double v : c.table()[i]) {
          b.append(String.format(Locale.ROOT, " %12s", count(v)));
        }
        b.append('\n');
      }
    }
    return b.toString();
  }

  /** Whether the fit's rows have components to be sized: a finite latent, and the rows in memory. */
  static boolean classifies(FitResult r, DataMatrix data) {
    return LatentPass.of(r.model()).finite() && data.cache() == null;
  }

  /** A count as a whole number, unless weights made it fractional. */
  static String count(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : number(v);
  }

  static String number(double v) {
    return String.format(Locale.ROOT, "%.6g", v);
  }
}
