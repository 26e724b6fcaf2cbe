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
import org.apache.commons.math3.distribution.BetaDistribution;

/** The Beta distribution on (0, 1): the conjugate prior of a Bernoulli, binomial or geometric probability. */
public final class Beta implements Family {
  private static final Dim D = Dim.of("D");

  @Override
  public String name() {
    return "Beta";
  }

  @Override
  public List<Signature> signatures() {
    return List.of(
        Signature.of("beta", Type.PROBABILITY, new Param("a", Type.POSITIVE), new Param("b", Type.POSITIVE)),
        Signature.of("independent betas", Type.PROBABILITY.vectorOf(D), new Param("a", Type.POSITIVE),
            new Param("b", Type.POSITIVE)));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.PRIOR);
  }

  /** log p(p | a, b) = log Γ(a + b) − log Γ(a) − log Γ(b) + (a − 1) log p + (b − 1) log(1 − p). */
  @Override
  public Expr priorLogDensity(Signature form, List<Expr> values, List<Expr> args) {
    Expr p = values.get(0);
    Expr a = fill(args.get(0), p);
    Expr b = fill(args.get(1), p);
    Expr norm = Expr.sub(Expr.sub(lgamma(Expr.add(a, b)), lgamma(a)), lgamma(b));
    // 0 · log 0 = 0: with a = 1 (or b = 1) the posterior mode may be p = 0 (or 1).
    return total(Expr.add(norm, Expr.add(Expr.timesLog(Expr.sub(a, one(p)), p),
        Expr.timesLog(Expr.sub(b, one(p)), Expr.sub(one(p), p)))));
  }

  @Override
  public void sample(Signature form, List<double[]> args, RandomGenerator rng, double[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = new BetaDistribution(Formulas.commons(rng), args.get(0)[0], args.get(1)[0]).sample();
    }
  }
}
