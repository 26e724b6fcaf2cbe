package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.Linalg;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * The E-step of rows with empty cells (NaN) in normally distributed data, which it integrates
 * out. Given component k, a row's empty cells m and its other cells o of x are jointly normal, so
 * (Bishop, Pattern Recognition and Machine Learning, §2.3.1–2):
 *
 * <ul>
 *   <li>the row's density is the marginal 𝒩(x_o | μ_o, Σ_oo);
 *   <li>the empty cells' posterior is 𝒩(x̂_m, C), with x̂_m = μ_m + Σ_mo Σ_oo⁻¹ (x_o − μ_o) and
 *       C = Σ_mm − Σ_mo Σ_oo⁻¹ Σ_om;
 *   <li>E[x] = x̂ (x_o, and x̂_m) and E[(x − μ)(x − μ)ᵀ] = (x̂ − μ)(x̂ − μ)ᵀ + C, C in the m block.
 * </ul>
 *
 * <p>The generated code does the rest, given the row filled with x̂: its log-density there is
 * log 𝒩(x̂ | μ, Σ) = log 𝒩(x_o | μ_o, Σ_oo) − ½ (|m| log 2π + log|C|), since the quadratic forms
 * agree and |Σ| = |Σ_oo| |C|; and its statistics are those of x̂ but for C, which this class adds
 * to the scatter. These rows are few and each costs a small factorization per component, so they
 * run one at a time, after the generated pass over the complete rows.
 */
public final class MissingCells {
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  private final DataMatrix complete;
  private final int[] completeRows;
  private final double[] rows;
  private final int[] incompleteRows;
  private final int columns;

  private MissingCells(DataMatrix complete, int[] completeRows, double[] rows, int[] incompleteRows, int columns) {
    this.complete = complete;
    this.completeRows = completeRows;
    this.rows = rows;
    this.incompleteRows = incompleteRows;
    this.columns = columns;
  }

  /**
   * The data's rows split into complete ones and ones with empty cells; null when every row is
   * complete. An empty cell outside the model's normal data is an error at its line.
   */
  public static MissingCells of(EmModel m, DataMatrix data) throws DataException {
    double[] v = data.values();
    if (v == null) {
      return null;
    }
    int width = data.columns();
    boolean[] allowed = new boolean[width];
    for (EmModel.Gaussian g : m.gaussians()) {
      for (int c = g.offset(); c < g.offset() + g.width(); c++) {
        allowed[c] = true;
      }
    }
    String refused = LatentPass.of(m).emptyCells();
    List<Integer> full = new ArrayList<>();
    List<Integer> partial = new ArrayList<>();
    for (int n = 0; n < data.rows(); n++) {
      boolean empty = false;
      for (int c = 0; c < width; c++) {
        if (Double.isNaN(v[n * width + c])) {
          if (!allowed[c] || refused != null) {
            int line = data.lines() == null ? 0 : data.lines()[n];
            throw new DataException(data.source(), line, 0, 0, null, "row " + (n + 1) + ": the cell in column "
                + data.names().get(c) + " is empty, and " + (refused != null
                    ? "empty cells are integrated out only in mixtures, not yet in a model whose latent is a "
                        + refused
                    : "only cells of data with a normal density (mean and covariance parameters, per component)"
                        + " can be integrated out"));
          }
          empty = true;
        }
      }
      (empty ? partial : full).add(n);
    }
    if (partial.isEmpty()) {
      return null;
    }
    int[] keep = full.stream().mapToInt(Integer::intValue).toArray();
    int[] gaps = partial.stream().mapToInt(Integer::intValue).toArray();
    return new MissingCells(pick(data, keep), keep, pick(data, gaps).values(), gaps, width);
  }

  private static DataMatrix pick(DataMatrix data, int[] which) {
    int width = data.columns();
    double[] values = new double[which.length * width];
    int[] lines = data.lines() == null ? null : new int[which.length];
    for (int i = 0; i < which.length; i++) {
      System.arraycopy(data.values(), which[i] * width, values, i * width, width);
      if (lines != null) {
        lines[i] = data.lines()[which[i]];
      }
    }
    return new DataMatrix(data.source(), data.names(), values, which.length, width, lines);
  }

  /** The rows without empty cells: what the generated pass, the start and the checks see. */
  public DataMatrix complete() {
    return complete;
  }

  /** The number of rows with empty cells. */
  public int incomplete() {
    return incompleteRows.length;
  }

