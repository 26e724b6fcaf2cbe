package dev.emc.runtime;

import org.apache.commons.numbers.gamma.Digamma;
import org.apache.commons.numbers.gamma.LogGamma;
import org.apache.commons.numbers.gamma.Trigamma;

/**
 * Special functions generated code calls, and the numeric M-steps that have no closed form.
 * Gamma functions come from Commons Numbers.
 */
public final class Special {
  private Special() {}

  /** log Γ(n) for n = 1 … 1023, the log-factorials of count data: a row's term log x! is a lookup. */
  private static final double[] LOG_GAMMA_INTEGERS = new double[1024];

  static {
    for (int n = 1; n < LOG_GAMMA_INTEGERS.length; n++) {
      LOG_GAMMA_INTEGERS[n] = LogGamma.value(n);
    }
  }

  /** log Γ(x). */
  public static double logGamma(double x) {
    if (x >= 1 && x < LOG_GAMMA_INTEGERS.length && x == (int) x) {
      return LOG_GAMMA_INTEGERS[(int) x];
    }
    return LogGamma.value(x);
  }

  /**
   * x log y, given x and log y, with 0 · log 0 = 0 (the limit of x log x as x → 0): where a
   * probability is 0 or 1, the term of a value it cannot have is 0, not 0 · (−∞) = NaN.
   */
  public static double timesLog(double x, double logY) {
    return x == 0 ? 0 : x * logY;
  }

  /** σ(x) = 1 / (1 + e^−x), with no overflow of e^−x for large negative x. */
  public static double logistic(double x) {
    if (x >= 0) {
      return 1 / (1 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1 + e);
  }

  /** log(1 + e^x): x + log(1 + e^−x) for positive x, so that e^x never overflows. */
  public static double log1pExp(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }

  /** ψ(x) = d/dx log Γ(x). */
  public static double digamma(double x) {
    return Digamma.value(x);
  }

  /** ψ′(x) = d/dx ψ(x). */
  public static double trigamma(double x) {
    return Trigamma.value(x);
  }

  /** log Γ_D(a) = D(D−1)/4 log π + Σ_{j=1..D} log Γ(a + (1 − j)/2), the multivariate gamma. */
  public static double logMultiGamma(double d, double a) {
    double sum = d * (d - 1) / 4 * Math.log(Math.PI);
    for (int j = 1; j <= (int) d; j++) {
      sum += LogGamma.value(a + (1 - j) / 2.0);
    }
    return sum;
  }

  /**
   * The gamma distribution's shape α that maximizes, for a component, the terms of Q
   * N_k [(α − 1) m_log − β m + α log β − log Γ(α)] with the rate at its own optimum β = α / m:
   * the root of log α − ψ(α) = log m − m_log, by Newton's method on log α (Minka, 2002).
   *
   * <p>A generalized-EM step: it returns the better of the root and {@code previous}, judged by
   * those terms, so Q never decreases even if the iteration stops short.
   *
   * @param mean m = Σ r x / N_k
   * @param meanLog m_log = Σ r log x / N_k
   * @param previous the current shape
   */
  public static double gammaShape(double mean, double meanLog, double previous) {
    double s = Math.log(mean) - meanLog;
    if (!(s > 0) || !Double.isFinite(s)) {
      // All of the component's rows are one value (Jensen's gap is 0): no finite maximum.
      return previous;
    }
    // Minka's starting point, then Newton on the profile log-likelihood in α.
    double a = (3 - s + Math.sqrt((s - 3) * (s - 3) + 24 * s)) / (12 * s);
    for (int i = 0; i < 100; i++) {
      double g = Math.log(a) - Digamma.value(a) - s;
      double h = 1 / a - Trigamma.value(a);
      double next = a - g / h;
      if (!(next > 0)) {
        next = a / 2;
      }
      if (Math.abs(next - a) <= 1e-14 * a) {
        a = next;
        break;
      }
      a = next;
    }
    double before = previous > 0 ? profile(previous, mean, meanLog) : Double.NEGATIVE_INFINITY;
    return profile(a, mean, meanLog) >= before || Double.isNaN(before) ? a : previous;
  }

  /** The shape of a latent scale's prior at a start: α = 25, a t of ν = 50 degrees of freedom. */
  static final double SCALE_START = 25;

  /**
   * The shape α of a latent scale's prior Gamma(α, α) (a t distribution's, α = ν/2) that maximizes
   * its terms of Q, N_k [α log α − log Γ(α) + (α − 1) E̅[log w] − α E̅[w]]: the root of
   * log α − ψ(α) = −1 − c with c = E̅[log w] − E̅[w], the component's mean of E[log w] − E[w]. That
   * is {@link #gammaShape}'s condition at log m = −1 and m_log = c, whose terms differ from these
   * by a constant, so its Newton step and its check that Q does not fall serve as they are.
   *
   * @param meanLogMinusMean c
   * @param previous the current shape
   */
  public static double gammaScaleShape(double meanLogMinusMean, double previous) {
    if (!(-1 - meanLogMinusMean > 0)) {
      // Every row's w is 1 (a start's M-steps, before any spread is set): the normal's limit, no
      // finite root. A start with no shape yet takes SCALE_START, a t close to normal.
      return previous > 0 ? previous : SCALE_START;
    }
    return gammaShape(Math.exp(-1), meanLogMinusMean, previous);
  }

  /**
   * E[w] = a / b for w ~ Gamma(a, b): a latent scale's posterior mean. Before a start's first
   * M-step no spread is set yet and the rate is not a number: then every row weighs 1, as a normal
   * mixture's, which sets the first spreads.
   */
  public static double gammaMean(double shape, double rate) {
    return Double.isFinite(rate) && rate > 0 ? shape / rate : 1.0;
  }

  /** E[log w] = ψ(a) − log b for w ~ Gamma(a, b); 0 (w = 1) where {@link #gammaMean} is 1. */
  public static double gammaMeanLog(double shape, double rate) {
    return Double.isFinite(rate) && rate > 0 ? Digamma.value(shape) - Math.log(rate) : 0.0;
  }

  /** The per-row terms of Q in the shape, with the rate at α / m. */
  private static double profile(double a, double mean, double meanLog) {
    double b = a / mean;
    return (a - 1) * meanLog - b * mean + a * Math.log(b) - LogGamma.value(a);
  }
}
