package dev.emc.testkit;

import dev.emc.dist.Family;
import dev.emc.dist.families.Exponential;
import java.util.List;
import java.util.Map;

/** emc's own Exponential family passes the contract: the kit checks what it claims to. */
class ExponentialContractTest extends FamilyContract {
  @Override
  protected Family family() {
    return new Exponential();
  }

  @Override
  protected String model() {
    return "K = 2;\nz ~ Categorical(phi);\nx ~ Exponential(rate[z]);\n";
  }

  @Override
  protected Map<String, double[]> truth() {
    return params("phi", new double[] {0.3, 0.7}, "rate", new double[] {0.5, 4});
  }

  @Override
  protected List<String> parameters() {
    return List.of("rate");
  }

  @Override
  protected double logDensity(double x, double... theta) {
    return x < 0 ? Double.NEGATIVE_INFINITY : Math.log(theta[0]) - theta[0] * x;
  }

  @Override
  protected Support support() {
    return Support.interval(0, 60);
  }
}