  /**
   * The E-step of the rows with empty cells and their expected statistics, added into
   * {@code stats} (log-likelihood, rows, counts and all): what the generated pass does for the
   * complete rows. The model must be prepared.
   */
  public void accumulate(EmModel m, double[] stats) {
    int k = m.components();
    Row row = new Row(m);
    double[] resp = new double[k * k];
    for (int i = 0; i < incompleteRows.length; i++) {
      stats[EmModel.LOGLIK] += row.posterior(rows, i * columns);
      // Row j of the scratch is the row completed for component j; it carries only r_j.
      java.util.Arrays.fill(resp, 0.0);
      for (int j = 0; j < k; j++) {
        resp[j * k + j] = row.r[j];
      }
      m.accumulateGiven(row.filled, 0, k, resp, stats);
      row.addCovariances(stats);
    }
  }

  /**
   * r_nk of every row, complete or not, into {@code r[n * K + k]}, and log p(x_n) of its filled
   * cells into {@code logDensities[n]}, in the data's order.
   */
  public void predict(EmModel m, double[] r, double[] logDensities) {
    int k = m.components();
    double[] lp = new double[completeRows.length * k];
    m.logDensities(complete.values(), 0, completeRows.length, lp);
    for (int i = 0; i < completeRows.length; i++) {
      logDensities[completeRows[i]] = RowPass.bayes(lp, i * k, k);
      System.arraycopy(lp, i * k, r, completeRows[i] * k, k);
    }
    Row row = new Row(m);
    for (int i = 0; i < incompleteRows.length; i++) {
      logDensities[incompleteRows[i]] = row.posterior(rows, i * columns);
      System.arraycopy(row.r, 0, r, incompleteRows[i] * k, k);
    }
  }

  /** One row's work, with its scratch space. */
  private final class Row {
    final EmModel m;
    final int k;
    final List<EmModel.Gaussian> gaussians;
    /** K copies of the row, copy j with the empty cells at component j's x̂. */
    final double[] filled;
    final double[] densities;
    final double[] r;
    /** Per component: what turns log 𝒩(x̂ | μ, Σ) into the marginal of the observed cells. */
    final double[] correction;
    /** Per gaussian, per component: C in a width × width block (zero outside the empty cells). */
    final double[][] covariances;
    final boolean[] empty;

    Row(EmModel m) {
      this.m = m;
      this.k = m.components();
      this.gaussians = m.gaussians();
      this.filled = new double[k * columns];
      this.densities = new double[k * k];
      this.r = new double[k];
      this.correction = new double[k];
      this.covariances = new double[gaussians.size()][];
      for (int g = 0; g < gaussians.size(); g++) {
        covariances[g] = new double[k * gaussians.get(g).width() * gaussians.get(g).width()];
      }
      this.empty = new boolean[gaussians.size()];
    }

    /** Fills the K completed rows and r_k; returns log p(x_o) = log Σ_k p(x_o, z = k). */
    double posterior(double[] values, int at) {
      java.util.Arrays.fill(correction, 0.0);
      for (int j = 0; j < k; j++) {
        System.arraycopy(values, at, filled, j * columns, columns);
      }
      for (int g = 0; g < gaussians.size(); g++) {
        EmModel.Gaussian gauss = gaussians.get(g);
        empty[g] = false;
        for (int c = 0; c < gauss.width(); c++) {
          empty[g] |= Double.isNaN(values[at + gauss.offset() + c]);
        }
        if (empty[g]) {
          for (int j = 0; j < k; j++) {
            correction[j] += condition(gauss, j, j * columns, covariances[g]);
          }
        }
      }
      m.logDensities(filled, 0, k, densities);
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        r[j] = densities[j * k + j] + correction[j];
        max = Math.max(max, r[j]);
      }
      if (max == Double.NEGATIVE_INFINITY) {
        java.util.Arrays.fill(r, 0.0);
        return max;
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        r[j] = Math.exp(r[j] - max);
        sum += r[j];
      }
      for (int j = 0; j < k; j++) {
        r[j] /= sum;
      }
      return max + Math.log(sum);
    }

