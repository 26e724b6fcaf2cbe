package dev.emc.bench;

import dev.emc.runtime.EmModel;

/**
 * The pass of a two-component, two-dimensional Gaussian mixture written by hand: the baseline the
 * generated code is measured against. Everything in locals; one exp per row; the log-likelihood
 * as a product of the rows' normalizers, one log per several hundred rows.
 */
final class HandGmm {
  private HandGmm() {}

  static double pass(EmModel m, double[] x, int n, double[] stats) {
    double[] phi = m.param("phi");
    double[] mu = m.param("mu");
    double[] s = m.param("Sigma");
    // Cholesky factors of the two 2×2 covariances, by hand.
    double a00 = Math.sqrt(s[0]), a10 = s[2] / a00, a11 = Math.sqrt(s[3] - a10 * a10);
    double b00 = Math.sqrt(s[4]), b10 = s[6] / b00, b11 = Math.sqrt(s[7] - b10 * b10);
    double c0 = Math.log(phi[0]) - Math.log(2 * Math.PI) - Math.log(a00 * a11);
    double c1 = Math.log(phi[1]) - Math.log(2 * Math.PI) - Math.log(b00 * b11);
    double ia00 = 1 / a00, ia11 = 1 / a11, ib00 = 1 / b00, ib11 = 1 / b11;
    double m00 = mu[0], m01 = mu[1], m10 = mu[2], m11 = mu[3];
    double ll = 0, prod = 1, n0 = 0, n1 = 0, s00 = 0, s01 = 0, s10 = 0, s11 = 0;
    double q000 = 0, q010 = 0, q011 = 0, q100 = 0, q110 = 0, q111 = 0;
    for (int i = 0; i < n; i++) {
      double x0 = x[2 * i], x1 = x[2 * i + 1];
      double d00 = x0 - m00, d01 = x1 - m01, d10 = x0 - m10, d11 = x1 - m11;
      double w00 = d00 * ia00, w01 = (d01 - a10 * w00) * ia11;
      double w10 = d10 * ib00, w11 = (d11 - b10 * w10) * ib11;
      double l0 = c0 - 0.5 * (w00 * w00 + w01 * w01);
      double l1 = c1 - 0.5 * (w10 * w10 + w11 * w11);
      double e = Math.exp(-Math.abs(l0 - l1));
      double inv = 1 / (1 + e);
      double r0 = l0 >= l1 ? inv : e * inv;
      double r1 = l0 >= l1 ? e * inv : inv;
      ll += Math.max(l0, l1);
      prod *= 1 + e;
      if (prod > 1e280) {
        ll += Math.log(prod);
        prod = 1;
      }
      n0 += r0;
      n1 += r1;
      s00 += r0 * d00;
      s01 += r0 * d01;
      s10 += r1 * d10;
      s11 += r1 * d11;
      q000 += r0 * d00 * d00;
      q010 += r0 * d01 * d00;
      q011 += r0 * d01 * d01;
      q100 += r1 * d10 * d10;
      q110 += r1 * d11 * d10;
      q111 += r1 * d11 * d11;
    }
    stats[EmModel.COUNT] = n0 + q000 + q010 + q011 + q100 + q110 + q111 + s00 + s01 + s10 + s11 + n1;
    return ll + Math.log(prod);
  }
}
