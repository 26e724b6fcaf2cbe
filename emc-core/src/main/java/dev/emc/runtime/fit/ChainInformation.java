package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.Latent;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The observed information of a hidden Markov model, exactly: minus the Hessian of each sequence's
 * log-likelihood log p(x_1..T) = log Σ_k α_T(k), by the forward recursion carried to first and
 * second derivatives (Lystig and Hughes 2002). The rows of a sequence are not independent, so
 * Louis' identity row by row does not apply; the derivatives of the forward variables do:
 *
 * <pre>
 *   u_1(k) = π_k,   u_t(k) = Σ_j α_{t−1}(j) A_jk,   α_t(k) = u_t(k) b_t(k),
 *   ∂α_t(k)    = ∂u b + u b s_t(k),
 *   ∂²α_t(k)   = ∂²u b + ∂u b s_t(k)ᵀ + b s_t(k) ∂uᵀ + u b (H_t(k) + s_t(k) s_t(k)ᵀ),
 * </pre>
 *
 * with b_t(k) = p(x_t | z_t = k), s_t(k) and H_t(k) its log's score and Hessian, which the
 * generated code writes ({@link EmModel#rowScores}); ∂u_t carries ∂A_jk = 1 at A_jk's own
 * coordinate, ∂u_1 carries ∂π_k = 1. Then ∂ log L = Σ_k ∂α_T(k) / L and ∂² log L = Σ_k ∂²α_T(k) / L −
 * ∂ log L ∂ log Lᵀ. The three are linear in α_{t−1}, so each step divides all three by Σ_k α_t(k)
 * (and b_t by its largest entry), which leaves those ratios as they are and nothing underflows.
 *
 * <p>The coordinates are the stored numbers, every simplex entry free (the log-likelihood is a
 * polynomial in π and A, so it extends past the simplex): {@link Information} restricts the
 * result to the simplexes' free coordinates as it does for a mixture. One step costs K² U² for
 * U the coordinates the chain and emissions read.
 */
final class ChainInformation {
  private ChainInformation() {}

  /**
   * −∂²/∂θ∂θᵀ Σ_sequences log p(x_1..T) over the stored numbers.
   *
   * @param first where π starts among the stored numbers
   * @param transitions where A starts (row j, the distribution of z_t given z_{t−1} = j)
   * @param read the stored numbers the chain or the emissions read
   */
  static double[][] observed(EmModel model, Latent.Chain chain, DataMatrix data, int total, int length, int first,
      int transitions, boolean[] read) throws DataException {
    int k = model.components();
    int[] used = IntStream.range(0, total).filter(g -> read[g]).toArray();
    int u = used.length;
    int[] local = new int[total];
    Arrays.fill(local, -1);
    for (int i = 0; i < u; i++) {
      local[used[i]] = i;
    }
    // Each state's emission coordinates, as local indices.
    int[][] at = new int[k][length];
    for (int c = 0; c < k; c++) {
      for (int a = 0; a < length; a++) {
        at[c][a] = local[model.scoreCoordinate(c, a)];
      }
    }
    double[] pi = model.param(chain.initial());
    double[] a = model.param(chain.transition());
    double[] values = data.values();
    if (values == null) {
      throw new DataException(data.source(), "standard errors of a latent chain run over whole sequences: the rows"
          + " must be in memory");
    }
    double[][] info = new double[total][total];
    int[] bounds = data.sequenceBounds();
    for (int q = 0; q + 1 < bounds.length; q++) {
      double[] h = sequence(model, data, values, bounds[q], bounds[q + 1], k, u, length, at, pi, a,
          local[first], local[transitions]);
      for (int i = 0; i < u; i++) {
        for (int j = 0; j < u; j++) {
          info[used[i]][used[j]] -= h[i * u + j];
        }
      }
    }
    return info;
  }

  /** The Hessian of one sequence's log-likelihood over the local coordinates, rows [from, to). */
  private static double[] sequence(EmModel model, DataMatrix data, double[] values, int from, int to, int k, int u,
      int length, int[][] at, double[] pi, double[] a, int piAt, int aAt) throws DataException {
    int rows = to - from;
    double[] logB = new double[rows * k];
    model.logDensities(values, from, to, logB);
    double[] score = new double[k * length];
    double[] hessian = new double[k * length * length];
    // Row t's emission score s_t(k) and Hessian H_t(k) over the local coordinates.
    double[] s = new double[k * u];
    double[] hs = new double[k * u * u];
    double[] alpha = new double[k];
    double[] d1 = new double[k * u];
    double[] d2 = new double[k * u * u];
    double[] nu = new double[k];
    double[] n1 = new double[k * u];
    double[] n2 = new double[k * u * u];
    double[] b = new double[k];
    for (int t = 0; t < rows; t++) {
      int n = from + t;
      Information.checkCells(data, values, 0, n);
      Arrays.fill(score, 0.0);
      Arrays.fill(hessian, 0.0);
      model.rowScores(values, n, score, hessian);
      Arrays.fill(s, 0.0);
      Arrays.fill(hs, 0.0);
      for (int c = 0; c < k; c++) {
        for (int i = 0; i < length; i++) {
          s[c * u + at[c][i]] += score[c * length + i];
          for (int j = i; j < length; j++) {
            double v = hessian[(c * length + i) * length + j];
            hs[(c * u + at[c][i]) * u + at[c][j]] += v;
            if (j != i) {
              hs[(c * u + at[c][j]) * u + at[c][i]] += v;
            }
          }
        }
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        max = Math.max(max, logB[t * k + c]);
      }
      for (int c = 0; c < k; c++) {
        b[c] = Math.exp(logB[t * k + c] - max);
      }
      // u_t(k) and its derivatives into nu, n1, n2.
      Arrays.fill(n1, 0.0);
      Arrays.fill(n2, 0.0);
      if (t == 0) {
        for (int c = 0; c < k; c++) {
          nu[c] = pi[c];
          n1[c * u + piAt + c] = 1;
        }
      } else {
        for (int c = 0; c < k; c++) {
          double v = 0;
          for (int j = 0; j < k; j++) {
            double ajc = a[j * k + c];
            v += alpha[j] * ajc;
            int p = aAt + j * k + c;
            n1[c * u + p] += alpha[j];
            for (int i = 0; i < u; i++) {
              n1[c * u + i] += d1[j * u + i] * ajc;
              // ∂A_jc / ∂θ_p = 1: the cross terms with α_{t−1}(j)'s derivatives.
              n2[(c * u + p) * u + i] += d1[j * u + i];
              n2[(c * u + i) * u + p] += d1[j * u + i];
              for (int m = 0; m < u; m++) {
                n2[(c * u + i) * u + m] += d2[(j * u + i) * u + m] * ajc;
              }
            }
          }
          nu[c] = v;
        }
      }
      // α_t(k) = u_t(k) b_t(k), and its derivatives through b's score and Hessian.
      double sum = 0;
      for (int c = 0; c < k; c++) {
        double bc = b[c];
        alpha[c] = nu[c] * bc;
        sum += alpha[c];
        for (int i = 0; i < u; i++) {
          double si = s[c * u + i];
          d1[c * u + i] = bc * (n1[c * u + i] + nu[c] * si);
          for (int m = 0; m < u; m++) {
            double sm = s[c * u + m];
            d2[(c * u + i) * u + m] = bc * (n2[(c * u + i) * u + m] + n1[c * u + i] * sm + si * n1[c * u + m]
                + nu[c] * (hs[(c * u + i) * u + m] + si * sm));
          }
        }
      }
      if (!(sum > 0)) {
        throw new IllegalStateException("the fitted chain gives the sequence of rows " + (from + 1) + "–" + to
            + " no probability");
      }
      for (int c = 0; c < k; c++) {
        alpha[c] /= sum;
      }
      for (int i = 0; i < d1.length; i++) {
        d1[i] /= sum;
      }
      for (int i = 0; i < d2.length; i++) {
        d2[i] /= sum;
      }
    }
    // Σ_k α_T(k) is 1 after the last division.
    double[] g = new double[u];
    for (int c = 0; c < k; c++) {
      for (int i = 0; i < u; i++) {
        g[i] += d1[c * u + i];
      }
    }
    double[] h = new double[u * u];
    for (int c = 0; c < k; c++) {
      for (int i = 0; i < u * u; i++) {
        h[i] += d2[c * u * u + i];
      }
    }
    for (int i = 0; i < u; i++) {
      for (int m = 0; m < u; m++) {
        h[i * u + m] -= g[i] * g[m];
      }
    }
    return h;
  }
}
