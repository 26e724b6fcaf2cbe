package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Information;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The analytic standard errors (Louis' identity over the generated scores) against the inverse of
 * a finite-difference Hessian of the observed log-likelihood, which each test writes itself from
 * the textbook densities, in the same free coordinates: a simplex's first K − 1 entries (the last
 * is 1 minus their sum; each row of a transition matrix is one), every other number as stored.
 * Central differences of steps 1e-3 of each number's size (of a simplex entry's or its last
 * entry's, whichever is nearer 0) have a truncation error of about 1e-6 relative, so the two must
 * agree to 1e-4. For a hidden Markov model the rows are not independent and the test's
 * log-likelihood is its own forward recursion over each sequence.
 */
class InformationTest {
  private static final double TOL = 1e-4;

  @Test
  void poissonMixture() throws Exception {
    check("examples/poisson.model", "examples/data/poisson.csv", (p, x) -> {
      double[] phi = p.get("phi");
      double[] lambda = p.get("lambda");
      double[] lp = new double[phi.length];
      for (int k = 0; k < phi.length; k++) {
        lp[k] = Math.log(phi[k]) + x[0] * Math.log(lambda[k]) - lambda[k] - logFactorial(x[0]);
      }
      return lp;
    });
  }

  /** A gamma shape's Hessian reads ψ′, the derivative of the ψ in its score. */
  @Test
  void gammaMixture() throws Exception {
    check("examples/gamma.model", "examples/data/gamma.csv", (p, x) -> {
      double[] phi = p.get("phi");
      double[] lp = new double[phi.length];
      for (int k = 0; k < phi.length; k++) {
        double a = p.get("shape")[k];
        double b = p.get("rate")[k];
        lp[k] = Math.log(phi[k]) + a * Math.log(b) - org.apache.commons.numbers.gamma.LogGamma.value(a)
            + (a - 1) * Math.log(x[0]) - b * x[0];
      }
      return lp;
    });
  }

  @Test
  void univariateNormalMixture() throws Exception {
    check("examples/waiting.model", "examples/data/faithful.csv", (p, x) -> {
      double[] phi = p.get("phi");
      double[] lp = new double[phi.length];
      for (int k = 0; k < phi.length; k++) {
        lp[k] = Math.log(phi[k]) + normal(x[0], p.get("mu")[k], p.get("s2")[k]);
      }
      return lp;
    });
  }

  @Test
  void diagonalGaussianMixture() throws Exception {
    check("examples/gmm-diagonal.model", "examples/data/faithful.csv", (p, x) -> {
      double[] phi = p.get("phi");
      double[] lp = new double[phi.length];
      for (int k = 0; k < phi.length; k++) {
        lp[k] = Math.log(phi[k]);
        for (int d = 0; d < 2; d++) {
          lp[k] += normal(x[d], p.get("mu")[k * 2 + d], p.get("Sigma")[k * 2 + d]);
        }
      }
      return lp;
    });
  }

  /** The reference fit: Old Faithful, two components with full covariances. */
  @Test
  void fullCovarianceGaussianMixture() throws Exception {
    check("examples/gmm.model", "examples/data/faithful.csv", (p, x) -> {
      double[] phi = p.get("phi");
      double[] lp = new double[phi.length];
      for (int k = 0; k < phi.length; k++) {
        double[] s = java.util.Arrays.copyOfRange(p.get("Sigma"), k * 4, k * 4 + 4);
        double det = s[0] * s[3] - s[1] * s[2];
        double a = x[0] - p.get("mu")[k * 2];
        double b = x[1] - p.get("mu")[k * 2 + 1];
        // (a b) Σ⁻¹ (a b)ᵀ with Σ⁻¹ = [s3 −s1; −s2 s0] / det
        double q = (a * a * s[3] - a * b * (s[1] + s[2]) + b * b * s[0]) / det;
        lp[k] = Math.log(phi[k]) - 0.5 * (2 * Math.log(2 * Math.PI) + Math.log(det) + q);
      }
      return lp;
    });
  }

  @Test
  void regressionMixture() throws Exception {
    check("examples/regression.model", "examples/data/regression.csv", (p, x) -> {
      double[] phi = p.get("phi");
      double[] lp = new double[phi.length];
      for (int k = 0; k < phi.length; k++) {
        double mean = p.get("beta")[k * 2] * x[1] + p.get("beta")[k * 2 + 1] * x[2];
        lp[k] = Math.log(phi[k]) + normal(x[0], mean, p.get("s2")[k]);
      }
      return lp;
    });
  }

