package org.example.vonmises;

/**
 * The modified Bessel functions the von Mises density needs, and the inverse of their ratio: what
 * generated code calls for this family.
 */
public final class VonMisesMath {
  private VonMisesMath() {}

  /** log I₀(x) for x ≥ 0. */
  public static double logI0(double x) {
    return x <= 20 ? Math.log(series(x, 0)) : x - 0.5 * Math.log(2 * Math.PI * x) + Math.log(asymptotic(x, 0));
  }

  /** A(x) = I₁(x) / I₀(x): the mean resultant length of a von Mises with concentration x. */
  public static double a(double x) {
    if (x <= 20) {
      return series(x, 1) / series(x, 0);
    }
    return asymptotic(x, 1) / asymptotic(x, 0);
  }

  /**
   * The concentration κ with A(κ) = r: the maximum-likelihood κ for a mean resultant length r.
   * Best and Fisher's approximation, then Newton's method with A'(κ) = 1 − A/κ − A².
   */
  public static double kappa(double r) {
    if (!(r > 0)) {
      return 0;
    }
    if (r >= 1) {
      return 1e8; // every angle the same: as concentrated as a double can say
    }
    double k = r < 0.53 ? 2 * r + r * r * r + 5 * Math.pow(r, 5) / 6
        : r < 0.85 ? -0.4 + 1.39 * r + 0.43 / (1 - r)
        : 1 / (r * r * r - 4 * r * r + 3 * r);
    for (int i = 0; i < 100; i++) {
      double a = a(k);
      double slope = 1 - a / k - a * a;
      double next = k - (a - r) / slope;
      if (!(next > 0)) {
        next = k / 2;
      }
      if (Math.abs(next - k) <= 1e-15 * k) {
        return next;
      }
      k = next;
    }
    return k;
  }

  /** I_ν(x) = Σ_m (x/2)^{2m+ν} / (m! (m+ν)!) for ν = 0, 1. */
  private static double series(double x, int nu) {
    double half = x / 2;
    double term = nu == 0 ? 1 : half;
    double sum = term;
    for (int m = 1; m < 500; m++) {
      term *= half * half / (m * (double) (m + nu));
      sum += term;
      if (term < 1e-17 * sum) {
        break;
      }
    }
    return sum;
  }

  /** e^{−x} √(2πx) I_ν(x) ≈ Σ_k (−1)^k a_k(ν) / x^k, summed while the terms shrink. */
  private static double asymptotic(double x, int nu) {
    double mu = 4.0 * nu * nu;
    double term = 1;
    double sum = 1;
    for (int k = 1; k < 60; k++) {
      double next = -term * (mu - (2 * k - 1) * (2 * k - 1)) / (k * 8 * x);
      if (Math.abs(next) >= Math.abs(term)) {
        break;
      }
      term = next;
      sum += term;
    }
    return sum;
  }
}
