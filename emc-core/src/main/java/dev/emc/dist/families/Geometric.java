package dev.emc.dist.families;

import static dev.emc.dist.Formulas.eq;

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
import dev.emc.types.Type;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The number of failures before the first success, x ∈ {0, 1, 2, …}, with success probability p:
 * p(x) = (1 − p)^x p.
 */
public final class Geometric implements Family {
  @Override
  public String name() {
    return "Geometric";
  }

  @Override
  public List<Signature> signatures() {
    return List.of(Signature.of("geometric (failures before a success)", Type.COUNT,
        new Param("probability", Type.PROBABILITY)));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.DATA);
  }

  /**
   * log p(x | p) = x log(1 − p) + log p. Its terms of Q are greatest at p = N_k / (N_k + Σ r x),
   * one over one plus the mean; a Beta(a, b) prior makes it (N_k + a − 1) / (N_k + Σ r x + a + b − 2).
   */
  @Override
  public FactorModel factor(FactorSite site) throws Unsupported {
    Expr x = site.lhs();
    Arg prob = site.arg("probability");
    Expr p = prob.value();
    Expr q = Expr.sub(Formulas.ONE, p);
    // 0 · log 0 = 0: counts that are all 0 give p = 1.
    Expr logDensity = Expr.add(Expr.timesLog(x, q), Expr.log(p));
    Expr density = new Expr.Density(Formulas.named("Geometric"), x, List.of(p));
    if (!prob.isFree()) {
      return new FactorModel(density, logDensity, List.of(), null);
    }
    Expr n = site.count();
    Expr s = site.statistic("S", x);
    Expr rowSum = site.rowSum(x);
    Expr terms = site.rowSum(logDensity);
    Expr gradient = site.rowSum(Expr.sub(Expr.div(Formulas.ONE, p), Expr.div(x, q)));
    Optional<Prior> prior = site.prior("probability");
    Update update;
    if (prior.isEmpty()) {
      update = Update.of("probability", Expr.div(n, Expr.add(n, s)), "one over one plus the weighted mean")
          .withTextbook(Expr.div(n, Expr.add(n, rowSum)))
          .derivedFrom(terms, eq(gradient, Formulas.ZERO),
              "The derivative vanishes where p is one over one plus the responsibility-weighted mean.");
    } else {
      Prior pr = Formulas.conjugate(prior.get(), "Beta", "a geometric probability", "Beta(a, b)");
      Formulas.modeInside(pr, "a", "b");
      Expr a1 = Expr.sub(pr.arg("a"), Formulas.ONE);
      Expr b1 = Expr.sub(pr.arg("b"), Formulas.ONE);
      update = Update.of("probability", Expr.div(Expr.add(n, a1), Expr.add(Expr.add(n, s), Expr.add(a1, b1))),
              "posterior mode (Beta prior)")
          .withTextbook(Expr.div(Expr.add(n, a1), Expr.add(Expr.add(n, rowSum), Expr.add(a1, b1))))
          .derivedFrom(Expr.add(terms, Expr.add(Expr.mul(a1, Expr.log(p)), Expr.mul(b1, Expr.log(q)))),
              eq(Expr.add(gradient, Expr.sub(Expr.div(a1, p), Expr.div(b1, q))), Formulas.ZERO),
              "The Beta prior adds a − 1 successes and b − 1 failures: the derivative vanishes at the"
                  + " posterior mode.");
    }
    return new FactorModel(density, logDensity, List.of(update), null);
  }

  @Override
  public void sample(Signature form, List<double[]> args, RandomGenerator rng, double[] out) {
    double p = args.get(0)[0];
    out[0] = p >= 1 ? 0 : Math.floor(Math.log1p(-rng.nextDouble()) / Math.log1p(-p));
  }
}