    /**
     * Component j's x̂ into the empty cells of the row at {@code at} of {@code filled}, and its C
     * into {@code cov}'s block j; returns ½ (|m| log 2π + log|C|), what turns log 𝒩(x̂ | μ, Σ) into
     * the marginal log 𝒩(x_o | μ_o, Σ_oo). NaN when C is not positive definite.
     */
    double condition(EmModel.Gaussian g, int j, int at, double[] cov) {
      int d = g.width();
      double[] mu = m.param(g.mean());
      int mo = g.meanPerComponent() ? j * d : 0;
      double[] sigma = m.param(g.covariance());
      int so = g.covariancePerComponent() ? j * g.size() : 0;
      int[] obs = new int[d];
      int[] mis = new int[d];
      int no = 0;
      int nm = 0;
      for (int c = 0; c < d; c++) {
        if (Double.isNaN(filled[at + g.offset() + c])) {
          mis[nm++] = c;
        } else {
          obs[no++] = c;
        }
      }
      double[] c = new double[nm * nm];
      int base = j * d * d;
      java.util.Arrays.fill(cov, base, base + d * d, 0.0);
      if (g.form() != EmModel.Gaussian.Form.FULL) {
        // A diagonal covariance: the empty cells are independent of the others.
        for (int a = 0; a < nm; a++) {
          double s = sigma[so + (g.form() == EmModel.Gaussian.Form.DIAGONAL ? mis[a] : 0)];
          filled[at + g.offset() + mis[a]] = mu[mo + mis[a]];
          c[a * nm + a] = s;
        }
      } else {
        // w = Σ_oo⁻¹ (x_o − μ_o), then x̂_m = μ_m + Σ_mo w; B = Σ_oo⁻¹ Σ_om, then C = Σ_mm − Σ_mo B:
        // one factorization of Σ_oo for all of them.
        double[] soo = new double[no * no];
        for (int a = 0; a < no; a++) {
          for (int b = 0; b < no; b++) {
            soo[a * no + b] = sigma[so + obs[a] * d + obs[b]];
          }
        }
        double[] lo = new double[no * no];
        if (no > 0 && !Linalg.cholesky(soo, 0, no, lo, 0)) {
          return Double.NaN;
        }
        double[] w = new double[no];
        for (int a = 0; a < no; a++) {
          w[a] = filled[at + g.offset() + obs[a]] - mu[mo + obs[a]];
        }
        Linalg.solveCholesky(lo, w, no);
        for (int a = 0; a < nm; a++) {
          double x = mu[mo + mis[a]];
          for (int b = 0; b < no; b++) {
            x += sigma[so + mis[a] * d + obs[b]] * w[b];
          }
          filled[at + g.offset() + mis[a]] = x;
        }
        for (int b = 0; b < nm; b++) {
          double[] col = new double[no];
          for (int a = 0; a < no; a++) {
            col[a] = sigma[so + obs[a] * d + mis[b]];
          }
          Linalg.solveCholesky(lo, col, no);
          for (int a = 0; a < nm; a++) {
            double v = sigma[so + mis[a] * d + mis[b]];
            for (int e = 0; e < no; e++) {
              v -= sigma[so + mis[a] * d + obs[e]] * col[e];
            }
            c[a * nm + b] = v;
          }
        }
      }
      for (int a = 0; a < nm; a++) {
        for (int b = 0; b < nm; b++) {
          cov[base + mis[a] * d + mis[b]] = c[a * nm + b];
        }
      }
      double[] l = new double[nm * nm];
      if (!Linalg.cholesky(c, 0, nm, l, 0)) {
        return Double.NaN;
      }
      return 0.5 * (nm * LOG_2PI + Linalg.logDetCholesky(l, 0, nm));
    }

    /** Σ_k r_k C_k into each scatter statistic, in its form: the E-step's E[(x − μ)(x − μ)ᵀ] − (x̂ − μ)(x̂ − μ)ᵀ. */
    void addCovariances(double[] stats) {
      for (int g = 0; g < gaussians.size(); g++) {
        EmModel.Gaussian gauss = gaussians.get(g);
        if (!empty[g] || gauss.scatter() < 0) {
          continue;
        }
        int d = gauss.width();
        for (int j = 0; j < k; j++) {
          int at = gauss.scatter() + j * gauss.size();
          double[] c = covariances[g];
          for (int a = 0; a < d; a++) {
            int row = j * d * d + a * d;
            switch (gauss.form()) {
              // The pass keeps a full scatter's lower triangle; the M-step mirrors it.
              case FULL -> {
                for (int b = 0; b <= a; b++) {
                  stats[at + a * d + b] += r[j] * c[row + b];
                }
              }
              case DIAGONAL -> stats[at + a] += r[j] * c[row + a];
              case SPHERICAL -> stats[at] += r[j] * c[row + a];
            }
          }
        }
      }
    }
  }
}
