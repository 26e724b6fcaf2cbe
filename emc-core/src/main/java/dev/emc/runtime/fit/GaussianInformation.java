package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.Linalg;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Analytic standard errors of a plain mixture of multivariate normals with full covariances, one
 * per component or one shared ({@link EmModel.NormalMixture}), from the closed form of its observed
 * information: the generated scores write the Hessian of a component's log-density entry by entry,
 * which past D = 6 is more than generated code holds; this takes the same I at any D.
 *
 * <p>It is {@link FactorInformation}'s Louis identity with C_k = Σ_k and no factors. The free
 * coordinates are those of the generated path ({@link Information}): φ's first K − 1 entries, each
 * μ_k as stored, and Σ's distinct entries σ_ij, i ≤ j, each moving σ_ji with it. For σ_ij write
 * C_a = c_a (E_ij + E_ji), c_a = 1 off the diagonal and ½ on it (so C_a = E_ii there); C_ab = 0.
 * With e = x − μ_k, P = Σ_k⁻¹ and α = P e, the class comment of {@link FactorInformation} gives
 *
 * <pre>
 *   ∂ log N / ∂μ_i    = α_i
 *   ∂ log N / ∂σ_ij   = c_a (α_i α_j − P_ij)
 *   ∂² / ∂μ_i ∂μ_j    = −P_ij
 *   ∂² / ∂μ_i ∂σ_pq   = −c_b (P_ip α_q + P_iq α_p)
 *   ∂² / ∂σ_ij ∂σ_pq  = c_a c_b [ P_jp P_iq + P_jq P_ip − α_i α_q P_jp − α_i α_p P_jq − α_j α_q P_ip − α_j α_p P_iq ]
 * </pre>
 *
 * Σ_n w_n r_nk H_nk reads the rows only through R_k = Σ w r, a_k = Σ w r α and B_k = Σ w r ααᵀ;
 * the outer products of Louis' identity are added row by row, O(N E²) for E free numbers, which
 * {@link #MAX_FREE} bounds.
 */
final class GaussianInformation {
  /** How the information is taken. */
  static final String METHOD = "observed information of the Gaussian mixture Σ_k φ_k N(μ_k, Σ_k), exact, by Louis'"
      + " identity over the components, in closed form";
  /**
   * The most free numbers taken: E × E doubles, several of them, at 4000 are 128 MB each. The
   * analysis refuses past the same bound before the fit ({@code analysis.GaussianMixture}).
   */
  static final int MAX_FREE = 4000;
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  static Information of(EmModel model, EmModel.NormalMixture g, Map<String, double[]> params, DataMatrix data)
      throws DataException {
    List<ParamInfo> infos = model.params();
    FactorInformation.Layout layout = FactorInformation.Layout.of(infos, params);
    int k = model.components();
    int d = g.width();
    int t = d * (d + 1) / 2;
    int copies = g.tied() ? 1 : k;
    long e = k - 1L + (long) k * d + (long) copies * t;
    if (e > MAX_FREE) {
      throw new IllegalArgumentException("standard errors are not available for a Gaussian mixture of K = " + k
          + " and D = " + d + ": its E = " + e + " free numbers are more than emc takes (" + MAX_FREE + "); --bootstrap B"
          + " gives standard errors without the information matrix");
    }
    long bytes = 8L * (4 * e * e + (long) layout.total() * (layout.total() + e));
    if (bytes > Runtime.getRuntime().maxMemory() * 0.8) {
      throw new IllegalArgumentException("standard errors for a Gaussian mixture of K = " + k + " and D = " + d
          + " (E = " + e + " free numbers) need about " + bytes / (1 << 20) + " MB for the information matrix, more"
          + " than this JVM may use (" + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB): --bootstrap B gives"
          + " standard errors without it");
    }
    int size = (int) e;
    double[] phi = k > 1 ? params.get(g.weights()) : new double[] {1.0};
    double[] mu = params.get(g.mean());
    double[] sigma = params.get(g.covariance());

    // The free coordinates in the generated path's order: the parameters as stored, each number in
    // turn, passing over a simplex's last entry and a covariance's entries below the diagonal.
    List<FactorInformation.Free> free = new ArrayList<>();
    int weightsAt = -1;
    int meanAt = -1;
    int covarianceAt = -1;
    for (int p = 0; p < infos.size(); p++) {
      ParamInfo pi = infos.get(p);
      int base = layout.base()[p];
      if (pi.name().equals(g.weights())) {
        weightsAt = free.size();
        for (int j = 0; j < k - 1; j++) {
          free.add(free(layout, free.size(), new int[] {base + j, base + k - 1}, new double[] {1, -1},
              phi[j] < Information.EDGE || phi[k - 1] < Information.EDGE));
        }
      } else if (pi.name().equals(g.mean())) {
        meanAt = free.size();
        for (int i = 0; i < k * d; i++) {
          free.add(free(layout, free.size(), new int[] {base + i}, new double[] {1}, false));
        }
      } else if (pi.name().equals(g.covariance())) {
        covarianceAt = free.size();
        for (int c = 0; c < copies; c++) {
          for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
              int at = base + c * d * d;
              free.add(free(layout, free.size(), i == j ? new int[] {at + i * d + i}
                  : new int[] {at + i * d + j, at + j * d + i}, i == j ? new double[] {1} : new double[] {1, 1},
                  false));
            }
          }
        }
      } else {
        throw new IllegalStateException("a Gaussian mixture with a parameter " + pi.name() + " of no component");
      }
    }
    if (free.size() != size || meanAt < 0 || covarianceAt < 0 || k > 1 && weightsAt < 0) {
      throw new IllegalStateException("a Gaussian mixture's parameters are not φ, μ and Σ");
    }
    GaussianInformation gi = new GaussianInformation(k, d, copies, weightsAt, meanAt, covarianceAt, size, phi, mu,
        sigma);
    double[][] a = gi.pass(data, g.offset());

    List<String> warnings = new ArrayList<>();
    boolean[] kept = Information.pivots(a, i -> free.get(i).name(), i -> free.get(i).edge(), warnings);
    int[] keep = java.util.stream.IntStream.range(0, size).filter(i -> kept[i]).toArray();
    double[][] cov = FactorInformation.stored(free, Information.inverse(a, keep), layout.total());
    return FactorInformation.result(METHOD, layout, params, cov, size, warnings, Information.Derived.NONE);
  }

  /** Free coordinate {@code index}, named as the first stored number it moves. */
  private static FactorInformation.Free free(FactorInformation.Layout layout, int index, int[] stored, double[] by,
      boolean edge) {
    return new FactorInformation.Free(layout.names().get(stored[0]), stored, by, new int[] {index}, new double[] {1},
        false, edge, null);
  }

  private final int k;
  private final int d;
  /** Distinct entries of one covariance, D(D + 1)/2. */
  private final int t;
  /** Covariances stored: K, or 1 when shared. */
  private final int copies;
  private final int weightsAt;
  private final int meanAt;
  private final int covarianceAt;
  private final int size;
  private final double[] phi;
  private final double[] mu;
  private final double[] sigma;
  /** Each distinct entry's row i, column j (i ≤ j) and c_a (1, or ½ on the diagonal). */
  private final int[] ei;
  private final int[] ej;
  private final double[] ec;

  private GaussianInformation(int k, int d, int copies, int weightsAt, int meanAt, int covarianceAt, int size,
      double[] phi, double[] mu, double[] sigma) {
    this.k = k;
    this.d = d;
    this.t = d * (d + 1) / 2;
    this.copies = copies;
    this.weightsAt = weightsAt;
    this.meanAt = meanAt;
    this.covarianceAt = covarianceAt;
    this.size = size;
    this.phi = phi;
    this.mu = mu;
    this.sigma = sigma;
    this.ei = new int[t];
    this.ej = new int[t];
    this.ec = new double[t];
    int m = 0;
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        ei[m] = i;
        ej[m] = j;
        ec[m] = i == j ? 0.5 : 1.0;
        m++;
      }
    }
  }

  /** Where component c's covariance entries start among the free coordinates. */
  private int sigmaAt(int c) {
    return covarianceAt + (copies == 1 ? 0 : c) * t;
  }

  /**
   * Each component's coordinates among the free ones, in the order of its score: the weights' K − 1,
   * its μ_k, its Σ's distinct entries.
   */
  private int[] coordinates(int c) {
    int[] at = new int[k - 1 + d + t];
    for (int j = 0; j < k - 1; j++) {
      at[j] = weightsAt + j;
    }
    for (int i = 0; i < d; i++) {
      at[k - 1 + i] = meanAt + c * d + i;
    }
    for (int m = 0; m < t; m++) {
      at[k - 1 + d + m] = sigmaAt(c) + m;
    }
    return at;
  }

  /** −∂²ℓ over the free coordinates, in one pass over the rows. */
  private double[][] pass(DataMatrix data, int offset) throws DataException {
    double[][] p = new double[copies][];
    double[] logDet = new double[copies];
    for (int c = 0; c < copies; c++) {
      double[] l = new double[d * d];
      if (!Linalg.cholesky(sigma, c * d * d, d, l, 0)) {
        throw new IllegalArgumentException("the fitted parameters cannot be prepared: "
            + (copies == 1 ? "the covariance" : "component " + (c + 1) + "'s covariance") + " is not positive definite");
      }
      logDet[c] = Linalg.logDetCholesky(l, 0, d);
      p[c] = Linalg.inverse(sigma, c * d * d, d);
    }
    int local = k - 1 + d + t;
    int[][] at = new int[k][];
    for (int c = 0; c < k; c++) {
      at[c] = coordinates(c);
    }
    double[] logPhi = new double[k];
    for (int c = 0; c < k; c++) {
      logPhi[c] = Math.log(phi[c]);
    }
    double[] r = new double[k];
    double[][] alpha = new double[k][d];
    double[][] e = new double[k][d];
    double[] total = new double[k];
    double[][] first = new double[k][d];
    double[][] second = new double[k][d * d];
    // Louis' outer products, Σ_k r s_k s_kᵀ − s_n s_nᵀ, on and above the diagonal only.
    double[][] louis = new double[size][size];
    double[][] scores = new double[k][local];
    double[] sn = new double[size];
    int cols = data.columns();
    data.<DataException>slabs((values, from, rows) -> {
      for (int n = 0; n < rows; n++) {
        Information.checkCells(data, values, from, n);
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          double[] pc = p[copies == 1 ? 0 : c];
          for (int i = 0; i < d; i++) {
            e[c][i] = values[n * cols + offset + i] - mu[c * d + i];
          }
          double quad = 0;
          for (int i = 0; i < d; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
              s += pc[i * d + j] * e[c][j];
            }
            alpha[c][i] = s;
            quad += s * e[c][i];
          }
          r[c] = logPhi[c] - 0.5 * (d * LOG_2PI + logDet[copies == 1 ? 0 : c] + quad);
          max = Math.max(max, r[c]);
        }
        Information.posterior(r, k, max, data.labels() == null ? -1 : data.labels()[from + n]);
        double wn = data.weight(from + n);
        for (int c = 0; c < k; c++) {
          total[c] += wn * r[c];
          Information.addMoments(wn * r[c], alpha[c], d, first[c], second[c]);
        }
        if (k > 1) {
          louis(wn, r, alpha, p, at, scores, sn, louis);
        }
      }
    });
    double[][] h = new double[size][size];
    for (int c = 0; c < k; c++) {
      hessian(c, total[c], first[c], second[c], p[copies == 1 ? 0 : c], h);
    }
    for (int x = 0; x < size; x++) {
      for (int y = 0; y < size; y++) {
        h[x][y] = -h[x][y] - (x <= y ? louis[x][y] : louis[y][x]);
      }
    }
    return h;
  }

  /**
   * Adds a row's Σ_k r_nk s_nk s_nkᵀ − s_n s_nᵀ, weighted, to {@code louis} on and above its
   * diagonal. s_nk is nonzero on the weights and component k's own coordinates only.
   */
  private void louis(double wn, double[] r, double[][] alpha, double[][] p, int[][] at, double[][] scores,
      double[] sn, double[][] louis) {
    Arrays.fill(sn, 0.0);
    for (int c = 0; c < k; c++) {
      if (r[c] == 0) {
        // Its score may be infinite (φ_c = 0), and it adds nothing.
        continue;
      }
      double[] s = scores[c];
      double[] pc = p[copies == 1 ? 0 : c];
      double[] al = alpha[c];
      for (int j = 0; j < k - 1; j++) {
        s[j] = c == k - 1 ? -1 / phi[k - 1] : j == c ? 1 / phi[c] : 0;
      }
      for (int i = 0; i < d; i++) {
        s[k - 1 + i] = al[i];
      }
      for (int m = 0; m < t; m++) {
        s[k - 1 + d + m] = ec[m] * (al[ei[m]] * al[ej[m]] - pc[ei[m] * d + ej[m]]);
      }
      int[] to = at[c];
      double rc = wn * r[c];
      for (int x = 0; x < s.length; x++) {
        sn[to[x]] += r[c] * s[x];
        double sx = rc * s[x];
        if (sx == 0) {
          continue;
        }
        double[] row = louis[to[x]];
        for (int y = 0; y < s.length; y++) {
          // A component's coordinates ascend, so its block's upper half is y ≥ x.
          if (to[y] >= to[x]) {
            row[to[y]] += sx * s[y];
          }
        }
      }
    }
    for (int x = 0; x < size; x++) {
      double sx = wn * sn[x];
      if (sx == 0) {
        continue;
      }
      double[] row = louis[x];
      for (int y = x; y < size; y++) {
        row[y] -= sx * sn[y];
      }
    }
  }

  /**
   * Adds component c's Σ_n w_n r_nk H_nk to {@code h}, from R = Σ w r, a = Σ w r α and B = Σ w r
   * ααᵀ: the formulas of the class comment, term by term.
   */
  private void hessian(int c, double rr, double[] a, double[] bb, double[] p, double[][] h) {
    if (k > 1 && rr > 0) {
      // log φ_c's Hessian in the free φ_1 … φ_K−1.
      double f2 = rr / (phi[c] * phi[c]);
      for (int i = 0; i < k - 1; i++) {
        for (int j = 0; j < k - 1; j++) {
          h[weightsAt + i][weightsAt + j] -= c == k - 1 || i == c && j == c ? f2 : 0;
        }
      }
    }
    int m0 = meanAt + c * d;
    int s0 = sigmaAt(c);
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        h[m0 + i][m0 + j] -= rr * p[i * d + j];
      }
      for (int b = 0; b < t; b++) {
        int q1 = ei[b];
        int q2 = ej[b];
        double ms = -ec[b] * (p[i * d + q1] * a[q2] + p[i * d + q2] * a[q1]);
        h[m0 + i][s0 + b] += ms;
        h[s0 + b][m0 + i] += ms;
      }
    }
    for (int x = 0; x < t; x++) {
      int i = ei[x];
      int j = ej[x];
      for (int y = 0; y < t; y++) {
        int q1 = ei[y];
        int q2 = ej[y];
        double pjp = p[j * d + q1];
        double piq = p[i * d + q2];
        double pjq = p[j * d + q2];
        double pip = p[i * d + q1];
        h[s0 + x][s0 + y] += ec[x] * ec[y] * (rr * (pjp * piq + pjq * pip)
            - bb[i * d + q2] * pjp - bb[i * d + q1] * pjq - bb[j * d + q2] * pip - bb[j * d + q1] * piq);
      }
    }
  }
}
