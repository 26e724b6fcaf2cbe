package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.Linalg;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.Special;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Analytic standard errors of a plain mixture of multivariate normals with full covariances, one
 * per component or one shared ({@link EmModel.NormalMixture}), or of multivariate t distributions
 * with full scale matrices ({@link EmModel.TMixture}), from the closed form of its observed
 * information: the generated scores write the Hessian of a component's log-density entry by entry,
 * which past D = 6 (a t's past D = 4) is more than generated code holds; this takes the same I at
 * any D.
 *
 * <p>It is {@link FactorInformation}'s Louis identity with C_k = Σ_k and no factors. The free
 * coordinates are those of the generated path ({@link Information}): φ's first K − 1 entries, a t's
 * ν as stored (one per component or one shared; none when ν is a number), each μ_k as stored, and
 * Σ's distinct entries σ_ij, i ≤ j, each moving σ_ji with it. For σ_ij write C_a = c_a (E_ij +
 * E_ji), c_a = 1 off the diagonal and ½ on it (so C_a = E_ii there); C_ab = 0. With e = x − μ_k,
 * P = Σ_k⁻¹ and α = P e, the class comment of {@link FactorInformation} gives
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
 *
 * <p>A t component, w ~ Gamma(ν/2, ν/2) and x ~ N(μ_k, Σ_k / w) with w integrated out, has log
 * t = c(ν) − ½ log|Σ_k| − ((ν + D)/2) log(1 + δ/ν), δ = eᵀPe, c(ν) = log Γ((ν + D)/2) − log Γ(ν/2)
 * − (D/2) log(νπ): the normal's −½ δ becomes f(δ), f′ = −u/2 and f″ = u²/(2(ν + D)), with the
 * row's weight u = (ν + D)/(ν + δ). With ∂δ/∂μ_i = −2α_i and ∂δ/∂σ_ij = −2 c_a α_i α_j, that is
 * −2 v for v = (α; c_a α_i α_j) over (μ_k, Σ_k's entries), the normal's formulas above hold with
 * every term that comes from δ (all but ½ tr(P C_a P C_b) = c_a c_b [P_jp P_iq + P_jq P_ip])
 * scaled by u, and
 *
 * <pre>
 *   ∂ log t / ∂μ_i, ∂σ_ij  = u α_i,  c_a (u α_i α_j − P_ij)
 *   ∂ log t / ∂ν           = ½ [ψ((ν + D)/2) − ψ(ν/2) − log(1 + δ/ν) + (δ − D)/(ν + δ)]
 *   ∂² / over (μ, Σ)²      = the normal's at u  +  2u²/(ν + D) v vᵀ
 *   ∂² / ∂ν ∂(μ, Σ)        = (δ − D)/(ν + δ)² v
 *   ∂² / ∂ν²               = ¼ [ψ′((ν + D)/2) − ψ′(ν/2)] + ½ [δ/(ν(ν + δ)) − (δ − D)/(ν + δ)²]
 * </pre>
 *
 * So the normal's sums are taken at u (Σ w r u, Σ w r u α, Σ w r u ααᵀ, R_k unscaled in the trace
 * term and log φ_k's), and the rest, which u makes no function of those sums, row by row over
 * (ν, μ_k, Σ_k's entries): O(N K (D + D(D + 1)/2)²), no more than Louis' outer products.
 */
final class GaussianInformation {
  /** How the information is taken. */
  static final String METHOD = "observed information of the Gaussian mixture Σ_k φ_k N(μ_k, Σ_k), exact, by Louis'"
      + " identity over the components, in closed form";
  /** How a t mixture's information is taken. */
  static final String T_METHOD = "observed information of the t mixture Σ_k φ_k t_ν(μ_k, Σ_k), exact, by Louis'"
      + " identity over the components with w integrated out, in closed form";
  /**
   * The most free numbers taken: E × E doubles, several of them, at 4000 are 128 MB each. The
   * analysis refuses past the same bound before the fit ({@code analysis.GaussianMixture}).
   */
  static final int MAX_FREE = 4000;
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  static Information of(EmModel model, EmModel.NormalMixture g, Map<String, double[]> params, DataMatrix data)
      throws DataException {
    return take(METHOD, "a Gaussian mixture", model, g.weights(), g.mean(), g.covariance(), g.tied(), g.offset(),
        g.width(), null, false, Double.POSITIVE_INFINITY, params, data);
  }

  static Information of(EmModel model, EmModel.TMixture g, Map<String, double[]> params, DataMatrix data)
      throws DataException {
    return take(T_METHOD, "a t mixture", model, g.weights(), g.mean(), g.covariance(), g.tied(), g.offset(),
        g.width(), g.nu(), g.nuPerComponent(), g.fixedNu(), params, data);
  }

  /**
   * The information of a mixture of normals ({@code fixedNu} infinite, no {@code nu}) or of t
   * distributions, ν the parameter {@code nu} or the number {@code fixedNu}.
   */
  private static Information take(String method, String what, EmModel model, String weights, String mean,
      String covariance, boolean tied, int offset, int d, String nu, boolean nuPerComponent, double fixedNu,
      Map<String, double[]> params, DataMatrix data) throws DataException {
    List<ParamInfo> infos = model.params();
    FactorInformation.Layout layout = FactorInformation.Layout.of(infos, params);
    int k = model.components();
    int t = d * (d + 1) / 2;
    int copies = tied ? 1 : k;
    int nuCopies = nu == null ? 0 : nuPerComponent ? k : 1;
    long e = k - 1L + nuCopies + (long) k * d + (long) copies * t;
    if (e > MAX_FREE) {
      throw new IllegalArgumentException("standard errors are not available for " + what + " of K = " + k
          + " and D = " + d + ": its E = " + e + " free numbers are more than emc takes (" + MAX_FREE + "); --bootstrap B"
          + " gives standard errors without the information matrix");
    }
    long bytes = 8L * (4 * e * e + (long) layout.total() * (layout.total() + e));
    if (bytes > Runtime.getRuntime().maxMemory() * 0.8) {
      throw new IllegalArgumentException("standard errors for " + what + " of K = " + k + " and D = " + d
          + " (E = " + e + " free numbers) need about " + bytes / (1 << 20) + " MB for the information matrix, more"
          + " than this JVM may use (" + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB): --bootstrap B gives"
          + " standard errors without it");
    }
    int size = (int) e;
    double[] phi = k > 1 ? params.get(weights) : new double[] {1.0};
    double[] mu = params.get(mean);
    double[] sigma = params.get(covariance);
    double[] nus = new double[k];
    for (int c = 0; c < k; c++) {
      nus[c] = nu == null ? fixedNu : params.get(nu)[nuPerComponent ? c : 0];
    }

    // The free coordinates in the generated path's order: the parameters as stored, each number in
    // turn, passing over a simplex's last entry and a covariance's entries below the diagonal.
    List<FactorInformation.Free> free = new ArrayList<>();
    int weightsAt = -1;
    int nuAt = -1;
    int meanAt = -1;
    int covarianceAt = -1;
    for (int p = 0; p < infos.size(); p++) {
      ParamInfo pi = infos.get(p);
      int base = layout.base()[p];
      if (pi.name().equals(weights)) {
        weightsAt = free.size();
        for (int j = 0; j < k - 1; j++) {
          free.add(free(layout, free.size(), new int[] {base + j, base + k - 1}, new double[] {1, -1},
              phi[j] < Information.EDGE || phi[k - 1] < Information.EDGE));
        }
      } else if (pi.name().equals(nu)) {
        nuAt = free.size();
        for (int c = 0; c < nuCopies; c++) {
          free.add(free(layout, free.size(), new int[] {base + c}, new double[] {1}, false));
        }
      } else if (pi.name().equals(mean)) {
        meanAt = free.size();
        for (int i = 0; i < k * d; i++) {
          free.add(free(layout, free.size(), new int[] {base + i}, new double[] {1}, false));
        }
      } else if (pi.name().equals(covariance)) {
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
        throw new IllegalStateException(what + " with a parameter " + pi.name() + " of no component");
      }
    }
    if (free.size() != size || meanAt < 0 || covarianceAt < 0 || k > 1 && weightsAt < 0 || nuCopies > 0 && nuAt < 0) {
      throw new IllegalStateException(what + "'s parameters are not φ, μ and Σ" + (nu == null ? "" : " and ν"));
    }
    GaussianInformation gi = new GaussianInformation(k, d, copies, weightsAt, meanAt, covarianceAt, size, phi, mu,
        sigma, nuCopies, nuAt, nus);
    double[][] a = gi.pass(data, offset);

    List<String> warnings = new ArrayList<>();
    boolean[] kept = Information.pivots(a, i -> free.get(i).name(), i -> free.get(i).edge(), warnings);
    int[] keep = java.util.stream.IntStream.range(0, size).filter(i -> kept[i]).toArray();
    double[][] cov = FactorInformation.stored(free, Information.inverse(a, keep), layout.total());
    return FactorInformation.result(method, layout, params, cov, size, warnings, Information.Derived.NONE);
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
  /** ν's free values: K, 1 when shared, 0 for a number or a normal mixture. */
  private final int nuCopies;
  private final int weightsAt;
  private final int nuAt;
  private final int meanAt;
  private final int covarianceAt;
  private final int size;
  private final double[] phi;
  private final double[] mu;
  private final double[] sigma;
  /** Each component's ν; infinite for a normal mixture. */
  private final double[] nu;
  /** Whether the components are t distributions. */
  private final boolean student;
  /** Each distinct entry's row i, column j (i ≤ j) and c_a (1, or ½ on the diagonal). */
  private final int[] ei;
  private final int[] ej;
  private final double[] ec;

  private GaussianInformation(int k, int d, int copies, int weightsAt, int meanAt, int covarianceAt, int size,
      double[] phi, double[] mu, double[] sigma, int nuCopies, int nuAt, double[] nu) {
    this.k = k;
    this.d = d;
    this.t = d * (d + 1) / 2;
    this.copies = copies;
    this.nuCopies = nuCopies;
    this.weightsAt = weightsAt;
    this.nuAt = nuAt;
    this.meanAt = meanAt;
    this.covarianceAt = covarianceAt;
    this.size = size;
    this.phi = phi;
    this.mu = mu;
    this.sigma = sigma;
    this.nu = nu;
    this.student = !Double.isInfinite(nu[0]);
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

  /** Where component c's ν is among the free coordinates; −1 when ν is not free. */
  private int nuAt(int c) {
    return nuCopies == 0 ? -1 : nuAt + (nuCopies == 1 ? 0 : c);
  }

  /** Where component c's score has μ_k: after the weights' K − 1 and ν's one, if free. */
  private int meanIn() {
    return k - 1 + (nuCopies > 0 ? 1 : 0);
  }

  /**
   * Each component's coordinates among the free ones, in the order of its score: the weights' K − 1,
   * its ν if free, its μ_k, its Σ's distinct entries.
   */
  private int[] coordinates(int c) {
    int m0 = meanIn();
    int[] at = new int[m0 + d + t];
    for (int j = 0; j < k - 1; j++) {
      at[j] = weightsAt + j;
    }
    if (nuCopies > 0) {
      at[k - 1] = nuAt(c);
    }
    for (int i = 0; i < d; i++) {
      at[m0 + i] = meanAt + c * d + i;
    }
    for (int m = 0; m < t; m++) {
      at[m0 + d + m] = sigmaAt(c) + m;
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
    int local = meanIn() + d + t;
    int[][] at = new int[k][];
    for (int c = 0; c < k; c++) {
      at[c] = coordinates(c);
    }
    double[] logPhi = new double[k];
    // A t's terms in ν alone: its log-density's constant, ψ((ν + D)/2) − ψ(ν/2) and ¼[ψ′((ν + D)/2) − ψ′(ν/2)].
    double[] constant = new double[k];
    double[] psi = new double[k];
    double[] psi1 = new double[k];
    for (int c = 0; c < k; c++) {
      logPhi[c] = Math.log(phi[c]);
      if (student) {
        double v = nu[c];
        constant[c] = Special.logGamma((v + d) / 2) - Special.logGamma(v / 2) - d / 2.0 * Math.log(v * Math.PI);
        psi[c] = Special.digamma((v + d) / 2) - Special.digamma(v / 2);
        psi1[c] = 0.25 * (Special.trigamma((v + d) / 2) - Special.trigamma(v / 2));
      } else {
        constant[c] = -0.5 * d * LOG_2PI;
      }
    }
    double[] r = new double[k];
    double[] u = new double[k];
    double[] delta = new double[k];
    double[][] alpha = new double[k][d];
    double[][] e = new double[k][d];
    double[] total = new double[k];
    double[] totalU = new double[k];
    double[][] first = new double[k][d];
    double[][] second = new double[k][d * d];
    // A t's terms of H_nk that are not the normal's at u: over (ν, μ_k, Σ_k's entries), upper half.
    double[][][] extra = student ? new double[k][1 + d + t][1 + d + t] : null;
    double[] v = new double[1 + d + t];
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
          delta[c] = quad;
          double ld = logDet[copies == 1 ? 0 : c];
          if (student) {
            double nc = nu[c];
            u[c] = (nc + d) / (nc + quad);
            r[c] = logPhi[c] + constant[c] - 0.5 * ld - (nc + d) / 2 * Math.log1p(quad / nc);
          } else {
            u[c] = 1;
            r[c] = logPhi[c] + constant[c] - 0.5 * (ld + quad);
          }
          max = Math.max(max, r[c]);
        }
        Information.posterior(r, k, max, data.labels() == null ? -1 : data.labels()[from + n]);
        double wn = data.weight(from + n);
        for (int c = 0; c < k; c++) {
          total[c] += wn * r[c];
          totalU[c] += wn * r[c] * u[c];
          Information.addMoments(wn * r[c] * u[c], alpha[c], d, first[c], second[c]);
          if (student && r[c] > 0) {
            extra(wn * r[c], nu[c], delta[c], u[c], psi1[c], alpha[c], v, extra[c]);
          }
        }
        if (k > 1) {
          louis(wn, r, u, delta, psi, alpha, p, at, scores, sn, louis);
        }
      }
    });
    double[][] h = new double[size][size];
    for (int c = 0; c < k; c++) {
      hessian(c, total[c], totalU[c], first[c], second[c], p[copies == 1 ? 0 : c], h);
      if (student) {
        addExtra(c, extra[c], h);
      }
    }
    for (int x = 0; x < size; x++) {
      for (int y = 0; y < size; y++) {
        h[x][y] = -h[x][y] - (x <= y ? louis[x][y] : louis[y][x]);
      }
    }
    return h;
  }

  /**
   * Adds a t row's w r times its H_nk's terms past the normal's at u (the class comment): 2u²/(ν +
   * D) v vᵀ over (μ_k, Σ_k), (δ − D)/(ν + δ)² v between ν and them, and ∂²/∂ν², on and above the
   * diagonal of {@code x}, whose index 0 is ν, then μ_k, then Σ_k's distinct entries.
   */
  private void extra(double wr, double nc, double dl, double uc, double psi1, double[] al, double[] v, double[][] x) {
    for (int i = 0; i < d; i++) {
      v[1 + i] = al[i];
    }
    for (int m = 0; m < t; m++) {
      v[1 + d + m] = ec[m] * al[ei[m]] * al[ej[m]];
    }
    double both = nc + dl;
    double rank = wr * 2 * uc * uc / (nc + d);
    double cross = wr * (dl - d) / (both * both);
    x[0][0] += wr * (psi1 + 0.5 * (dl / (nc * both) - (dl - d) / (both * both)));
    for (int a = 1; a < v.length; a++) {
      double va = v[a];
      if (va == 0) {
        continue;
      }
      x[0][a] += cross * va;
      double ra = rank * va;
      double[] row = x[a];
      for (int b = a; b < v.length; b++) {
        row[b] += ra * v[b];
      }
    }
  }

  /** Adds component c's {@link #extra} sums to {@code h}, both halves, ν's row only where ν is free. */
  private void addExtra(int c, double[][] x, double[][] h) {
    int[] to = new int[1 + d + t];
    to[0] = nuAt(c);
    for (int i = 0; i < d; i++) {
      to[1 + i] = meanAt + c * d + i;
    }
    for (int m = 0; m < t; m++) {
      to[1 + d + m] = sigmaAt(c) + m;
    }
    for (int a = 0; a < to.length; a++) {
      if (to[a] < 0) {
        continue;
      }
      for (int b = a; b < to.length; b++) {
        if (to[b] < 0) {
          continue;
        }
        h[to[a]][to[b]] += x[a][b];
        if (b != a) {
          h[to[b]][to[a]] += x[a][b];
        }
      }
    }
  }

  /**
   * Adds a row's Σ_k r_nk s_nk s_nkᵀ − s_n s_nᵀ, weighted, to {@code louis} on and above its
   * diagonal. s_nk is nonzero on the weights and component k's own coordinates only.
   */
  private void louis(double wn, double[] r, double[] u, double[] delta, double[] psi, double[][] alpha, double[][] p,
      int[][] at, double[][] scores, double[] sn, double[][] louis) {
    Arrays.fill(sn, 0.0);
    int m0 = meanIn();
    for (int c = 0; c < k; c++) {
      if (r[c] == 0) {
        // Its score may be infinite (φ_c = 0), and it adds nothing.
        continue;
      }
      double[] s = scores[c];
      double[] pc = p[copies == 1 ? 0 : c];
      double[] al = alpha[c];
      double uc = u[c];
      for (int j = 0; j < k - 1; j++) {
        s[j] = c == k - 1 ? -1 / phi[k - 1] : j == c ? 1 / phi[c] : 0;
      }
      if (nuCopies > 0) {
        double nc = nu[c];
        s[k - 1] = 0.5 * (psi[c] - Math.log1p(delta[c] / nc) + (delta[c] - d) / (nc + delta[c]));
      }
      for (int i = 0; i < d; i++) {
        s[m0 + i] = uc * al[i];
      }
      for (int m = 0; m < t; m++) {
        s[m0 + d + m] = ec[m] * (uc * al[ei[m]] * al[ej[m]] - pc[ei[m] * d + ej[m]]);
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
          // Coordinates shared by the components (a tied Σ or ν) may come in any order: the upper half is y ≥ x.
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
   * Adds component c's Σ_n w_n r_nk H_nk, its terms that are the normal's at u, to {@code h}, from
   * R = Σ w r, R_u = Σ w r u, a = Σ w r u α and B = Σ w r u ααᵀ: the formulas of the class comment,
   * term by term (u = 1 for a normal).
   */
  private void hessian(int c, double rr, double ru, double[] a, double[] bb, double[] p, double[][] h) {
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
        h[m0 + i][m0 + j] -= ru * p[i * d + j];
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