  /**
   * Partly labelled rows (--labels): a labelled row adds log p(x, z = label), so its score and
   * Hessian are that component's alone. Every fifth row is labelled by its count (above 3: the
   * second component), which disagrees with the posterior on the rows near the boundary; the
   * analytic information must match the FD Hessian of that likelihood.
   */
  @Test
  void partlyLabelledRows(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    List<String> lines = Files.readAllLines(Path.of("examples/data/poisson.csv"));
    StringBuilder csv = new StringBuilder("count,label\n");
    int[] labels = new int[lines.size() - 1];
    for (int n = 1; n < lines.size(); n++) {
      int count = Integer.parseInt(lines.get(n).trim());
      labels[n - 1] = n % 5 == 0 ? (count > 3 ? 2 : 1) : 0;
      csv.append(count).append(',').append(labels[n - 1] == 0 ? "" : String.valueOf(labels[n - 1])).append('\n');
    }
    Path file = dir.resolve("poisson-labelled.csv");
    Files.writeString(file, csv);
    Joint joint = (p, x) -> {
      double[] phi = p.get("phi");
      double[] lambda = p.get("lambda");
      double[] lp = new double[phi.length];
      for (int k = 0; k < phi.length; k++) {
        lp[k] = Math.log(phi[k]) + x[0] * Math.log(lambda[k]) - lambda[k] - logFactorial(x[0]);
      }
      return lp;
    };
    check("examples/poisson.model", file.toString(), BindOptions.defaults().withLabels("label"), (p, data) -> {
      double ll = 0;
      for (int n = 0; n < data.rows(); n++) {
        double[] lp = joint.at(p, new double[] {data.values()[n * data.columns()]});
        ll += labels[n] == 0 ? logSumExp(lp) : lp[labels[n] - 1];
      }
      return ll;
    });
  }

  /** A component that no row belongs to: its rate is not identified, and the warning names it. */
  @Test
  void anEmptyComponentIsNamedAndGetsNoStandardError() throws Exception {
    Bound bound = Fits.model(Files.readString(Path.of("examples/poisson.model")), Map.of())
        .bind(Table.read(Path.of("examples/data/poisson.csv")), BindOptions.defaults());
    Compiled compiled = bound.compile();
    Map<String, double[]> params = Map.of("phi", new double[] {1, 0}, "lambda", new double[] {3, 1e6});
    Information info = Information.of(compiled.newModel(), params, bound.data().orElseThrow());
    assertTrue(info.warnings().stream().anyMatch(w -> w.contains("singular at lambda[2]")), info.warnings().toString());
    assertTrue(Double.isNaN(info.standardErrors().get("lambda")[1]));
    assertTrue(info.standardErrors().get("lambda")[0] > 0);
  }

  /**
   * The two-state HMM of examples/hmm.model over the sequences of examples/data/hmm.csv: the
   * observed log-likelihood is the test's own forward recursion, in logs, over each sequence.
   */
  @Test
  void hiddenMarkovModel() throws Exception {
    check("examples/hmm.model", "examples/data/hmm.csv", BindOptions.defaults().withSequence("seq"), (p, data) -> {
      double[] pi0 = p.get("pi0");
      double[] a = p.get("A");
      int k = pi0.length;
      int[] bounds = data.sequenceBounds();
      double ll = 0;
      for (int q = 0; q + 1 < bounds.length; q++) {
        double[] logAlpha = new double[k];
        for (int n = bounds[q]; n < bounds[q + 1]; n++) {
          double x = data.values()[n * data.columns()];
          double[] next = new double[k];
          for (int j = 0; j < k; j++) {
            double[] terms = new double[k];
            for (int i = 0; i < k; i++) {
              terms[i] = n == bounds[q] ? (i == j ? Math.log(pi0[j]) : Double.NEGATIVE_INFINITY)
                  : logAlpha[i] + Math.log(a[i * k + j]);
            }
            next[j] = logSumExp(terms) + normal(x, p.get("mu")[j], p.get("s2")[j]);
          }
          logAlpha = next;
        }
        ll += logSumExp(logAlpha);
      }
      return ll;
    });
  }

  /**
   * A hidden Markov state that no row can come from (its mean a million away): its emission and
   * the row of A out of it are not identified, and the warnings name them.
   */
  @Test
  void anUnvisitedStateIsNamedAndGetsNoStandardError() throws Exception {
    Bound bound = Fits.model(Files.readString(Path.of("examples/hmm.model")), Map.of())
        .bind(Table.read(Path.of("examples/data/hmm.csv")), BindOptions.defaults().withSequence("seq"));
    Map<String, double[]> params = Map.of("pi0", new double[] {0.5, 0.5}, "A", new double[] {0.9, 0.1, 0.5, 0.5},
        "mu", new double[] {1, 1e6}, "s2", new double[] {2, 1});
    Information info = Information.of(bound.compile().newModel(), params, bound.data().orElseThrow());
    String warnings = info.warnings().toString();
    assertTrue(warnings.contains("singular at A[2][1]"), warnings);
    assertTrue(warnings.contains("singular at mu[2]"), warnings);
    assertTrue(Double.isNaN(info.standardErrors().get("mu")[1]));
    assertTrue(Double.isNaN(info.standardErrors().get("A")[2]));
    assertTrue(info.standardErrors().get("mu")[0] > 0);
  }

