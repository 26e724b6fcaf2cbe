package dev.emc.runtime;

/**
 * The E-step of a latent Markov chain over one sequence of T rows (an HMM), given each row's
 * emission log-densities log b_t(k) = log p(x_t | z_t = k), the first row's probabilities π and the
 * transition matrix A (row j: the distribution of z_t given z_{t−1} = j).
 *
 * <p>The scaled recursions (Rabiner 1989): α̂_t(k) = b_t(k) Σ_j α̂_{t−1}(j) A_jk / c_t with c_t making
 * α̂_t sum to 1, so that log p(x_1..T) = Σ_t log c_t; β̂_t(j) = Σ_k A_jk b_{t+1}(k) β̂_{t+1}(k) / c_{t+1};
 * then γ_t = α̂_t ∘ β̂_t and ξ_t(j, k) = α̂_t(j) A_jk b_{t+1}(k) β̂_{t+1}(k) / c_{t+1}. Each row's
 * b_t is taken relative to its largest value, whose log is added back, so no exponential
 * underflows however small the densities.
 */
public final class ForwardBackward {
  private ForwardBackward() {}

  /**
   * Fills {@code gamma[t * K + k]} = p(z_t = k | x) and adds Σ_t ξ_t(j, k) into
   * {@code xi[j * K + k]}; returns log p(x_1..T), −∞ when no path has any probability (and then
   * leaves gamma and xi alone).
   */
  public static double run(double[] logB, int rows, int k, double[] pi, double[] a, double[] gamma, double[] xi) {
    return run(logB, rows, k, pi, a, gamma, xi, null);
  }

  /**
   * The same, and, when {@code rowLog} is not null, each row's log p(x_t | x_1..t−1) = log c_t
   * plus its emissions' shift into it: they add up to the sequence's log-likelihood.
   */
  public static double run(double[] logB, int rows, int k, double[] pi, double[] a, double[] gamma, double[] xi,
      double[] rowLog) {
    double[] b = new double[rows * k];
    double ll = emissions(logB, rows, k, b, rowLog);
    double[] alpha = new double[rows * k];
    double[] scale = new double[rows];
    for (int t = 0; t < rows; t++) {
      double c = 0;
      for (int j = 0; j < k; j++) {
        double prior;
        if (t == 0) {
          prior = pi[j];
        } else {
          prior = 0;
          for (int i = 0; i < k; i++) {
            prior += alpha[(t - 1) * k + i] * a[i * k + j];
          }
        }
        double v = prior * b[t * k + j];
        alpha[t * k + j] = v;
        c += v;
      }
      if (!(c > 0)) {
        return Double.NEGATIVE_INFINITY;
      }
      scale[t] = c;
      ll += Math.log(c);
      if (rowLog != null) {
        rowLog[t] += Math.log(c);
      }
      for (int j = 0; j < k; j++) {
        alpha[t * k + j] /= c;
      }
    }
    double[] beta = new double[k];
    double[] next = new double[k];
    java.util.Arrays.fill(beta, 1.0);
    for (int t = rows - 1; t >= 0; t--) {
      for (int j = 0; j < k; j++) {
        gamma[t * k + j] = alpha[t * k + j] * beta[j];
      }
      if (t == 0) {
        break;
      }
      // ξ_{t−1}(i, j) and β̂_{t−1}(i), from b_t β̂_t / c_t.
      for (int j = 0; j < k; j++) {
        next[j] = b[t * k + j] * beta[j] / scale[t];
      }
      for (int i = 0; i < k; i++) {
        double s = 0;
        double ai = alpha[(t - 1) * k + i];
        for (int j = 0; j < k; j++) {
          double w = a[i * k + j] * next[j];
          xi[i * k + j] += ai * w;
          s += w;
        }
        beta[i] = s;
      }
    }
    return ll;
  }

  /**
   * The most likely path z_1..T (0-based states) given the rows, by the Viterbi recursion in log
   * space; ties go to the lower state.
   */
  public static int[] viterbi(double[] logB, int rows, int k, double[] pi, double[] a) {
    double[] logA = new double[k * k];
    for (int i = 0; i < k * k; i++) {
      logA[i] = Math.log(a[i]);
    }
    double[] delta = new double[k];
    double[] next = new double[k];
    int[] back = new int[rows * k];
    for (int j = 0; j < k; j++) {
      delta[j] = Math.log(pi[j]) + logB[j];
    }
    for (int t = 1; t < rows; t++) {
      for (int j = 0; j < k; j++) {
        double best = Double.NEGATIVE_INFINITY;
        int arg = 0;
        for (int i = 0; i < k; i++) {
          double v = delta[i] + logA[i * k + j];
          if (v > best) {
            best = v;
            arg = i;
          }
        }
        next[j] = best + logB[t * k + j];
        back[t * k + j] = arg;
      }
      System.arraycopy(next, 0, delta, 0, k);
    }
    int[] path = new int[rows];
    int state = 0;
    for (int j = 1; j < k; j++) {
      if (delta[j] > delta[state]) {
        state = j;
      }
    }
    for (int t = rows - 1; t >= 0; t--) {
      path[t] = state;
      state = back[t * k + state];
    }
    return path;
  }

  /**
   * b_t(k) = exp(log b_t(k) − m_t) with m_t the row's largest; returns Σ_t m_t, and puts each m_t
   * in {@code shifts} unless it is null.
   */
  private static double emissions(double[] logB, int rows, int k, double[] b, double[] shifts) {
    double shift = 0;
    for (int t = 0; t < rows; t++) {
      double m = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        m = Math.max(m, logB[t * k + j]);
      }
      if (m == Double.NEGATIVE_INFINITY) {
        m = 0; // every b_t(k) is 0: the scale c_t will say so
      }
      shift += m;
      if (shifts != null) {
        shifts[t] = m;
      }
      for (int j = 0; j < k; j++) {
        b[t * k + j] = Math.exp(logB[t * k + j] - m);
      }
    }
    return shift;
  }
}
