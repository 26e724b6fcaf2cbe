package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.Latent;
import dev.emc.runtime.Linalg;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Analytic standard errors of factor analysis, probabilistic PCA and a mixture of factor
 * analysers, from the closed form of their observed information. With h integrated out, a row of
 * component k is Gaussian, x ~ N(μ_k, C_k) with C_k = W_k W_kᵀ + Ψ_k (Ψ = σ²I for PPCA), so
 * the observed log-likelihood is Σ_n w_n log Σ_k φ_k N(x_n; μ_k, C_k). Its Hessian is exact: with
 * the component's log-density ℓ_nk = log φ_k + log N(x_n; μ_k, C_k), its score s_nk and Hessian
 * H_nk, and the responsibilities r_nk,
 *
 * <pre>
 *   −∂²ℓ = −Σ_n [ Σ_k r_nk (H_nk + s_nk s_nkᵀ) − s_n s_nᵀ ],   s_n = Σ_k r_nk s_nk,
 * </pre>
 *
 * which is Louis' identity with (x, z) as the complete data and h integrated out in closed form.
 * With one component the outer products cancel. For a θ_a that moves μ by m_a and C by C_a (C_ab
 * its second derivative, nonzero only between two entries of one column of W), with e = x − μ,
 * P = C⁻¹ and α = P e:
 *
 * <pre>
 *   ∂_a ℓ  = m_aᵀα − ½ tr(P C_a) + ½ αᵀC_aα
 *   ∂_ab ℓ = ½ tr(P C_a P C_b) − ½ tr(P C_ab) − m_aᵀP m_b − m_aᵀP C_b α − m_bᵀP C_a α − αᵀC_a P C_b α + ½ αᵀC_ab α
 * </pre>
 *
 * Σ_n w_n r_nk H_nk reads the rows only through R_k = Σ w r, a_k = Σ w r α and B_k = Σ w r ααᵀ,
 * so the Hessians take one pass; a mixture's outer products are added row by row.
 *
 * <p>The coordinates: the weights' first K − 1 entries (the last is 1 minus their sum), μ, the
 * entries of W, and log Ψ (log σ²), whose covariance the delta method maps back to Ψ. The
 * likelihood is unchanged by W → W R for R orthogonal: along the Q(Q − 1)/2 directions W A, A
 * skew-symmetric, of each component's W the information is singular. It is taken on the
 * orthonormal complement of those directions within W's entries and inverted there. μ, Ψ and φ
 * are identified and get standard errors; W's entries do not (unless Q = 1, where the only
 * ambiguity is a sign), but W Wᵀ, which the rotations leave as it is, gets them by the delta
 * method as {@link Information.Derived} quantities. A noise variance below {@link #HEYWOOD} of its
 * column's variance (a Heywood case) is on the boundary of its range and gets none; the others are
 * taken with it fixed.
 */
final class FactorInformation {
  /** How one factor analyser's information is taken. */
  static final String ONE = "observed information of the marginal Gaussian likelihood x ~ N(μ, WWᵀ + Ψ), exact, in"
      + " closed form, on the directions of W other than its rotations";
  /** How a mixture's is. */
  static final String MIXTURE = "observed information of the mixture of marginal Gaussians Σ_k φ_k N(μ_k, W_kW_kᵀ + Ψ_k),"
      + " exact, by Louis' identity over the components, on the directions of W other than its rotations";
  /** A noise variance below this fraction of its column's variance is a Heywood case. */
  static final double HEYWOOD = 1e-4;
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  private final int k;
  private final int d;
  private final int q;
  /** The expanded coordinates of one component: μ (D), W (D×Q, row-major), ψ (D, one per column). */
  private final int per;
  /** All expanded coordinates: the first K − 1 weights, then each component's. */
  private final int size;
  private final double[] phi;
  private final double[] w;
  private final double[] mu;
  /** Each component's Ψ as D variances, whatever the model stores. */
  private final double[][] psi;

  private FactorInformation(int k, int d, int q, double[] phi, double[] w, double[] mu, double[][] psi) {
    this.k = k;
    this.d = d;
    this.q = q;
    this.per = 2 * d + d * q;
    this.size = k - 1 + k * per;
    this.phi = phi;
    this.w = w;
    this.mu = mu;
    this.psi = psi;
  }

  private int block(int c) {
    return k - 1 + c * per;
  }

  /** The first stored number of each parameter, and their count, in {@link EmModel#params}' order. */
  record Layout(List<ParamInfo> infos, int[] base, int total, double[] value, List<String> names) {
    static Layout of(List<ParamInfo> infos, Map<String, double[]> params) {
      int[] base = new int[infos.size()];
      List<String> names = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      int total = 0;
      for (int p = 0; p < infos.size(); p++) {
        base[p] = total;
        double[] v = params.get(infos.get(p).name());
        for (int i = 0; i < v.length; i++) {
          names.add(Information.label(infos.get(p), i));
          values.add(v[i]);
        }
        total += v.length;
      }
      return new Layout(infos, base, total, values.stream().mapToDouble(Double::doubleValue).toArray(), names);
    }

    int index(String name) {
      for (int p = 0; p < infos.size(); p++) {
        if (infos.get(p).name().equals(name)) {
          return p;
        }
      }
      throw new IllegalStateException("no parameter " + name);
    }
  }

  /**
   * A free coordinate η: its name, how a step in it moves the stored numbers (for log Ψ, the delta
   * method's Jacobian ψ) and the expanded coordinates; whether it is on its range's edge (a weight
   * of 0 or 1), and the warning of a Heywood case, null for none.
   */
  record Free(String name, int[] stored, double[] storedBy, int[] expanded, double[] expandedBy, boolean log,
      boolean edge, String heywood) {}

  static Information of(EmModel model, Latent.Factors f, Map<String, double[]> params, DataMatrix data)
      throws DataException {
    List<ParamInfo> infos = model.params();
    Layout layout = Layout.of(infos, params);
    int k = model.components();
    ParamInfo noise = infos.get(layout.index(f.noise()));
    ParamInfo weights = infos.stream().filter(p -> p.constraint() == ParamInfo.Constraint.SIMPLEX).findFirst()
        .orElse(null);
    for (ParamInfo p : infos) {
      if (!p.name().equals(f.loadings()) && !p.name().equals(f.mean()) && p != noise && p != weights) {
        throw new IllegalStateException("a factor model with a parameter " + p.name() + " of no factor analyser");
      }
    }
    if (k > 1 && weights == null) {
      throw new IllegalStateException("a mixture of factor analysers without weights");
    }
    int d = f.width();
    boolean spherical = noise.shape().length == 0;
    boolean noisePerComponent = noise.copies() == k && k > 1;
    int width = spherical ? 1 : d;
    double[] storedPsi = params.get(noise.name());
    double[][] psi = new double[k][d];
    for (int c = 0; c < k; c++) {
      for (int i = 0; i < d; i++) {
        psi[c][i] = storedPsi[(noisePerComponent ? c : 0) * width + (spherical ? 0 : i)];
      }
    }
    double[] phi = k > 1 ? params.get(weights.name()) : new double[] {1.0};
    FactorInformation fi = new FactorInformation(k, d, f.factors(), phi, params.get(f.loadings()), params.get(f.mean()),
        psi);
    Pass pass = fi.pass(data, f.offset());

    // The free coordinates, the loadings last: what the pivots cannot tell apart is then put on W.
    List<Free> free = new ArrayList<>();
    if (weights != null) {
      int base = layout.base[layout.index(weights.name())];
      for (int j = 0; j < k - 1; j++) {
        free.add(new Free(layout.names.get(base + j), new int[] {base + j, base + k - 1}, new double[] {1, -1},
            new int[] {j}, new double[] {1}, false, phi[j] < Information.EDGE || phi[k - 1] < Information.EDGE, null));
      }
    }
    int muBase = layout.base[layout.index(f.mean())];
    for (int c = 0; c < k; c++) {
      for (int i = 0; i < d; i++) {
        free.add(new Free(layout.names.get(muBase + c * d + i), new int[] {muBase + c * d + i}, new double[] {1},
            new int[] {fi.block(c) + i}, new double[] {1}, false, false, null));
      }
    }
    double[] variance = columnVariances(data, f.offset(), d);
    int psiBase = layout.base[layout.index(noise.name())];
    for (int t = 0; t < storedPsi.length; t++) {
      // Each stored ψ moves the expanded ψ_kd of its components and columns: one column, or all (σ²).
      List<Integer> at = new ArrayList<>();
      for (int c = 0; c < k; c++) {
        for (int i = 0; i < d; i++) {
          if ((!noisePerComponent || c == t / width) && (spherical || i == t % width)) {
            at.add(fi.block(c) + d + d * fi.q + i);
          }
        }
      }
      double v = storedPsi[t];
      double[] by = new double[at.size()];
      Arrays.fill(by, v);
      String name = layout.names.get(psiBase + t);
      double scale = spherical ? Arrays.stream(variance).average().orElse(0) : variance[t % width];
      String heywood = !(v < HEYWOOD * scale) ? null : name + " = " + number(v) + " is a Heywood case, below " + HEYWOOD
          + " of " + (spherical ? "the columns' mean variance" : "the variance of column "
              + data.names().get(f.offset() + t % width)) + " (" + number(scale) + "): a noise variance on the boundary"
          + " of its range, where the information gives no standard error, so it gets none; the others are taken with"
          + " it fixed (the factors explain the column entirely: fewer factors, or --reg, keep it inside)";
      free.add(new Free(name, new int[] {psiBase + t}, new double[] {v}, at.stream().mapToInt(Integer::intValue)
          .toArray(), by, true, false, heywood));
    }
    int wBase = layout.base[layout.index(f.loadings())];
    int dq = d * fi.q;
    for (int c = 0; c < k; c++) {
      List<double[]> directions = fi.complement(c);
      for (int m = 0; m < directions.size(); m++) {
        double[] v = directions.get(m);
        int[] stored = new int[dq];
        int[] expanded = new int[dq];
        int nonzero = -1;
        int count = 0;
        for (int j = 0; j < dq; j++) {
          stored[j] = wBase + c * dq + j;
          expanded[j] = fi.block(c) + d + j;
          if (v[j] != 0) {
            nonzero = j;
            count++;
          }
        }
        // With no rotations (Q = 1) each direction is one of W's entries, named as such.
        String name = count == 1 ? layout.names.get(wBase + c * dq + nonzero)
            : f.loadings() + (k > 1 ? "[" + (c + 1) + "]" : "") + " along direction " + (m + 1) + " of the "
                + directions.size() + " that are not its rotations";
        free.add(new Free(name, stored, v, expanded, v, false, false, null));
      }
    }

    double[][] a = pass.on(free);
    List<String> warnings = new ArrayList<>();
    free.stream().filter(c -> c.heywood() != null).forEach(c -> warnings.add(c.heywood()));
    int[] open = java.util.stream.IntStream.range(0, free.size()).filter(i -> free.get(i).heywood() == null).toArray();
    double[][] sub = new double[open.length][open.length];
    for (int i = 0; i < open.length; i++) {
      for (int j = 0; j < open.length; j++) {
        sub[i][j] = a[open[i]][open[j]];
      }
    }
    boolean[] pivoted = Information.pivots(sub, i -> free.get(open[i]).name(), i -> free.get(open[i]).edge(), warnings);
    int[] keep = java.util.stream.IntStream.range(0, open.length).filter(i -> pivoted[i]).map(i -> open[i]).toArray();
    double[][] cov = stored(free, Information.inverse(a, keep), layout.total);
    Information.Derived derived = fi.derived(f.loadings(), f.noise(), wBase, cov);
    if (fi.q > 1) {
      // W's entries are identified only up to the rotation: their covariance depends on how the
      // rotations were taken out, so it is no one's.
      for (int g = wBase; g < wBase + k * dq; g++) {
        for (int h = 0; h < layout.total; h++) {
          cov[g][h] = cov[h][g] = Double.NaN;
        }
      }
    }
    return result(k > 1 ? MIXTURE : ONE, layout, params, cov, free.size(), warnings, derived);
  }

  /**
   * The stored numbers' covariance A C Aᵀ, with A the Jacobian of the stored numbers in η and C
   * the covariance over η (NaN where not identified); a number no coordinate moves has none.
   */
  static double[][] stored(List<Free> free, double[][] c, int total) {
    int nf = free.size();
    // A row by row: the coordinates that move stored number g, and by how much.
    List<List<double[]>> rows = new ArrayList<>();
    for (int g = 0; g < total; g++) {
      rows.add(new ArrayList<>());
    }
    for (int i = 0; i < nf; i++) {
      Free f = free.get(i);
      for (int m = 0; m < f.stored().length; m++) {
        if (f.storedBy()[m] != 0) {
          rows.get(f.stored()[m]).add(new double[] {i, f.storedBy()[m]});
        }
      }
    }
    double[][] ac = new double[total][nf];
    for (int g = 0; g < total; g++) {
      for (double[] e : rows.get(g)) {
        double[] ci = c[(int) e[0]];
        for (int j = 0; j < nf; j++) {
          ac[g][j] += e[1] * ci[j];
        }
      }
    }
    double[][] cov = new double[total][total];
    for (int g = 0; g < total; g++) {
      for (int h = 0; h < total; h++) {
        double s = 0;
        for (double[] e : rows.get(h)) {
          s += ac[g][(int) e[0]] * e[1];
        }
        cov[g][h] = rows.get(g).isEmpty() || rows.get(h).isEmpty() ? Double.NaN : s;
      }
    }
    return cov;
  }

  /**
   * W Wᵀ's distinct entries, each component's, with standard errors by the delta method:
   * ∂(WWᵀ)_ij/∂W_ia = W_ja and ∂/∂W_ja = W_ia, so its variance is ∇ᵀ Cov_W ∇.
   */
  private Information.Derived derived(String loadings, String noise, int wBase, double[][] cov) {
    int dq = d * q;
    List<String> names = new ArrayList<>();
    List<double[]> rows = new ArrayList<>();
    String wwt = loadings + loadings + "ᵀ";
    double[] grad = new double[dq];
    for (int c = 0; c < k; c++) {
      int at = wBase + c * dq;
      for (int i = 0; i < d; i++) {
        for (int j = i; j < d; j++) {
          Arrays.fill(grad, 0.0);
          double value = 0;
          for (int x = 0; x < q; x++) {
            value += w(c, i, x) * w(c, j, x);
            grad[i * q + x] += w(c, j, x);
            grad[j * q + x] += w(c, i, x);
          }
          double var = 0;
          for (int g = 0; g < dq; g++) {
            for (int h = 0; h < dq; h++) {
              if (grad[g] != 0 && grad[h] != 0) {
                var += grad[g] * cov[at + g][at + h] * grad[h];
              }
            }
          }
          double se = var >= 0 ? Math.sqrt(var) : Double.NaN;
          // A diagonal entry is a variance: its interval on the log scale, unless it is 0 (a row of W of zeros).
          double[] ci = Information.interval(i == j && value > 0 ? ParamInfo.Constraint.POSITIVE
              : ParamInfo.Constraint.REAL, value, se);
          names.add(wwt + (k > 1 ? "[" + (c + 1) + "]" : "") + "[" + (i + 1) + "][" + (j + 1) + "]");
          rows.add(new double[] {value, se, ci[0], ci[1]});
        }
      }
    }
    String note = wwt + (k > 1 ? " (each component's)" : "") + ", the loadings' part of the covariance " + wwt + " + "
        + noise + ": identified, its standard errors by the delta method"
        + (q > 1 ? "; " + loadings + " itself is identified only up to a rotation " + loadings + " → " + loadings
            + "R (R orthogonal), so its entries get none" : "; with one factor " + loadings
            + " is identified up to its sign");
    return new Information.Derived(note, names, column(rows, 0), column(rows, 1), column(rows, 2), column(rows, 3));
  }

  /** Each stored number's standard error and 95% interval, from the diagonal of their covariance. */
  static Information result(String method, Layout layout, Map<String, double[]> params, double[][] cov,
      int free, List<String> warnings, Information.Derived derived) {
    Map<String, double[]> se = new LinkedHashMap<>();
    Map<String, double[]> lower = new LinkedHashMap<>();
    Map<String, double[]> upper = new LinkedHashMap<>();
    for (int p = 0; p < layout.infos().size(); p++) {
      ParamInfo pi = layout.infos().get(p);
      int n = params.get(pi.name()).length;
      double[] s = new double[n];
      double[] lo = new double[n];
      double[] hi = new double[n];
      for (int i = 0; i < n; i++) {
        int g = layout.base()[p] + i;
        double v = cov[g][g];
        s[i] = v >= 0 ? Math.sqrt(v) : Double.NaN;
        double[] ci = Information.interval(pi.constraint(), layout.value()[g], s[i]);
        lo[i] = ci[0];
        hi[i] = ci[1];
      }
      se.put(pi.name(), s);
      lower.put(pi.name(), lo);
      upper.put(pi.name(), hi);
    }
    return new Information(method, List.copyOf(layout.names()), cov, se, lower, upper, free, List.copyOf(warnings),
        derived);
  }

  private static String number(double v) {
    return String.format(java.util.Locale.ROOT, "%.6g", v);
  }

  private static double[] column(List<double[]> rows, int c) {
    return rows.stream().mapToDouble(r -> r[c]).toArray();
  }

  /** Each column's variance over the rows, weighted as the fit weighs them. */
  private static double[] columnVariances(DataMatrix data, int offset, int d) {
    double[] sum = new double[d];
    double[] squares = new double[d];
    double[] weight = new double[1];
    // Shifted by the first row, so that a column far from 0 keeps its digits.
    double[] shift = new double[d];
    boolean[] first = {true};
    data.slabs((values, from, rows) -> {
      for (int n = 0; n < rows; n++) {
        if (first[0]) {
          System.arraycopy(values, n * data.columns() + offset, shift, 0, d);
          first[0] = false;
        }
        double wn = data.weight(from + n);
        weight[0] += wn;
        for (int i = 0; i < d; i++) {
          double x = values[n * data.columns() + offset + i] - shift[i];
          sum[i] += wn * x;
          squares[i] += wn * x * x;
        }
      }
    });
    double[] variance = new double[d];
    for (int i = 0; i < d; i++) {
      double m = sum[i] / weight[0];
      variance[i] = squares[i] / weight[0] - m * m;
    }
    return variance;
  }

  /**
   * An orthonormal basis, within component c's entries of W, of the complement of its rotations'
   * directions W A, A = E_ab − E_ba (a &lt; b): Gram–Schmidt over those directions, then over the
   * unit vectors, keeping what is left of each. Directions that vanish (a column of W that is 0)
   * are passed over; with Q = 1 there are none and the basis is W's own entries.
   */
  private List<double[]> complement(int c) {
    int n = d * q;
    List<double[]> basis = new ArrayList<>();
    int rotations = 0;
    for (int x = 0; x < q; x++) {
      for (int y = x + 1; y < q; y++) {
        double[] t = new double[n];
        for (int i = 0; i < d; i++) {
          // (W A)_iy = W_ix, (W A)_ix = −W_iy.
          t[i * q + y] = w[c * n + i * q + x];
          t[i * q + x] = -w[c * n + i * q + y];
        }
        if (orthonormalize(t, basis, 1e-10)) {
          basis.add(t);
          rotations++;
        }
      }
    }
    List<double[]> out = new ArrayList<>();
    for (int j = 0; j < n && basis.size() < n; j++) {
      double[] e = new double[n];
      e[j] = 1;
      if (orthonormalize(e, basis, 1e-6)) {
        // Exact zeros stay zeros: with no rotations, e_j is W's own entry, named as such.
        for (int i = 0; i < n; i++) {
          if (Math.abs(e[i]) < 1e-15) {
            e[i] = 0;
          }
        }
        basis.add(e);
        out.add(e);
      }
    }
    if (out.size() + rotations != n) {
      throw new IllegalStateException("the complement of the rotations has " + out.size() + " directions, not "
          + (n - rotations));
    }
    return out;
  }

  /** v minus its projections on the basis (twice, for rounding), normalized; false when less than {@code tol} of it is left. */
  private static boolean orthonormalize(double[] v, List<double[]> basis, double tol) {
    double before = Math.sqrt(dot(v, v));
    if (before == 0) {
      return false;
    }
    for (int pass = 0; pass < 2; pass++) {
      for (double[] b : basis) {
        double s = dot(v, b);
        for (int i = 0; i < v.length; i++) {
          v[i] -= s * b[i];
        }
      }
    }
    double after = Math.sqrt(dot(v, v));
    if (!(after > tol * before)) {
      return false;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= after;
    }
    return true;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** −∂²ℓ and ∂ℓ over the expanded coordinates. */
  private record Pass(double[][] info, double[] gradient) {
    /**
     * −∂²ℓ/∂η∂η over the free coordinates: Bᵀ I B, B the expanded coordinates' Jacobian in η,
     * and for log ψ minus the gradient times ∂²ψ/∂(log ψ)² = ψ (0 at the maximum).
     */
    double[][] on(List<Free> free) {
      int nf = free.size();
      int size = gradient.length;
      double[][] a = new double[nf][nf];
      double[] column = new double[size];
      for (int i = 0; i < nf; i++) {
        Free fi = free.get(i);
        for (int x = 0; x < size; x++) {
          double s = 0;
          for (int m = 0; m < fi.expanded().length; m++) {
            s += info[x][fi.expanded()[m]] * fi.expandedBy()[m];
          }
          column[x] = s;
        }
        for (int j = 0; j < nf; j++) {
          Free fj = free.get(j);
          double s = 0;
          for (int m = 0; m < fj.expanded().length; m++) {
            s += fj.expandedBy()[m] * column[fj.expanded()[m]];
          }
          a[j][i] = s;
        }
        if (fi.log()) {
          double g = 0;
          for (int m = 0; m < fi.expanded().length; m++) {
            g += gradient[fi.expanded()[m]] * fi.expandedBy()[m];
          }
          a[i][i] -= g;
        }
      }
      return a;
    }
  }

  private Pass pass(DataMatrix data, int offset) throws DataException {
    // Each component's P = C⁻¹, log|C|, V = P W and Z = Wᵀ P W.
    double[][] p = new double[k][];
    double[] logDet = new double[k];
    double[][] v = new double[k][d * q];
    double[][] z = new double[k][q * q];
    for (int c = 0; c < k; c++) {
      double[] cov = new double[d * d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          double s = i == j ? psi[c][i] : 0;
          for (int x = 0; x < q; x++) {
            s += w(c, i, x) * w(c, j, x);
          }
          cov[i * d + j] = s;
        }
      }
      double[] l = new double[d * d];
      if (!Linalg.cholesky(cov, 0, d, l, 0)) {
        throw new IllegalArgumentException("the fitted parameters cannot be prepared: component " + (c + 1)
            + "'s covariance WWᵀ + Ψ is not positive definite");
      }
      logDet[c] = Linalg.logDetCholesky(l, 0, d);
      p[c] = Linalg.inverse(cov, 0, d);
      for (int i = 0; i < d; i++) {
        for (int x = 0; x < q; x++) {
          double s = 0;
          for (int j = 0; j < d; j++) {
            s += p[c][i * d + j] * w(c, j, x);
          }
          v[c][i * q + x] = s;
        }
      }
      for (int x = 0; x < q; x++) {
        for (int y = 0; y < q; y++) {
          double s = 0;
          for (int i = 0; i < d; i++) {
            s += w(c, i, x) * v[c][i * q + y];
          }
          z[c][x * q + y] = s;
        }
      }
    }
    double[] r = new double[k];
    double[][] alpha = new double[k][d];
    double[] total = new double[k];
    double[][] first = new double[k][d];
    double[][] second = new double[k][d * d];
    double[][] louis = new double[size][size];
    double[][] scores = new double[k][size];
    double[] sn = new double[size];
    double[] logPhi = new double[k];
    for (int c = 0; c < k; c++) {
      logPhi[c] = Math.log(phi[c]);
    }
    int cols = data.columns();
    data.<DataException>slabs((values, from, rows) -> {
      for (int n = 0; n < rows; n++) {
        Information.checkCells(data, values, from, n);
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          double quad = 0;
          for (int i = 0; i < d; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
              s += p[c][i * d + j] * (values[n * cols + offset + j] - mu[c * d + j]);
            }
            alpha[c][i] = s;
            quad += s * (values[n * cols + offset + i] - mu[c * d + i]);
          }
          r[c] = logPhi[c] - 0.5 * (d * LOG_2PI + logDet[c] + quad);
          max = Math.max(max, r[c]);
        }
        Information.posterior(r, k, max, data.labels() == null ? -1 : data.labels()[from + n]);
        double wn = data.weight(from + n);
        for (int c = 0; c < k; c++) {
          total[c] += wn * r[c];
          Information.addMoments(wn * r[c], alpha[c], d, first[c], second[c]);
        }
        if (k > 1) {
          louis(wn, r, alpha, v, p, scores, sn, louis);
        }
      }
    });
    double[][] info = new double[size][size];
    double[] gradient = new double[size];
    for (int c = 0; c < k; c++) {
      hessian(c, total[c], first[c], second[c], p[c], v[c], z[c], info, gradient);
    }
    for (int x = 0; x < size; x++) {
      for (int y = 0; y < size; y++) {
        info[x][y] = -info[x][y] - louis[x][y];
      }
    }
    return new Pass(info, gradient);
  }

  private double w(int c, int i, int x) {
    return w[c * d * q + i * q + x];
  }

  /**
   * Adds a row's Σ_k r_nk s_nk s_nkᵀ − s_n s_nᵀ, weighted, to {@code louis}: the part of a
   * mixture's Hessian that the moments do not carry. s_nk is nonzero on the weights and component
   * k's own coordinates only.
   */
  private void louis(double wn, double[] r, double[][] alpha, double[][] v, double[][] p, double[][] scores,
      double[] sn, double[][] louis) {
    Arrays.fill(sn, 0.0);
    for (int c = 0; c < k; c++) {
      double[] s = scores[c];
      for (int j = 0; j < k - 1; j++) {
        s[j] = c == k - 1 ? -1 / phi[k - 1] : j == c ? 1 / phi[c] : 0;
      }
      int b = block(c);
      double[] al = alpha[c];
      for (int i = 0; i < d; i++) {
        s[b + i] = al[i];
        s[b + d + d * q + i] = 0.5 * (al[i] * al[i] - p[c][i * d + i]);
      }
      for (int x = 0; x < q; x++) {
        double beta = 0;
        for (int i = 0; i < d; i++) {
          beta += w(c, i, x) * al[i];
        }
        for (int i = 0; i < d; i++) {
          s[b + d + i * q + x] = al[i] * beta - v[c][i * q + x];
        }
      }
      double rc = wn * r[c];
      for (int j = 0; j < k - 1; j++) {
        sn[j] += r[c] * s[j];
      }
      for (int i = b; i < b + per; i++) {
        sn[i] += r[c] * s[i];
      }
      if (rc == 0) {
        continue;
      }
      // Over the weights and the component's own block.
      for (int x = 0; x < k - 1 + per; x++) {
        int gx = x < k - 1 ? x : b + x - (k - 1);
        for (int y = 0; y < k - 1 + per; y++) {
          int gy = y < k - 1 ? y : b + y - (k - 1);
          louis[gx][gy] += rc * s[gx] * s[gy];
        }
      }
    }
    for (int x = 0; x < size; x++) {
      double sx = wn * sn[x];
      if (sx == 0) {
        continue;
      }
      for (int y = 0; y < size; y++) {
        louis[x][y] -= sx * sn[y];
      }
    }
  }

  /**
   * Adds component c's Σ_n w_n r_nk H_nk to {@code h} and Σ_n w_n r_nk s_nk to {@code g}, from
   * R = Σ w r, a = Σ w r α and B = Σ w r ααᵀ: the formulas of the class comment, term by term.
   */
  private void hessian(int c, double rr, double[] a, double[] bb, double[] p, double[] v, double[] z, double[][] h,
      double[] g) {
    int b = block(c);
    int wAt = b + d;
    int psiAt = b + d + d * q;
    // X = B W, Y = Wᵀ B W, Wᵀ a.
    double[] x = new double[d * q];
    for (int i = 0; i < d; i++) {
      for (int s = 0; s < q; s++) {
        double t = 0;
        for (int j = 0; j < d; j++) {
          t += bb[i * d + j] * w(c, j, s);
        }
        x[i * q + s] = t;
      }
    }
    double[] y = new double[q * q];
    double[] wa = new double[q];
    for (int s = 0; s < q; s++) {
      for (int t = 0; t < q; t++) {
        double sum = 0;
        for (int i = 0; i < d; i++) {
          sum += w(c, i, s) * x[i * q + t];
        }
        y[s * q + t] = sum;
      }
      for (int i = 0; i < d; i++) {
        wa[s] += w(c, i, s) * a[i];
      }
    }
    // The weights: log φ_c's Hessian in the free φ_1 … φ_K−1, and its score.
    if (k > 1) {
      double f2 = rr / (phi[c] * phi[c]);
      for (int i = 0; i < k - 1; i++) {
        g[i] += c == k - 1 ? -rr / phi[c] : i == c ? rr / phi[c] : 0;
        for (int j = 0; j < k - 1; j++) {
          h[i][j] -= c == k - 1 || i == c && j == c ? f2 : 0;
        }
      }
    }
    for (int i = 0; i < d; i++) {
      g[b + i] += a[i];
      g[psiAt + i] += 0.5 * (bb[i * d + i] - rr * p[i * d + i]);
      for (int s = 0; s < q; s++) {
        g[wAt + i * q + s] += x[i * q + s] - rr * v[i * q + s];
      }
      for (int j = 0; j < d; j++) {
        double pij = p[i * d + j];
        // μ_i μ_j, μ_i ψ_j, ψ_i ψ_j.
        h[b + i][b + j] -= rr * pij;
        h[b + i][psiAt + j] -= pij * a[j];
        h[psiAt + j][b + i] -= pij * a[j];
        h[psiAt + i][psiAt + j] += 0.5 * rr * pij * pij - pij * bb[i * d + j];
        for (int t = 0; t < q; t++) {
          // μ_i W_jt.
          double mw = -pij * wa[t] - v[i * q + t] * a[j];
          h[b + i][wAt + j * q + t] += mw;
          h[wAt + j * q + t][b + i] += mw;
          // ψ_i W_jt.
          double pw = rr * pij * v[i * q + t] - pij * x[i * q + t] - v[i * q + t] * bb[i * d + j];
          h[psiAt + i][wAt + j * q + t] += pw;
          h[wAt + j * q + t][psiAt + i] += pw;
          // W_is W_jt.
          for (int s = 0; s < q; s++) {
            double ww = rr * (v[j * q + s] * v[i * q + t] + pij * z[s * q + t]) - y[s * q + t] * pij
                - x[j * q + s] * v[i * q + t] - x[i * q + t] * v[j * q + s] - bb[i * d + j] * z[s * q + t];
            if (s == t) {
              ww += bb[i * d + j] - rr * pij;
            }
            h[wAt + i * q + s][wAt + j * q + t] += ww;
          }
        }
      }
    }
  }
}