  /**
   * One sequence: the first state's probabilities go to a vertex (π0 = (1, 0) maximizes the
   * likelihood of one first row), where no Wald interval applies; the warning names π0 and the
   * others keep theirs.
   */
  @Test
  void aProbabilityOnItsEdgeIsNamedAndGetsNoStandardError() throws Exception {
    Bound bound = Fits.model(Files.readString(Path.of("examples/hmm.model")), Map.of())
        .bind(Table.read(Path.of("examples/data/hmm.csv")), BindOptions.defaults());
    Compiled compiled = bound.compile();
    FitResult fit = compiled.fit(FitOptions.defaults().withThreads(1));
    assertTrue(Math.min(fit.params().get("pi0")[0], fit.params().get("pi0")[1]) < Information.EDGE);
    Information info = Information.of(compiled.newModel(), fit.params(), bound.data().orElseThrow());
    String warnings = info.warnings().toString();
    assertTrue(warnings.contains("pi0[1] is at the edge of its range"), warnings);
    assertTrue(Double.isNaN(info.standardErrors().get("pi0")[0]));
    for (String p : List.of("A", "mu", "s2")) {
      for (double se : info.standardErrors().get(p)) {
        assertTrue(se > 0, p + " " + se);
      }
    }
  }

  /** A full covariance at D = 7: its Hessian is past what the generated code writes out. */
  @Test
  void aModelWithoutScoresSaysWhy() throws Exception {
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    double[][] rows = new double[40][7];
    for (double[] row : rows) {
      for (int d = 0; d < 7; d++) {
        row[d] = random.nextGaussian();
      }
    }
    Bound gmm = Fits.model(Files.readString(Path.of("examples/gmm.model")), Map.of())
        .bind(Fits.table(rows, "a", "b", "c", "d", "e", "f", "g"), BindOptions.defaults());
    String why = gmm.scoresUnavailable();
    assertTrue(why != null && why.contains("not available for this model at these sizes"), why);
  }

  /** log p(x_n, z = k) for each k, from the test's own formulas. */
  interface Joint {
    double[] at(Map<String, double[]> params, double[] row);
  }

  private static double normal(double x, double mean, double variance) {
    return -0.5 * (Math.log(2 * Math.PI * variance) + (x - mean) * (x - mean) / variance);
  }

  private static double logFactorial(double x) {
    double s = 0;
    for (int i = 2; i <= x; i++) {
      s += Math.log(i);
    }
    return s;
  }

  /** Σ_n log p(x_n) over independent rows. */
  private static double logLikelihood(Joint joint, Map<String, double[]> params, DataMatrix data) {
    double ll = 0;
    double[] row = new double[data.columns()];
    for (int n = 0; n < data.rows(); n++) {
      System.arraycopy(data.values(), n * data.columns(), row, 0, row.length);
      ll += logSumExp(joint.at(params, row));
    }
    return ll;
  }

