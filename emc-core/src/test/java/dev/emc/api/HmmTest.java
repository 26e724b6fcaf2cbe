package dev.emc.api;

import static dev.emc.api.Fits.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.data.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hidden Markov models, {@code first(z) ~ Categorical(pi0); z ~ Categorical(A[prev(z)])}: the
 * compiled model's Baum–Welch against one written out here for normal emissions, in log space
 * (log-sum-exp forward and backward, not emc's scaled recursions), from the same start on the
 * same three sequences.
 */
class HmmTest {
  private static final Path DATA = Path.of("examples/data/hmm.csv");

  private static Compiled compiled() throws Exception {
    Model model = Fits.model(Files.readString(Path.of("examples/hmm.model")), Map.of());
    return model.bind(Table.read(DATA), BindOptions.defaults().withSequence("seq")).compile();
  }

  @Test
  void eachIterationIsBaumWelchWrittenOut() throws Exception {
    Map<String, double[]> start = Map.of("pi0", new double[] {0.5, 0.5}, "A", new double[] {0.8, 0.2, 0.3, 0.7},
        "mu", new double[] {-1, 4}, "s2", new double[] {2, 2});
    int iterations = 8;
    FitResult r = compiled().fit(FitOptions.defaults().withReg(0).withTol(0).withMaxIter(iterations)
        .withStart(start));
    Plain plain = new Plain(sequences(), start);
    for (int i = 0; i <= iterations; i++) {
      double ll = plain.step();
      assertEquals(ll, r.trace().get(i), 1e-10 * Math.abs(ll), "log-likelihood before M-step " + (i + 1));
    }
    // The plain one took one more M-step than emc (whose last pass only measures): compare the
    // parameters emc ended with to the plain one's before its last step.
    for (String p : List.of("pi0", "A", "mu", "s2")) {
      assertClose(plain.before.get(p), r.params().get(p), 1e-9, p);
    }
  }

  @Test
  void aConvergedFitRecoversTheGeneratingChainAndNeverLosesLikelihood() throws Exception {
    FitResult r = compiled().fit(FitOptions.defaults().withReg(0).withTol(1e-12).withRestarts(3));
    for (int i = 1; i < r.trace().size(); i++) {
      assertTrue(r.trace().get(i) >= r.trace().get(i - 1) - 1e-9 * Math.abs(r.trace().get(i)), "iteration " + i);
    }
    int low = r.params().get("mu")[0] < r.params().get("mu")[1] ? 0 : 1;
    // generate.py: A = [[0.95, 0.05], [0.10, 0.90]], means 0 and 3, variances 1 and 0.5, 1200 rows.
    assertEquals(0.95, r.params().get("A")[low * 2 + low], 0.03);
    assertEquals(0.90, r.params().get("A")[(1 - low) * 2 + (1 - low)], 0.03);
    assertEquals(0.0, r.params().get("mu")[low], 0.1);
    assertEquals(3.0, r.params().get("mu")[1 - low], 0.1);
    assertEquals(1 + 2 + 2 + 2, r.model().freeParameters()); // π 1, A 2, μ 2, σ² 2
  }

  private static List<double[]> sequences() throws Exception {
    List<double[]> out = new ArrayList<>();
    List<Double> current = new ArrayList<>();
    String id = null;
    for (String line : Files.readAllLines(DATA).subList(1, 1201)) {
      String[] cells = line.split(",");
      if (id != null && !cells[0].equals(id)) {
        out.add(current.stream().mapToDouble(Double::doubleValue).toArray());
        current = new ArrayList<>();
      }
      id = cells[0];
      current.add(Double.parseDouble(cells[1]));
    }
    out.add(current.stream().mapToDouble(Double::doubleValue).toArray());
    return out;
  }

  /** Baum–Welch for a two-state chain with normal emissions, in log space. */
  private static final class Plain {
    final List<double[]> seqs;
    double[] pi;
    double[] a;
    double[] mu;
    double[] s2;
    Map<String, double[]> before;

    Plain(List<double[]> seqs, Map<String, double[]> start) {
      this.seqs = seqs;
      pi = start.get("pi0").clone();
      a = start.get("A").clone();
      mu = start.get("mu").clone();
      s2 = start.get("s2").clone();
    }

    /** E-step and M-step; returns the log-likelihood at the parameters it started from. */
    double step() {
      before = Map.of("pi0", pi.clone(), "A", a.clone(), "mu", mu.clone(), "s2", s2.clone());
      double ll = 0;
      double[] first = new double[2];
      double[] trans = new double[4];
      double[] w = new double[2];
      double[] wx = new double[2];
      List<double[]> gammas = new ArrayList<>();
      for (double[] x : seqs) {
        int n = x.length;
        double[][] lb = new double[n][2];
        for (int t = 0; t < n; t++) {
          for (int k = 0; k < 2; k++) {
            lb[t][k] = -0.5 * (Math.log(2 * Math.PI * s2[k]) + (x[t] - mu[k]) * (x[t] - mu[k]) / s2[k]);
          }
        }
        double[][] la = new double[n][2];
        double[][] lbeta = new double[n][2];
        for (int k = 0; k < 2; k++) {
          la[0][k] = Math.log(pi[k]) + lb[0][k];
        }
        for (int t = 1; t < n; t++) {
          for (int k = 0; k < 2; k++) {
            la[t][k] = lse(la[t - 1][0] + Math.log(a[k]), la[t - 1][1] + Math.log(a[2 + k])) + lb[t][k];
          }
        }
        for (int t = n - 2; t >= 0; t--) {
          for (int j = 0; j < 2; j++) {
            lbeta[t][j] = lse(Math.log(a[j * 2]) + lb[t + 1][0] + lbeta[t + 1][0],
                Math.log(a[j * 2 + 1]) + lb[t + 1][1] + lbeta[t + 1][1]);
          }
        }
        double lx = lse(la[n - 1][0], la[n - 1][1]);
        ll += lx;
        double[] g = new double[2 * n];
        for (int t = 0; t < n; t++) {
          for (int k = 0; k < 2; k++) {
            g[2 * t + k] = Math.exp(la[t][k] + lbeta[t][k] - lx);
            w[k] += g[2 * t + k];
            wx[k] += g[2 * t + k] * x[t];
          }
          if (t > 0) {
            for (int j = 0; j < 2; j++) {
              for (int k = 0; k < 2; k++) {
                trans[j * 2 + k] += Math.exp(la[t - 1][j] + Math.log(a[j * 2 + k]) + lb[t][k] + lbeta[t][k] - lx);
              }
            }
          }
        }
        first[0] += g[0];
        first[1] += g[1];
        gammas.add(g);
      }
      double[] newMu = {wx[0] / w[0], wx[1] / w[1]};
      double[] scatter = new double[2];
      for (int s = 0; s < seqs.size(); s++) {
        double[] x = seqs.get(s);
        for (int t = 0; t < x.length; t++) {
          for (int k = 0; k < 2; k++) {
            scatter[k] += gammas.get(s)[2 * t + k] * (x[t] - newMu[k]) * (x[t] - newMu[k]);
          }
        }
      }
      pi = new double[] {first[0] / (first[0] + first[1]), first[1] / (first[0] + first[1])};
      a = new double[] {trans[0] / (trans[0] + trans[1]), trans[1] / (trans[0] + trans[1]),
          trans[2] / (trans[2] + trans[3]), trans[3] / (trans[2] + trans[3])};
      mu = newMu;
      s2 = new double[] {scatter[0] / w[0], scatter[1] / w[1]};
      return ll;
    }

    private static double lse(double u, double v) {
      double m = Math.max(u, v);
      return m + Math.log(Math.exp(u - m) + Math.exp(v - m));
    }
  }
}
