package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

import org.junit.jupiter.api.Test;

/**
 * A factor model's standard errors (the closed-form information of its marginal Gaussian) against
 * the inverse of a finite-difference Hessian of the observed log-likelihood Σ_n log Σ_k φ_k
 * N(x_n; μ_k, W_k W_kᵀ + Ψ_k), which the test writes with Commons Math's Cholesky factor, in the
 * same coordinates: the first K − 1 weights, μ, log Ψ, and W on the orthonormal complement of its
 * rotations' directions W A (A skew-symmetric), which the test takes from a Householder QR of those
 * directions (emc takes Gram–Schmidt's: another basis of the same complement, which leaves the
 * covariance of what the rotations do not move as it is). Compared: the covariance of μ, Ψ and φ,
 * and the standard errors of W Wᵀ's distinct entries by the delta method. Each step is 0.01 of the
 * coordinate's own curvature scale, 1/√(−∂²ℓ/∂η²), found by two pilot differences. Measured: the
 * largest difference is 4e-6 (μ, Ψ) and 3e-5 (W Wᵀ) for factor analysis of wine, 4e-8 and 1e-6
 * for PPCA, 1.4e-5 and 1.4e-6 for the mixture; at 0.03 the mixture's grows ninefold (truncation,
 * as h²). Rounding is kept small by the row-by-row differences and the rescaled covariance below:
 * without them factor analysis's W Wᵀ differed by 4e-4.
 */
class FactorInformationTest {
  private static final double TOL = 1e-4;
  private static final Path WINE = Path.of("examples/data/wine.csv");

  @Test
  void factorAnalysis() throws Exception {
    check(Files.readString(Path.of("examples/factor.model")), WINE, (p, c, d) -> p.get("Psi")[d]);
  }

  @Test
  void probabilisticPca() throws Exception {
    check(Files.readString(Path.of("examples/ppca.model")), WINE, (p, c, d) -> p.get("Psi")[0]);
  }

  @Test
  void mixtureOfFactorAnalysers() throws Exception {
    check(Files.readString(Path.of("examples/mfa.model")), Path.of("examples/data/mfa.csv"),
        (p, c, d) -> p.get("Psi")[c * 6 + d]);
  }

  /** One noise shared by the components: each Ψ_d moves both components' covariances. */
  @Test
  void mixtureOfFactorAnalysersWithSharedNoise() throws Exception {
    String text = Files.readString(Path.of("examples/mfa.model")).replace("param Psi[z] : positive[D];",
        "param Psi : positive[D];").replace("Psi[z])", "Psi)");
    assertTrue(text.contains("x ~ Normal(W[z] * h + mu[z], Psi);"), text);
    check(text, Path.of("examples/data/mfa.csv"), (p, c, d) -> p.get("Psi")[d]);
  }

  /**
   * A noise variance set a million times below its column's variance: a Heywood case, named in a
   * warning, with no standard error, while the others keep theirs.
   */
  @Test
  void aHeywoodCaseIsNamedAndGetsNoStandardError() throws Exception {
    Bound bound = Fits.model(Files.readString(Path.of("examples/factor.model")), Map.of())
        .bind(Table.read(WINE), BindOptions.defaults());
    Compiled compiled = bound.compile();
    FitResult fit = compiled.fit(FitOptions.defaults().withThreads(1).withSeed(1));
    Map<String, double[]> params = new HashMap<>();
    fit.params().forEach((k, v) -> params.put(k, v.clone()));
    // ash's variance is 0.075.
    params.get("Psi")[2] = 1e-9;
    Information info = Information.of(compiled.newModel(), params, bound.data().orElseThrow());
    String warnings = info.warnings().toString();
    assertTrue(warnings.contains("Psi[3] = 1.00000e-09 is a Heywood case"), warnings);
    assertTrue(warnings.contains("column ash"), warnings);
    assertTrue(Double.isNaN(info.standardErrors().get("Psi")[2]));
    assertTrue(info.standardErrors().get("Psi")[0] > 0);
    assertTrue(info.standardErrors().get("mu")[2] > 0);
    assertFalse(info.derived().names().isEmpty());
  }

