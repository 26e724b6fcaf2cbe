package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.Latent;
import java.util.List;

/**
 * Whether factor analysis has more factors than a covariance can tell apart. Its covariance
 * WWᵀ + Ψ has DQ − Q(Q − 1)/2 free numbers in W (rotations of the factors aside) and D in a
 * diagonal Ψ (1 in probabilistic PCA's); a full covariance has D(D + 1)/2. With more, which for a
 * diagonal Ψ is Ledermann's bound (D − Q)² &lt; D + Q, the model is a full covariance with no
 * structure of its own, and BIC counts it as one.
 */
final class LedermannBound {
  private LedermannBound() {}

  /** The fit warning for factor analysis {@code f} of model {@code m}; empty when it is within the bound. */
  static List<String> warnings(EmModel m, Latent.Factors f) {
    int d = f.width();
    int q = f.factors();
    // Per component, in a mixture of factor analysers: each is a factor analysis of its own.
    int noise = m.params().stream().filter(p -> p.name().equals(f.noise())).findFirst().orElseThrow().shape().length
        == 0 ? 1 : d;
    int count = d * q - q * (q - 1) / 2 + noise;
    int full = d * (d + 1) / 2;
    if (count <= full) {
      return List.of();
    }
    int most = q;
    while (most > 0 && (d * most - most * (most - 1) / 2 + noise > full)) {
      most--;
    }
    return List.of(q + " factors of " + d + " columns have more free numbers in their covariance WWᵀ + " + f.noise()
        + " (" + count + ") than a full covariance (" + full + "), so the model is just a full covariance and BIC"
        + " counts it as one" + (noise == d ? " (the Ledermann bound: (D − Q)² < D + Q)" : "")
        + "; at most " + most + " factors have a structure of their own");
  }
}