  private static double logSumExp(double[] lp) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : lp) {
      max = Math.max(max, v);
    }
    double s = 0;
    for (double v : lp) {
      s += Math.exp(v - max);
    }
    return max + Math.log(s);
  }

  /** The observed log-likelihood of all the data at the given parameters. */
  interface LogLikelihood {
    double of(Map<String, double[]> params, DataMatrix data);
  }

  private static void check(String model, String csv, Joint joint) throws Exception {
    check(model, csv, BindOptions.defaults(), (p, data) -> logLikelihood(joint, p, data));
  }

  /**
   * A free coordinate: a stored number, and the one that moves with it (a covariance's mirror
   * entry, sign +1) or against it (a simplex's last entry, sign −1); other −1 for none.
   */
  private record Free(String param, int index, int other, int sign) {}

  private static void check(String model, String csv, BindOptions options, LogLikelihood logLikelihood)
      throws Exception {
    check(model, Files.readString(Path.of(model)), Table.read(Path.of(csv)), logLikelihood, options);
  }

  /** The same for a model's text and data ({@code name} says which in the printout), over independent rows. */
  static void check(String name, String text, Table table, Joint joint) throws Exception {
    check(name, text, table, (p, data) -> logLikelihood(joint, p, data), BindOptions.defaults());
  }

  private static void check(String model, String text, Table table, LogLikelihood logLikelihood, BindOptions options)
      throws Exception {
    Bound bound = Fits.model(text, Map.of()).bind(table, options);
    assertNull(bound.scoresUnavailable());
    Compiled compiled = bound.compile();
    FitResult fit = compiled.fit(FitOptions.defaults().withThreads(1).withSeed(1));
    DataMatrix data = bound.data().orElseThrow();
    Information info = Information.of(compiled.newModel(), fit.params(), data);
    assertTrue(info.warnings().isEmpty(), info.warnings().toString());

    List<Free> free = new ArrayList<>();
    for (ParamInfo p : fit.model().params()) {
      int n = fit.params().get(p.name()).length;
      for (int i = 0; i < n; i++) {
        if (p.constraint() == ParamInfo.Constraint.SIMPLEX) {
          // Each simplex (a transition matrix's row) has its own last entry.
          int each = p.elements();
          if (i % each < each - 1) {
            free.add(new Free(p.name(), i, i - i % each + each - 1, -1));
          }
        } else if (p.constraint() == ParamInfo.Constraint.COVARIANCE) {
          int d = p.shape()[0];
          int row = i % (d * d) / d;
          int col = i % d;
          if (row <= col) {
            free.add(new Free(p.name(), i, row == col ? -1 : i - row * d - col + col * d + row, 1));
          }
        } else {
          free.add(new Free(p.name(), i, -1, 0));
        }
      }
    }
    assertEquals(free.size(), info.free());
    int f = free.size();
    double[] h = new double[f];
    for (int i = 0; i < f; i++) {
      Free c = free.get(i);
      double[] v = fit.params().get(c.param());
      // A simplex entry's step moves its last entry too: the nearer either is to 0, the smaller the
      // step (a transition probability of 0.04 stepped by 1e-3 would cost 1e-3 in truncation).
      double size = c.sign() < 0 ? Math.min(v[c.index()], v[c.other()]) : Math.max(Math.abs(v[c.index()]), 0.1);
      h[i] = 1e-3 * size;
    }
    ToDoubleFunction<double[]> ll = step -> {
      Map<String, double[]> p = new LinkedHashMap<>();
      fit.params().forEach((k, v) -> p.put(k, v.clone()));
      for (int i = 0; i < f; i++) {
        Free c = free.get(i);
        p.get(c.param())[c.index()] += step[i];
        if (c.other() >= 0) {
          p.get(c.param())[c.other()] += c.sign() * step[i];
        }
      }
      return logLikelihood.of(p, data);
    };
    double[] hessian = new double[f * f];
    for (int i = 0; i < f; i++) {
      for (int j = i; j < f; j++) {
        double s = 0;
        for (int si = -1; si <= 1; si += 2) {
          for (int sj = -1; sj <= 1; sj += 2) {
            double[] step = new double[f];
            step[i] += si * h[i];
            step[j] += sj * h[j];
            s += si * sj * ll.applyAsDouble(step);
          }
        }
        hessian[i * f + j] = hessian[j * f + i] = -s / (4 * h[i] * h[j]);
      }
    }
    // The covariance in free coordinates: the inverse of the negative Hessian.
    double[][] cov = new double[f][f];
    double[] l = new double[f * f];
    assertTrue(dev.emc.runtime.Linalg.cholesky(hessian, 0, f, l, 0), "the finite-difference information is positive definite");
    for (int j = 0; j < f; j++) {
      double[] e = new double[f];
      e[j] = 1;
      dev.emc.runtime.Linalg.solveCholesky(l, e, f);
      for (int i = 0; i < f; i++) {
        cov[i][j] = e[i];
      }
    }
    double worst = 0;
    for (int i = 0; i < f; i++) {
      int gi = info.names().indexOf(label(fit, free.get(i)));
      for (int j = 0; j < f; j++) {
        int gj = info.names().indexOf(label(fit, free.get(j)));
        double scale = Math.sqrt(cov[i][i] * cov[j][j]);
        worst = Math.max(worst, Math.abs(info.covariance()[gi][gj] - cov[i][j]) / scale);
      }
    }
    System.out.printf("%s: %d free coordinates, largest difference %.2e of sqrt(C_ii C_jj)%n", model, f, worst);
    assertTrue(worst < TOL, model + ": analytic and finite-difference covariances differ by " + worst);
  }

  private static String label(FitResult fit, Free c) {
    ParamInfo p = fit.model().params().stream().filter(q -> q.name().equals(c.param())).findFirst().orElseThrow();
    return Information.label(p, c.index());
  }
}