  /**
   * At the maximum μ̂ = x̄, and the information's μ block, N C⁻¹, is apart from the others (their
   * cross terms are C⁻¹ Σ_n (x_n − μ̂) = 0): the standard error of μ_i is √(C_ii / N), C = WWᵀ + Ψ,
   * W's entries have none, and W Wᵀ's distinct entries have theirs.
   */
  @Test
  void wsEntriesAreNotIdentifiedButWWtIs() throws Exception {
    Bound bound = Fits.model(Files.readString(Path.of("examples/factor.model")), Map.of())
        .bind(Table.read(WINE), BindOptions.defaults());
    assertNull(bound.scoresUnavailable());
    Compiled compiled = bound.compile();
    FitResult fit = compiled.fit(FitOptions.defaults().withThreads(1).withSeed(1));
    Information info = Information.of(compiled.newModel(), fit.params(), bound.data().orElseThrow());
    for (double se : info.standardErrors().get("W")) {
      assertTrue(Double.isNaN(se));
    }
    // 13 × 14 / 2 distinct entries of W Wᵀ; the free numbers are BIC's 51.
    assertEquals(91, info.derived().names().size());
    assertEquals(fit.model().freeParameters(), info.free());
    assertTrue(info.derived().note().contains("rotation"), info.derived().note());
    int n = bound.data().orElseThrow().rows();
    double[] w = fit.params().get("W");
    for (int i = 0; i < 13; i++) {
      double c = fit.params().get("Psi")[i] + w[2 * i] * w[2 * i] + w[2 * i + 1] * w[2 * i + 1];
      assertEquals(Math.sqrt(c / n), info.standardErrors().get("mu")[i], 1e-6 * Math.sqrt(c / n), "mu[" + (i + 1) + "]");
    }
  }

