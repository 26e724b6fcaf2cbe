package dev.emc.dist.families;

import static dev.emc.dist.Formulas.eq;
import static dev.emc.dist.Formulas.fill;
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

/** A 0/1 value that is 1 with probability p; for a vector, independent ones with probabilities p_d. */
public final class Bernoulli implements Family {
  private static final Dim D = Dim.of("D");

  @Override
  public String name() {
    return "Bernoulli";
  }

  @Override
  public List<Signature> signatures() {
    return List.of(
        Signature.of("independent Bernoulli values", Type.BINARY.vectorOf(D),
            new Param("probability", Type.PROBABILITY.vectorOf(D))),
        Signature.of("Bernoulli", Type.BINARY, new Param("probability", Type.PROBABILITY)));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.DATA);
  }

  /**
   * log p(x | p) = x log p + (1 − x) log(1 − p). Its terms of Q are greatest at the weighted mean
   * p = Σ r x / N_k; a Beta(a, b) prior makes it (Σ r x + a − 1) / (N_k + a + b − 2).
   */
  @Override
  public FactorModel factor(FactorSite site) throws Unsupported {
    Expr x = site.lhs();
    Arg prob = site.arg("probability");
    Expr p = prob.value();
    if (prob.isFree() && p instanceof Expr.Apply a && a.function() == Function.LOGISTIC
        && a.arg() instanceof Expr.Dot eta) {
      return logistic(site, p, eta);
    }
    Expr q = Expr.sub(one(p), p);
    // 0 · log 0 = 0: a column that is always 1 (or 0) has p = 1 (or 0), and its other term vanishes.
    Expr logDensity = total(Expr.add(Expr.timesLog(x, p), Expr.timesLog(Expr.sub(one(x), x), q)));
    Expr density = new Expr.Density(Formulas.named("Bernoulli"), x, List.of(p));
    if (!prob.isFree()) {
      return new FactorModel(density, logDensity, List.of(), null);
    }
    Expr n = site.count();
    Expr s = site.statistic("S", x);
    Expr rowSum = site.rowSum(x);
    Expr terms = site.rowSum(logDensity);
    Expr gradient = site.rowSum(Expr.sub(Formulas.over(x, p), Formulas.over(Expr.sub(one(x), x), q)));
    Optional<Prior> prior = site.prior("probability");
    Update update;
    if (prior.isEmpty()) {
      update = Update.of("probability", Expr.div(s, n), "weighted mean")
          .withTextbook(Expr.div(rowSum, n))
          .derivedFrom(terms, eq(gradient, Formulas.ZERO),
              "The derivative vanishes where the probability is the responsibility-weighted share of ones.");
    } else {
      Prior pr = Formulas.conjugate(prior.get(), "Beta", "a Bernoulli probability", "Beta(a, b)");
      Formulas.modeInside(pr, "a", "b");
      Expr a1 = Expr.sub(pr.arg("a"), Formulas.ONE);
      Expr b1 = Expr.sub(pr.arg("b"), Formulas.ONE);
      update = Update.of("probability", Expr.div(Expr.add(s, fill(a1, x)), Expr.add(n, Expr.add(a1, b1))),
              "posterior mode (Beta prior)")
          .withTextbook(Expr.div(Expr.add(rowSum, fill(a1, x)), Expr.add(n, Expr.add(a1, b1))))
          .derivedFrom(Expr.add(terms, total(Expr.add(times(fill(a1, x), Expr.log(p)), times(fill(b1, x), Expr.log(q))))),
              eq(Expr.add(gradient, Expr.sub(Formulas.over(fill(a1, x), p), Formulas.over(fill(b1, x), q))),
                  Formulas.ZERO),
              "The Beta prior adds a − 1 ones and b − 1 zeros: the derivative vanishes at the posterior mode.");
    }
    return new FactorModel(density, logDensity, List.of(update), null);
  }

  /**
   * A logistic regression, x ~ Bernoulli(σ(βᵀu)) with u covariates: log p = x η − log(1 + e^η) with
   * η = βᵀu. Its terms of Q have no closed-form maximum, so the update is a generalized EM step:
   * the Hessian of the terms, −Σ r σ(1 − σ) u uᵀ, is never below −¼ Σ r u uᵀ (Böhning and Lindsay,
   * 1988), so the quadratic with that curvature and the terms' gradient at the current β is a lower
   * bound that touches them there. Its maximum, β + 4 S_uu⁻¹ S_g with S_uu = Σ r u uᵀ and
   * S_g = Σ r (x − σ(βᵀu)) u, never lowers Q, and EM stays monotone (the fit fails loudly if the
   * objective ever falls). S_uu is fixed by the data; S_g is at the current coefficients.
   */
  private static FactorModel logistic(FactorSite site, Expr p, Expr.Dot eta) throws Unsupported {
    Expr x = site.lhs();
    if (!x.shape().isScalar()) {
      throw new Unsupported("a logistic regression's response must be one 0/1 value per row");
    }
    Expr beta = eta.left();
    Expr u = eta.right();
    Expr logDensity = Expr.sub(Expr.mul(x, eta), new Expr.Apply(Function.LOG1P_EXP, eta));
    Expr density = new Expr.Density(Formulas.named("Bernoulli"), x, List.of(p));
    Expr residual = Expr.sub(x, p);
    Expr suu = site.statistic("Suu", Expr.square(u));
    Expr sg = site.statistic("Sg", Expr.mul(residual, u));
    Update update = Update.of("probability", Expr.add(beta, Expr.mul(4, new Expr.Solve(suu, sg))),
            "generalized EM step: the maximum of Böhning and Lindsay's quadratic lower bound")
        .withTextbook(Expr.add(beta, Expr.mul(4,
            new Expr.Solve(site.rowSum(Expr.square(u)), site.rowSum(Expr.mul(residual, u))))))
        .derivedFrom(site.rowSum(logDensity), eq(site.rowSum(Expr.mul(residual, u)), Expr.num(0)),
            "This has no closed-form solution. The Hessian of the terms, −Σ r σ(1 − σ) u uᵀ, is never below"
                + " −¼ Σ r u uᵀ (Böhning and Lindsay, 1988), so the quadratic with that curvature and the"
                + " terms' value and gradient at the current coefficients is a lower bound that touches them"
                + " there. Its maximum never lowers Q: a generalized EM step, and EM stays monotone"
                + " (the fit fails if the objective ever falls). The update, with the current coefficients on the right:");
    return new FactorModel(density, logDensity, List.of(update), null);
  }

  @Override
  public void sample(Signature form, List<double[]> args, RandomGenerator rng, double[] out) {
    double[] p = args.get(0);
    for (int i = 0; i < out.length; i++) {
      out[i] = rng.nextDouble() < p[i] ? 1 : 0;
    }
  }
}
