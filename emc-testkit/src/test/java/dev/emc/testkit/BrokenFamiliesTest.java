package dev.emc.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.emc.dist.FactorModel;
import dev.emc.dist.FactorSite;
import dev.emc.dist.Family;
import dev.emc.dist.Formulas;
import dev.emc.dist.Param;
import dev.emc.dist.Signature;
import dev.emc.dist.Update;
import dev.emc.dist.Use;
import dev.emc.math.Expr;
import dev.emc.types.Type;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The contract fails a family that is wrong in each way it checks: an exponential family written
 * as a plugin would write it, with one mistake at a time.
 */
class BrokenFamiliesTest {
  /** Exponential(rate), with its update scaled by {@code updateScale} and its draws by {@code drawScale}. */
  static class Rate implements Family {
    private final double updateScale;
    private final double drawScale;
    private final double densityRate;

    Rate(double updateScale, double drawScale, double densityRate) {
      this.updateScale = updateScale;
      this.drawScale = drawScale;
      this.densityRate = densityRate;
    }

    @Override
    public String name() {
      return "Rate";
    }

    @Override
    public List<Signature> signatures() {
      return List.of(Signature.of("exponential", Type.POSITIVE, new Param("rate", Type.POSITIVE)));
    }

    @Override
    public Set<Use> uses() {
      return Set.of(Use.DATA);
    }

    @Override
    public FactorModel factor(FactorSite site) {
      Expr x = site.lhs();
      Expr rate = Expr.mul(Expr.num(densityRate), site.arg("rate").value());
      Expr logDensity = Expr.sub(Expr.log(rate), Expr.mul(rate, x));
      Expr sum = site.statistic("S", x);
      return new FactorModel(new Expr.Density(Formulas.named("Rate"), x, List.of(rate)), logDensity,
          List.of(Update.of("rate", Expr.div(Expr.mul(Expr.num(updateScale), site.count()),
              Expr.mul(Expr.num(densityRate), sum)), "closed form")), null);
    }

    @Override
    public void sample(Signature form, List<double[]> args, RandomGenerator rng, double[] out) {
      out[0] = drawScale * -Math.log1p(-rng.nextDouble()) / args.get(0)[0];
    }
  }

  /** The contract of {@link ExponentialContractTest}, for the family {@code f}. */
  private static FamilyContract contract(Family f) {
    return new ExponentialContractTest() {
      @Override
      protected Family family() {
        return f;
      }

      @Override
      protected String model() {
        return super.model().replace("Exponential", "Rate");
      }
    };
  }

  @Test
  void aRightFamilyPassesEveryCheck() throws Exception {
    FamilyContract c = contract(new Rate(1, 1, 1));
    c.theEStepIsBayesRule();
    c.eachUpdateMaximizesQ();
    c.theSamplerDrawsTheDensity();
    c.theDerivationRenders();
  }

  @Test
  void aWrongUpdateFails() {
    assertThrows(AssertionFailedError.class, () -> contract(new Rate(1.01, 1, 1)).eachUpdateMaximizesQ());
  }

  @Test
  void aWrongDensityFailsTheEStep() {
    assertThrows(AssertionFailedError.class, () -> contract(new Rate(1, 1, 1.05)).theEStepIsBayesRule());
  }

  @Test
  void aWrongSamplerFails() {
    assertThrows(AssertionFailedError.class, () -> contract(new Rate(1, 1.05, 1)).theSamplerDrawsTheDensity());
  }
}