  /**
   * A weight of 2 on every row counts each twice: the information doubles, in the moments and in
   * a mixture's outer products alike, so every variance halves.
   */
  @Test
  void aWeightOfTwoHalvesEveryVariance() throws Exception {
    Bound bound = Fits.model(Files.readString(Path.of("examples/mfa.model")), Map.of())
        .bind(Table.read(Path.of("examples/data/mfa.csv")), BindOptions.defaults());
    Compiled compiled = bound.compile();
    FitResult fit = compiled.fit(FitOptions.defaults().withThreads(1).withSeed(1));
    DataMatrix data = bound.data().orElseThrow();
    double[] twos = new double[data.rows()];
    java.util.Arrays.fill(twos, 2.0);
    Information once = Information.of(compiled.newModel(), fit.params(), data);
    Information twice = Information.of(compiled.newModel(), fit.params(), data.withWeights(twos));
    for (String p : List.of("phi", "mu", "Psi")) {
      double[] a = once.standardErrors().get(p);
      double[] b = twice.standardErrors().get(p);
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i] / Math.sqrt(2), b[i], 1e-9 * a[i], p + "[" + i + "]");
      }
    }
    double[] a = once.derived().standardErrors();
    double[] b = twice.derived().standardErrors();
    for (int i = 0; i < a.length; i++) {
      assertEquals(a[i] / Math.sqrt(2), b[i], 1e-9 * a[i], once.derived().names().get(i));
    }
  }

  /** Component c's noise variance of column d, as the model stores it. */
  interface Noise {
    double of(Map<String, double[]> params, int c, int d);
  }

  /** A free coordinate: its name (for messages) and how a step in it changes the parameters. */
  private record Coordinate(String name, Stepper step) {}

  interface Stepper {
    void apply(Map<String, double[]> params, double h);
  }

  private static void check(String text, Path csv, Noise noise) throws Exception {
    Bound bound = Fits.model(text, Map.of()).bind(Table.read(csv), BindOptions.defaults());
    assertNull(bound.scoresUnavailable());
    Compiled compiled = bound.compile();
    FitResult fit = compiled.fit(FitOptions.defaults().withThreads(1).withSeed(1));
    DataMatrix data = bound.data().orElseThrow();
    Information info = Information.of(compiled.newModel(), fit.params(), data);
    assertTrue(info.warnings().isEmpty(), info.warnings().toString());
    Map<String, double[]> theta = fit.params();
    int k = fit.model().components();
    int d = data.columns();
    int q = theta.get("W").length / (k * d);
    ParamInfo psiInfo = fit.model().params().stream().filter(p -> p.name().equals("Psi")).findFirst().orElseThrow();

    // The coordinates, and the Jacobian of the identified stored numbers in them.
    List<Coordinate> coords = new ArrayList<>();
    List<Map<String, Double>> jacobian = new ArrayList<>();
    for (int j = 0; j < k - 1; j++) {
      int at = j;
      coords.add(new Coordinate("phi" + j, (p, h) -> {
        p.get("phi")[at] += h;
        p.get("phi")[k - 1] -= h;
      }));
      jacobian.add(Map.of(label(fit, "phi", at), 1.0, label(fit, "phi", k - 1), -1.0));
    }
    for (int i = 0; i < k * d; i++) {
      int at = i;
      coords.add(new Coordinate("mu" + i, (p, h) -> p.get("mu")[at] += h));
      jacobian.add(Map.of(label(fit, "mu", at), 1.0));
    }
    for (int t = 0; t < theta.get("Psi").length; t++) {
      int at = t;
      coords.add(new Coordinate("log Psi" + t, (p, h) -> p.get("Psi")[at] *= Math.exp(h)));
      jacobian.add(Map.of(label(fit, "Psi", at), theta.get("Psi")[at]));
    }
    int identified = coords.size();
    // W's directions other than its rotations, per component: columns r … DQ − 1 of the Q factor
    // of the rotations' directions.
    List<double[]> directions = new ArrayList<>();
    List<Integer> owner = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      int r = q * (q - 1) / 2;
      RealMatrix tangents = new Array2DRowRealMatrix(d * q, Math.max(r, 1));
      int col = 0;
      for (int a = 0; a < q; a++) {
        for (int b = a + 1; b < q; b++) {
          for (int i = 0; i < d; i++) {
            tangents.setEntry(i * q + b, col, theta.get("W")[c * d * q + i * q + a]);
            tangents.setEntry(i * q + a, col, -theta.get("W")[c * d * q + i * q + b]);
          }
          col++;
        }
      }
      RealMatrix full = new QRDecomposition(tangents).getQ();
      for (int m = r; m < d * q; m++) {
        double[] u = full.getColumn(m);
        int base = c * d * q;
        coords.add(new Coordinate("W" + c + "." + m, (p, h) -> {
          for (int j = 0; j < u.length; j++) {
            p.get("W")[base + j] += h * u[j];
          }
        }));
        directions.add(u);
        owner.add(c);
      }
    }
    int f = coords.size();
    assertEquals(f, info.free());

    // The log-likelihood is taken less its value at the fit.
    double base = 0;
    // The steps: 0.01 of each coordinate's curvature scale, from two pilot second differences.
    double[] h = new double[f];
    for (int i = 0; i < f; i++) {
      double step = 1e-3;
      for (int pilot = 0; pilot < 2; pilot++) {
        double second = second(coords.get(i), step, theta, data, k, d, q, noise, base);
        step = 0.01 / Math.sqrt(Math.abs(second));
      }
      h[i] = step;
    }
    double[][] hessian = new double[f][f];
    for (int i = 0; i < f; i++) {
      for (int j = i; j < f; j++) {
        double s = 0;
        for (int si = -1; si <= 1; si += 2) {
          for (int sj = -1; sj <= 1; sj += 2) {
            Coordinate ci = coords.get(i);
            Coordinate cj = coords.get(j);
            double hi = si * h[i];
            double hj = sj * h[j];
            s += si * sj * logLikelihood(theta, data, k, d, q, noise, p -> {
              ci.step().apply(p, hi);
              cj.step().apply(p, hj);
            });
          }
        }
        hessian[i][j] = hessian[j][i] = -s / (4 * h[i] * h[j]);
      }
    }
    RealMatrix cov = new CholeskyDecomposition(new Array2DRowRealMatrix(hessian)).getSolver().getInverse();

    // μ, Ψ and φ: the covariance of every pair, against sqrt(C_ii C_jj).
    Map<String, Map<String, Double>> byName = new LinkedHashMap<>();
    for (int i = 0; i < identified; i++) {
      for (int j = 0; j < identified; j++) {
        for (Map.Entry<String, Double> a : jacobian.get(i).entrySet()) {
          for (Map.Entry<String, Double> b : jacobian.get(j).entrySet()) {
            byName.computeIfAbsent(a.getKey(), x -> new HashMap<>())
                .merge(b.getKey(), a.getValue() * cov.getEntry(i, j) * b.getValue(), Double::sum);
          }
        }
      }
    }
    double worst = 0;
    for (String a : byName.keySet()) {
      for (String b : byName.keySet()) {
        double fd = byName.get(a).get(b);
        double analytic = info.covariance()[info.names().indexOf(a)][info.names().indexOf(b)];
        worst = Math.max(worst, Math.abs(analytic - fd) / Math.sqrt(byName.get(a).get(a) * byName.get(b).get(b)));
      }
    }
    // W Wᵀ's distinct entries, by the delta method over W's directions.
    double worstDerived = 0;
    for (int c = 0; c < k; c++) {
      for (int i = 0; i < d; i++) {
        for (int j = i; j < d; j++) {
          double[] grad = new double[f];
          for (int m = 0; m < directions.size(); m++) {
            if (owner.get(m) != c) {
              continue;
            }
            double[] u = directions.get(m);
            double s = 0;
            for (int a = 0; a < q; a++) {
              s += theta.get("W")[c * d * q + j * q + a] * u[i * q + a] + theta.get("W")[c * d * q + i * q + a] * u[j * q + a];
            }
            grad[identified + m] = s;
          }
          double var = 0;
          for (int x = 0; x < f; x++) {
            for (int y = 0; y < f; y++) {
              var += grad[x] * cov.getEntry(x, y) * grad[y];
            }
          }
          String name = "WWᵀ" + (k > 1 ? "[" + (c + 1) + "]" : "") + "[" + (i + 1) + "][" + (j + 1) + "]";
          int at = info.derived().names().indexOf(name);
          assertTrue(at >= 0, name + " in " + info.derived().names());
          worstDerived = Math.max(worstDerived, Math.abs(info.derived().standardErrors()[at] - Math.sqrt(var))
              / Math.sqrt(var));
        }
      }
    }
    System.out.printf("%s: %d free coordinates (%s), largest difference %.2e of sqrt(C_ii C_jj) over μ, Ψ%s;"
        + " W Wᵀ's standard errors within %.2e%n", fit.model().name(), f, psiInfo, worst, k > 1 ? ", φ" : "",
        worstDerived);
    assertTrue(worst < TOL, "analytic and finite-difference covariances differ by " + worst);
    assertTrue(worstDerived < TOL, "analytic and finite-difference standard errors of W Wᵀ differ by " + worstDerived);
  }

  private static double second(Coordinate c, double h, Map<String, double[]> theta, DataMatrix data, int k, int d,
      int q, Noise noise, double base) {
    double plus = logLikelihood(theta, data, k, d, q, noise, p -> c.step().apply(p, h));
    double minus = logLikelihood(theta, data, k, d, q, noise, p -> c.step().apply(p, -h));
    return (plus - 2 * base + minus) / (h * h);
  }

  private static String label(FitResult fit, String param, int index) {
    ParamInfo p = fit.model().params().stream().filter(x -> x.name().equals(param)).findFirst().orElseThrow();
    return Information.label(p, index);
  }

  /**
   * Σ_n log Σ_k φ_k N(x_n; μ_k, W_k W_kᵀ + Ψ_k) at the parameters after {@code step}, less its
   * value at the fit, row by row (the differences are what the Hessian reads, and the rows' sum
   * rounds away their last digits). C is taken on the scale of its diagonal, D^-½ C D^-½: wine's
   * columns differ in variance by 10⁷, and so would C's condition number.
   */
  private static double logLikelihood(Map<String, double[]> theta, DataMatrix data, int k, int d, int q, Noise noise,
      Consumer<Map<String, double[]>> step) {
    double[] at = rows(theta, data, k, d, q, noise, p -> {});
    double[] moved = rows(theta, data, k, d, q, noise, step);
    double s = 0;
    for (int n = 0; n < at.length; n++) {
      s += moved[n] - at[n];
    }
    return s;
  }

  private static double[] rows(Map<String, double[]> theta, DataMatrix data, int k, int d, int q, Noise noise,
      Consumer<Map<String, double[]>> step) {
    Map<String, double[]> p = new HashMap<>();
    theta.forEach((name, v) -> p.put(name, v.clone()));
    step.accept(p);
    double[] w = p.get("W");
    double[] mu = p.get("mu");
    RealMatrix[] inverse = new RealMatrix[k];
    double[][] scale = new double[k][d];
    double[] logNorm = new double[k];
    for (int c = 0; c < k; c++) {
      double[][] cov = new double[d][d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          for (int a = 0; a < q; a++) {
            cov[i][j] += w[c * d * q + i * q + a] * w[c * d * q + j * q + a];
          }
        }
        cov[i][i] += noise.of(p, c, i);
      }
      double logScale = 0;
      for (int i = 0; i < d; i++) {
        scale[c][i] = Math.sqrt(cov[i][i]);
        logScale += Math.log(cov[i][i]);
      }
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          cov[i][j] /= scale[c][i] * scale[c][j];
        }
      }
      CholeskyDecomposition chol = new CholeskyDecomposition(new Array2DRowRealMatrix(cov));
      inverse[c] = chol.getSolver().getInverse();
      double weight = k > 1 ? p.get("phi")[c] : 1.0;
      logNorm[c] = Math.log(weight) - 0.5 * (d * Math.log(2 * Math.PI) + Math.log(chol.getDeterminant()) + logScale);
    }
    double[] out = new double[data.rows()];
    double[] lp = new double[k];
    double[] e = new double[d];
    for (int n = 0; n < data.rows(); n++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        for (int i = 0; i < d; i++) {
          e[i] = (data.values()[n * data.columns() + i] - mu[c * d + i]) / scale[c][i];
        }
        double quad = 0;
        for (int i = 0; i < d; i++) {
          for (int j = 0; j < d; j++) {
            quad += e[i] * inverse[c].getEntry(i, j) * e[j];
          }
        }
        lp[c] = logNorm[c] - 0.5 * quad;
        max = Math.max(max, lp[c]);
      }
      double s = 0;
      for (double v : lp) {
        s += Math.exp(v - max);
      }
      out[n] = max + Math.log(s);
    }
    return out;
  }
}
