package dev.emc.dist.families;

import static dev.emc.dist.Formulas.eq;
import static dev.emc.dist.Formulas.fill;
import static dev.emc.dist.Formulas.lgamma;
import static dev.emc.dist.Formulas.one;
import static dev.emc.dist.Formulas.times;
import static dev.emc.dist.Formulas.total;

import dev.emc.dist.Arg;
import dev.emc.dist.FactorModel;
import dev.emc.dist.FactorSite;
import dev.emc.dist.Family;
import dev.emc.dist.Formulas;
import dev.emc.dist.Param;
import dev.emc.dist.Prior;
import dev.emc.dist.Signature;
import dev.emc.dist.Unsupported;
import dev.emc.dist.Update;
import dev.emc.dist.Use;
import dev.emc.math.Expr;
import dev.emc.math.Function;
import dev.emc.types.Dim;
import dev.emc.types.Type;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.apache.commons.math3.distribution.PoissonDistribution;

/** Counts with a rate λ: p(x) = λ^x e^{−λ} / x!. For a vector, independent counts with rates λ_d. */
public final class Poisson implements Family {
  private static final Dim D = Dim.of("D");

  @Override
  public String name() {
    return "Poisson";
  }

  @Override
  public List<Signature> signatures() {
    return List.of(
        Signature.of("independent Poisson counts", Type.COUNT.vectorOf(D), new Param("rate", Type.POSITIVE.vectorOf(D))),
        Signature.of("Poisson", Type.COUNT, new Param("rate", Type.POSITIVE)));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.DATA);
  }

  /**
   * log p(x | λ) = x log λ − λ − log Γ(x + 1). The rate's terms of Q, Σ r (x log λ − λ), are
   * greatest at the weighted mean λ = Σ r x / N_k; a Gamma(a, b) prior adds (a − 1) log λ − b λ,
   * and the mode is (Σ r x + a − 1) / (N_k + b).
   */
  @Override
  public FactorModel factor(FactorSite site) throws Unsupported {
    Expr x = site.lhs();
    Arg rate = site.arg("rate");
    Expr lambda = rate.value();
    if (rate.isFree() && lambda instanceof Expr.Apply a && a.function() == Function.EXP
        && a.arg() instanceof Expr.Dot eta) {
      return regression(site, lambda, eta);
    }
    Expr logDensity = total(Expr.sub(Expr.sub(times(x, Expr.log(lambda)), lambda), lgamma(Expr.add(x, one(x)))));
    Expr density = new Expr.Density(Formulas.named("Poisson"), x, List.of(lambda));
    if (!rate.isFree()) {
      return new FactorModel(density, logDensity, List.of(), null);
    }
    Expr n = site.count();
    Expr s = site.statistic("S", x);
    Expr rowSum = site.rowSum(x);
    Expr terms = site.rowSum(total(Expr.sub(times(x, Expr.log(lambda)), lambda)));
    Expr gradient = site.rowSum(Expr.sub(Formulas.over(x, lambda), one(x)));
    Optional<Prior> prior = site.prior("rate");
    Update update;
    if (prior.isEmpty()) {
      update = Update.of("rate", Expr.div(s, n), "weighted mean")
          .withTextbook(Expr.div(rowSum, n))
          .derivedFrom(terms, eq(gradient, Formulas.ZERO),
              "The derivative vanishes where the rate is the responsibility-weighted mean count.");
    } else {
      Prior p = Formulas.conjugate(prior.get(), "Gamma", "a Poisson rate", "Gamma(shape, rate)");
      Formulas.modeInside(p, "shape");
      Expr a1 = Expr.sub(p.arg("shape"), Formulas.ONE);
      Expr b = p.arg("rate");
      update = Update.of("rate", Expr.div(Expr.add(s, fill(a1, x)), Expr.add(n, b)), "posterior mode (Gamma prior)")
          .withTextbook(Expr.div(Expr.add(rowSum, fill(a1, x)), Expr.add(n, b)))
          .derivedFrom(Expr.add(terms, total(Expr.sub(times(fill(a1, x), Expr.log(lambda)), times(fill(b, x), lambda)))),
              eq(Expr.add(gradient, Expr.sub(Formulas.over(fill(a1, x), lambda), fill(b, x))), Formulas.ZERO),
              "The Gamma prior adds a − 1 pseudo-counts over b pseudo-rows: the derivative vanishes at"
                  + " the posterior mode.");
    }
    return new FactorModel(density, logDensity, List.of(update), null);
  }

  /**
   * A Poisson regression, x ~ Poisson(e^{βᵀu}) with u covariates (the log link): log p = x η − e^η
   * − log Γ(x + 1) with η = βᵀu. The terms of Q, Σ r (x η − e^η), are concave in β with gradient
   * S_g = Σ r (x − e^η) u and Hessian −S_w, S_w = Σ r e^η u uᵀ, both at the current β; they have no
   * closed-form maximum. The update is one Newton step toward it, β + S_w⁻¹ S_g, weighted least
   * squares on the working response (IRLS). Unlike the logistic's, the curvature has no bound, so
   * the full step can overshoot: the update is a step ({@link Update#asStep}), which the fit driver
   * shortens when the objective falls. The Newton direction is an ascent direction of the concave
   * terms, so a short enough step raises Q, and a rise of Q never lowers the log-likelihood.
   */
  private static FactorModel regression(FactorSite site, Expr mu, Expr.Dot eta) throws Unsupported {
    Expr x = site.lhs();
    if (!x.shape().isScalar()) {
      throw new Unsupported("a Poisson regression's response must be one count per row");
    }
    Expr beta = eta.left();
    Expr u = eta.right();
    Expr logDensity = Expr.sub(Expr.sub(Expr.mul(x, eta), mu), lgamma(Expr.add(x, one(x))));
    Expr density = new Expr.Density(Formulas.named("Poisson"), x, List.of(mu));
    Expr residual = Expr.sub(x, mu);
    Expr weighted = Expr.mul(mu, Expr.square(u));
    Expr sw = site.statistic("Sw", weighted);
    Expr sg = site.statistic("Sg", Expr.mul(residual, u));
    Update update = Update.of("rate", Expr.add(beta, new Expr.Solve(sw, sg)),
            "Newton (IRLS) step, shortened while the objective falls (generalized EM)")
        .withTextbook(Expr.add(beta, new Expr.Solve(site.rowSum(weighted), site.rowSum(Expr.mul(residual, u)))))
        .derivedFrom(site.rowSum(Expr.sub(Expr.mul(x, eta), mu)), eq(site.rowSum(Expr.mul(residual, u)), Formulas.ZERO),
            "This has no closed-form solution. The terms are concave in the coefficients, with Hessian"
                + " −Σ r exp(βᵀu) u uᵀ, but their curvature has no bound, so emc takes one Newton step from the"
                + " current coefficients (iteratively reweighted least squares), a step toward the maximum"
                + " rather than the maximum. The Newton direction is an ascent direction of the concave terms,"
                + " so a short enough step along it raises Q, and a rise of Q never lowers the log-likelihood"
                + " (generalized EM): when the objective falls after the full step, emc halves the step,"
                + " β_old + t (β_new − β_old) with t = ½, ¼, …, until it does not. The update, with the"
                + " current coefficients on the right:")
        .asStep();
    return new FactorModel(density, logDensity, List.of(update), null);
  }

  @Override
  public void sample(Signature form, List<double[]> args, RandomGenerator rng, double[] out) {
    double[] rates = args.get(0);
    for (int i = 0; i < out.length; i++) {
      out[i] = new PoissonDistribution(Formulas.commons(rng), rates[i], PoissonDistribution.DEFAULT_EPSILON,
          PoissonDistribution.DEFAULT_MAX_ITERATIONS).sample();
    }
  }
}
