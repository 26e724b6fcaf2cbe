package dev.emc.dist.families;

import static dev.emc.dist.families.Forms.eq;
import static dev.emc.dist.families.Forms.fill;
import static dev.emc.dist.families.Forms.lgamma;
import static dev.emc.dist.families.Forms.times;
import static dev.emc.dist.families.Forms.total;

import dev.emc.dist.Arg;
import dev.emc.dist.FactorModel;
import dev.emc.dist.FactorSite;
import dev.emc.dist.Family;
import dev.emc.dist.Param;
import dev.emc.dist.Signature;
import dev.emc.dist.Unsupported;
import dev.emc.dist.Update;
import dev.emc.dist.Use;
import dev.emc.math.Expr;
import dev.emc.math.Function;
import dev.emc.types.Dim;
import dev.emc.types.Type;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.apache.commons.math3.distribution.GammaDistribution;

/**
 * Positive values with shape α and rate β: p(x) = β^α x^{α−1} e^{−βx} / Γ(α). Also the conjugate
 * prior of a Poisson or exponential rate.
 */
public final class Gamma implements Family {
  private static final Dim D = Dim.of("D");

  /** The shape's M-step, which has no closed form: Newton's method, checked not to lower Q. */
  private static final Function SHAPE = new Function("gammaShape", "dev.emc.runtime.Special.gammaShape",
      "\\operatorname{Newton}", "Newton");

  @Override
  public String name() {
    return "Gamma";
  }

  @Override
  public List<Signature> signatures() {
    return List.of(
        Signature.of("gamma", Type.POSITIVE, new Param("shape", Type.POSITIVE), new Param("rate", Type.POSITIVE)),
        Signature.of("independent gammas", Type.POSITIVE.vectorOf(D), new Param("shape", Type.POSITIVE),
            new Param("rate", Type.POSITIVE)));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.DATA, Use.PRIOR);
  }

  /**
   * log p(x | α, β) = α log β − log Γ(α) + (α − 1) log x − βx. For a given shape, the rate's terms
   * of Q are greatest at β = α N_k / Σ r x. With that rate, the shape's condition is
   * log α − ψ(α) = log(Σ r x / N_k) − Σ r log x / N_k, which has no closed-form root: the M-step
   * solves it by Newton's method and keeps the current shape if the root would lower Q (a
   * generalized EM step).
   */
  @Override
  public FactorModel factor(FactorSite site) throws Unsupported {
    if (!site.lhs().shape().isScalar()) {
      throw new Unsupported("Gamma is a distribution of one positive number per row here");
    }
    Expr x = site.lhs();
    Arg shapeArg = site.arg("shape");
    Arg rateArg = site.arg("rate");
    Expr a = shapeArg.value();
    Expr b = rateArg.value();
    Expr logDensity = density(x, a, b);
    Expr density = new Expr.Density(Forms.named("Gamma"), x, List.of(a, b));
    if (!shapeArg.isFree() && !rateArg.isFree()) {
      return new FactorModel(density, logDensity, List.of(), null);
    }
    if (shapeArg.isFree() && !rateArg.isFree()) {
      throw new Unsupported("a free shape with a known rate is not supported; let the rate be fitted too");
    }
    if (shapeArg.isFree() && shapeArg.perComponent() != rateArg.perComponent()) {
      throw new Unsupported("index the shape and the rate alike: both by the latent variable, or neither");
    }
    Expr n = site.count();
    Expr s = site.statistic("S", x);
    Expr logs = site.statistic("L", Expr.log(x));
    Expr sumX = site.rowSum(x);
    Expr terms = site.rowSum(logDensity);
    Expr rateCondition = eq(site.rowSum(Expr.sub(Expr.div(a, b), x)), Forms.ZERO);
    if (!shapeArg.isFree()) {
      return new FactorModel(density, logDensity, List.of(
          Update.of("rate", Expr.div(Expr.mul(a, n), s), "shape over the weighted mean")
              .withTextbook(Expr.div(Expr.mul(a, n), sumX))
              .derivedFrom(terms, rateCondition, "The derivative vanishes where the rate is the shape over"
                  + " the responsibility-weighted mean.")),
          null);
    }
    Expr mean = Expr.div(s, n);
    Expr meanLog = Expr.div(logs, n);
    Expr shape = new Expr.Apply(SHAPE, List.of(mean, meanLog, a));
    Expr shapeCondition = eq(Expr.sub(Expr.log(a), new Expr.Apply(Function.DIGAMMA, a)),
        Expr.sub(Expr.log(Expr.div(sumX, n)), Expr.div(site.rowSum(Expr.log(x)), n)));
    return new FactorModel(density, logDensity, List.of(
        Update.of("shape", shape, "Newton's method (generalized EM)")
            .derivedFrom(terms, shapeCondition, "With the rate at its best for the shape, β = α N_k / Σ r x,"
                + " the shape's derivative vanishes where this holds. It has no closed-form root: emc solves"
                + " it by Newton's method on log α from Minka's approximation, and keeps the current shape"
                + " if the root would lower Q."),
        Update.of("rate", Expr.div(Expr.mul(shape, n), s), "new shape over the weighted mean")
            .withTextbook(Expr.div(Expr.mul(a, n), sumX))
            .derivedFrom(null, rateCondition, "For the new shape, the rate's derivative vanishes at:")),
        null);
  }

  private static Expr density(Expr x, Expr a, Expr b) {
    Expr aa = fill(a, x);
    Expr bb = fill(b, x);
    return total(Expr.add(Expr.sub(Expr.sub(times(aa, Expr.log(bb)), lgamma(aa)),
        times(bb, x)), times(Expr.sub(aa, Forms.one(x)), Expr.log(x))));
  }

  /** As a prior on a rate λ (or on each of a vector of rates): log p(λ | a, b). */
  @Override
  public Expr priorLogDensity(Signature form, List<Expr> values, List<Expr> args) {
    return density(values.get(0), args.get(0), args.get(1));
  }

  @Override
  public void sample(Signature form, List<double[]> args, RandomGenerator rng, double[] out) {
    double shape = args.get(0)[0];
    double rate = args.get(1)[0];
    for (int i = 0; i < out.length; i++) {
      out[i] = new GammaDistribution(Forms.commons(rng), shape, 1 / rate).sample();
    }
  }
}
