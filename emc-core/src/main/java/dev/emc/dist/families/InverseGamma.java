package dev.emc.dist.families;

import static dev.emc.dist.Formulas.fill;
import static dev.emc.dist.Formulas.lgamma;
import static dev.emc.dist.Formulas.one;
import static dev.emc.dist.Formulas.times;
import static dev.emc.dist.Formulas.total;

import dev.emc.dist.Family;
import dev.emc.dist.Formulas;
import dev.emc.dist.Param;
import dev.emc.dist.Signature;
import dev.emc.dist.Use;
import dev.emc.math.Expr;
import dev.emc.types.Dim;
import dev.emc.types.Type;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.apache.commons.math3.distribution.GammaDistribution;

/** The inverse-gamma distribution, shape a and scale b: the conjugate prior of a normal variance. */
public final class InverseGamma implements Family {
  private static final Dim D = Dim.of("D");

  @Override
  public String name() {
    return "InverseGamma";
  }

  @Override
  public List<Signature> signatures() {
    return List.of(
        Signature.of("inverse gamma", Type.POSITIVE, new Param("shape", Type.POSITIVE), new Param("scale", Type.POSITIVE)),
        Signature.of("independent inverse gammas", Type.POSITIVE.vectorOf(D), new Param("shape", Type.POSITIVE),
            new Param("scale", Type.POSITIVE)));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.PRIOR);
  }

  /** log p(σ² | a, b) = a log b − log Γ(a) − (a + 1) log σ² − b / σ². */
  @Override
  public Expr priorLogDensity(Signature form, List<Expr> values, List<Expr> args) {
    Expr v = values.get(0);
    Expr a = fill(args.get(0), v);
    Expr b = fill(args.get(1), v);
    return total(Expr.sub(Expr.sub(Expr.sub(times(a, Expr.log(b)), lgamma(a)),
        times(Expr.add(a, one(v)), Expr.log(v))), times(b, new Expr.Inv(v))));
  }

  @Override
  public void sample(Signature form, List<double[]> args, RandomGenerator rng, double[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = 1 / new GammaDistribution(Formulas.commons(rng), args.get(0)[0], 1 / args.get(1)[0]).sample();
    }
  }
}
