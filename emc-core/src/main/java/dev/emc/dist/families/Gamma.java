package dev.emc.dist.families;

import static dev.emc.dist.Formulas.eq;
import static dev.emc.dist.Formulas.fill;
import static dev.emc.dist.Formulas.lgamma;
import static dev.emc.dist.Formulas.over;
import static dev.emc.dist.Formulas.times;
import static dev.emc.dist.Formulas.total;

import dev.emc.dist.Arg;
import dev.emc.dist.FactorModel;
import dev.emc.dist.FactorSite;
import dev.emc.dist.Family;
import dev.emc.dist.Formulas;
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

  /** A latent scale's prior shape α = ν/2, from E̅[log w] − E̅[w]: the same Newton step. */
  private static final Function SCALE_SHAPE = new Function("gammaScaleShape",
      "dev.emc.runtime.Special.gammaScaleShape", "\\operatorname{Newton}", "Newton");

  @Override
  public String name() {
    return "Gamma";
  }

  @Override
  public List<Signature> signatures() {
    return List.of(
        Signature.of("gamma", Type.POSITIVE, new Param("shape", Type.POSITIVE), new Param("rate", Type.POSITIVE)),
        // As a prior, one shape and rate for each of a vector of rates: it comes before the form
        // with a shape and rate per coordinate, so that numbers given as arguments stay numbers.
        Signature.of("independent gammas", Type.POSITIVE.vectorOf(D), new Param("shape", Type.POSITIVE),
            new Param("rate", Type.POSITIVE)),
        Signature.of("independent gammas per coordinate", Type.POSITIVE.vectorOf(D),
            new Param("shape", Type.POSITIVE.vectorOf(D)), new Param("rate", Type.POSITIVE.vectorOf(D))));
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
   * generalized EM step). A vector is independent coordinates, each solved the same way.
   */
  @Override
  public FactorModel factor(FactorSite site) throws Unsupported {
    Expr x = site.lhs();
    Arg shapeArg = site.arg("shape");
    Arg rateArg = site.arg("rate");
    Expr a = shapeArg.value();
    Expr b = rateArg.value();
    java.util.Optional<FactorSite.Scale> scale = site.scale(x);
    if (scale.isPresent()) {
      return scalePrior(site, x, shapeArg, rateArg, scale.get());
    }
    if (x.shape().isVector() && (a.shape().isScalar() || b.shape().isScalar())) {
      throw new Unsupported("one shape and rate shared by every coordinate is not supported; give each"
          + " coordinate its own, as in `param shape[z] : positive[D]; param rate[z] : positive[D];`");
    }
    Expr logDensity = density(x, a, b);
    Expr density = new Expr.Density(Formulas.named("Gamma"), x, List.of(a, b));
    if (!shapeArg.isFree() && !rateArg.isFree()) {
      return new FactorModel(density, logDensity, List.of(), null);
    }
    if (shapeArg.isFree() && !rateArg.isFree()) {
      throw new Unsupported("a free shape with a known rate is not supported; let the rate be fitted too");
    }
    if (shapeArg.isFree() && shapeArg.perComponent() && !rateArg.perComponent()) {
      throw new Unsupported("a shape per component needs a rate per component: index the rate by the latent"
          + " variable too");
    }
    Expr n = site.count();
    Expr s = site.statistic("S", x);
    Expr logs = site.statistic("L", Expr.log(x));
    Expr sumX = site.rowSum(x);
    Expr terms = site.rowSum(logDensity);
    Expr rateCondition = eq(site.rowSum(Expr.sub(over(a, b), x)), Formulas.ZERO);
    if (!shapeArg.isFree()) {
      return new FactorModel(density, logDensity, List.of(
          Update.of("rate", over(Expr.mul(a, n), s), "shape over the weighted mean")
              .withTextbook(over(Expr.mul(a, n), sumX))
              .derivedFrom(terms, rateCondition, "The derivative vanishes where the rate is the shape over"
                  + " the responsibility-weighted mean.")),
          null);
    }
    Update shape = site.perComponent() && !shapeArg.perComponent()
        ? tiedShape(site, x, a, s, logs, terms) : ownShape(site, x, a, s, logs, terms);
    return new FactorModel(density, logDensity, List.of(shape,
        Update.of("rate", over(Expr.mul(shape.value(), n), s), "new shape over the weighted mean")
            .withTextbook(over(Expr.mul(a, n), sumX))
            .derivedFrom(null, rateCondition, "For the new shape, the rate's derivative vanishes at:")),
        null);
  }

  /**
   * The prior of a latent scale w, Gamma(ν/2, ν/2) (a t distribution's, ν its degrees of freedom):
   * its mean is 1, so that the spread it divides keeps the data's scale. Q's terms in ν are
   * N_k [α log α − log Γ(α) + (α − 1) E̅[log w] − α E̅[w]] with α = ν/2 and the bars the component's
   * means of w's posterior moments; their derivative vanishes where
   * −ψ(ν/2) + log(ν/2) + 1 + E̅[log w] − E̅[w] = 0 (Peel and McLachlan 2000), a root Newton's method
   * finds as for the shape of Gamma data. One ν shared by the components pools their statistics.
   */
  private static FactorModel scalePrior(FactorSite site, Expr w, Arg shapeArg, Arg rateArg, FactorSite.Scale scale)
      throws Unsupported {
    Expr a = shapeArg.value();
    if (!a.equals(rateArg.value()) || !a.shape().isScalar()) {
      throw new Unsupported("a latent scale's prior is Gamma(nu / 2, nu / 2), its rate equal to its shape: its"
          + " mean is then 1, and the spread it divides keeps the data's scale");
    }
    Expr logDensity = density(w, a, a);
    Expr density = new Expr.Density(Formulas.named("Gamma"), w, List.of(a, a));
    if (!shapeArg.isFree()) {
      return new FactorModel(density, logDensity, List.of(), null);
    }
    Expr n = site.count();
    Expr gap = site.statistic("L", Expr.sub(scale.meanLog(), scale.mean()));
    boolean pooled = !shapeArg.perComponent();
    Expr meanGap = pooled ? Expr.div(site.sumOverOtherComponents(gap), site.total()) : Expr.div(gap, n);
    Expr root = new Expr.Apply(SCALE_SHAPE, List.of(meanGap, a));
    Expr rowGap = site.rowSum(Expr.sub(scale.meanLog(), scale.mean()));
    Expr condition = eq(Expr.add(Expr.add(Expr.sub(Expr.log(a), new Expr.Apply(Function.DIGAMMA, a)), Formulas.ONE),
        pooled ? Expr.div(site.sumOverOtherComponents(rowGap), site.total()) : Expr.div(rowGap, n)), Formulas.ZERO);
    return new FactorModel(density, logDensity, List.of(Update.of("shape", parameter(a, root),
            pooled ? "Newton's method on the pooled condition (ECM)" : "Newton's method (ECM)")
        .derivedFrom(pooled ? site.sumOverOtherComponents(site.rowSum(logDensity)) : site.rowSum(logDensity),
            condition, "With E[w] and E[log w] in place of w and log w, the derivative in the shape vanishes"
                + " where this holds. It has no closed-form root: emc solves it by Newton's method on log α,"
                + " as for the shape of gamma data, and keeps the current value if the root would lower Q.")),
        null);
  }

  /**
   * The parameter whose value makes the argument {@code arg} equal {@code value}: ν for ν/2 = α is
   * 2α. An argument is a parameter, or a positive number times or over one.
   */
  private static Expr parameter(Expr arg, Expr value) throws Unsupported {
    if (arg instanceof Expr.Sym) {
      return value;
    }
    if (arg instanceof Expr.Div d && d.right() instanceof Expr.Num c) {
      return parameter(d.left(), Expr.mul(c, value));
    }
    if (arg instanceof Expr.Mul m && m.left() instanceof Expr.Num c) {
      return parameter(m.right(), Expr.div(value, c));
    }
    if (arg instanceof Expr.Mul m && m.right() instanceof Expr.Num c) {
      return parameter(m.left(), Expr.div(value, c));
    }
    throw new Unsupported("the shape of a latent scale's prior is a parameter, or a number times or over one,"
        + " as in Gamma(nu / 2, nu / 2)");
  }

  /** The shape of each component (or of the one component), from its own rows. */
  private static Update ownShape(FactorSite site, Expr x, Expr a, Expr s, Expr logs, Expr terms) {
    Expr n = site.count();
    Expr shape = new Expr.Apply(SHAPE, List.of(Expr.div(s, n), Expr.div(logs, n), a));
    Expr shapeCondition = eq(Expr.sub(Expr.log(a), new Expr.Apply(Function.DIGAMMA, a)),
        Expr.sub(Expr.log(Expr.div(site.rowSum(x), n)), Expr.div(site.rowSum(Expr.log(x)), n)));
    return Update.of("shape", shape, "Newton's method (generalized EM)")
        .derivedFrom(terms, shapeCondition, "With the rate at"
            + " its best for the shape, β = α N_k / Σ r x, the shape's derivative vanishes where this holds."
            + " It has no closed-form root: emc solves it by Newton's method on log α from Minka's"
            + " approximation, and keeps the current shape if the root would lower Q.");
  }

  /**
   * One shape shared by the components, each with its own rate. With every rate at its best for
   * the shape, β_k = α N_k / S_k, the shape's terms of Q summed over the components are N times
   * the one-component profile at the mean log x over all rows and at m̄ = exp(Σ_k N_k log(S_k / N_k)
   * / N), a weighted geometric mean of the components' means: the same Newton step then solves the
   * pooled condition, and its check that Q does not fall holds for the sum.
   */
  private static Update tiedShape(FactorSite site, Expr x, Expr a, Expr s, Expr logs, Expr terms) {
    Expr n = site.count();
    Expr all = site.total();
    // An empty component (N_j = 0) adds nothing to the sum, rather than 0 · log(0 / 0).
    Expr pooledMean = new Expr.Apply(Function.EXP,
        Expr.div(site.sumOverOtherComponents(Expr.timesLog(n, Expr.div(s, n))), all));
    Expr pooledLog = Expr.div(site.sumOverOtherComponents(logs), all);
    Expr shape = new Expr.Apply(SHAPE, List.of(pooledMean, pooledLog, a));
    Expr rowMean = Expr.div(site.rowSum(x), n);
    Expr shapeCondition = eq(Expr.sub(Expr.log(a), new Expr.Apply(Function.DIGAMMA, a)),
        Expr.sub(Expr.div(site.sumOverOtherComponents(Expr.mul(n, Expr.log(rowMean))), all),
            Expr.div(site.sumOverOtherComponents(site.rowSum(Expr.log(x))), all)));
    return Update.of("shape", shape, "Newton's method on the pooled condition (generalized EM)")
        .derivedFrom(site.sumOverOtherComponents(terms), shapeCondition, "With each component's rate at"
            + " its best for the shape, β_k = α N_k / Σ r x, the derivative of the shape's terms summed over"
            + " the components vanishes where this holds."
            + " It has no closed-form root: emc solves it by Newton's method on log α from Minka's"
            + " approximation, with the components' statistics pooled, and keeps the current shape if the"
            + " root would lower Q.");
  }

  private static Expr density(Expr x, Expr a, Expr b) {
    Expr aa = fill(a, x);
    Expr bb = fill(b, x);
    return total(Expr.add(Expr.sub(Expr.sub(times(aa, Expr.log(bb)), lgamma(aa)),
        times(bb, x)), times(Expr.sub(aa, Formulas.one(x)), Expr.log(x))));
  }

  /** As a prior on a rate λ (or on each of a vector of rates): log p(λ | a, b). */
  @Override
  public Expr priorLogDensity(Signature form, List<Expr> values, List<Expr> args) {
    return density(values.get(0), args.get(0), args.get(1));
  }

  @Override
  public void sample(Signature form, List<double[]> args, RandomGenerator rng, double[] out) {
    double[] shape = args.get(0);
    double[] rate = args.get(1);
    for (int i = 0; i < out.length; i++) {
      int d = shape.length == 1 ? 0 : i;
      out[i] = new GammaDistribution(Formulas.commons(rng), shape[d], 1 / rate[d]).sample();
    }
  }
}
