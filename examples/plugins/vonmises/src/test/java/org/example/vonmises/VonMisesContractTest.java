package org.example.vonmises;

import dev.emc.dist.Family;
import dev.emc.testkit.FamilyContract;
import java.util.List;
import java.util.Map;

/**
 * The von Mises family passes emc's family contract. The density below is written from its
 * definition, with log I₀ by numerical integration, sharing nothing with the plugin's formulas.
 */
class VonMisesContractTest extends FamilyContract {
  @Override
  protected Family family() {
    return new VonMises();
  }

  @Override
  protected String model() {
    return "K = 2;\ndata x : real;\nz ~ Categorical(phi);\nx ~ VonMises(mu[z], kappa[z]);\n";
  }

  @Override
  protected Map<String, double[]> truth() {
    return params("phi", new double[] {0.6, 0.4}, "mu", new double[] {0.5, -2.5}, "kappa", new double[] {8, 3});
  }

  @Override
  protected List<String> parameters() {
    return List.of("mu", "kappa");
  }

  private double kappa = Double.NaN;
  private double logI0;

  /** κ cos(x − μ) − log(2π I₀(κ)), with I₀(κ) = (1/π) ∫₀^π e^{κ cos t} dt by the trapezoid rule. */
  @Override
  protected double logDensity(double x, double... theta) {
    if (theta[1] != kappa) { // the checks ask for many x at one κ
      kappa = theta[1];
      int steps = 2000; // the trapezoid rule on a periodic integrand converges geometrically
      double sum = 0;
      for (int i = 0; i <= steps; i++) {
        double w = i == 0 || i == steps ? 0.5 : 1;
        sum += w * Math.exp(kappa * (Math.cos(Math.PI * i / steps) - 1));
      }
      logI0 = kappa + Math.log(sum / steps);
    }
    return kappa * Math.cos(x - theta[0]) - Math.log(2 * Math.PI) - logI0;
  }

  @Override
  protected Support support() {
    return Support.interval(-Math.PI, Math.PI);
  }
}
