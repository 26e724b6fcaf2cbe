package dev.emc.dist.families;

import static dev.emc.dist.Formulas.eq;
import static dev.emc.dist.Formulas.lgamma;

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
import org.apache.commons.math3.distribution.BinomialDistribution;

/** The successes x out of a known number of trials m, each a success with probability p. */
public final class Binomial implements Family {
  @Override
  public String name() {
    return "Binomial";
  }

  @Override
  public List<Signature> signatures() {
    return List.of(Signature.of("binomial with known trials", Type.COUNT,
        new Param("trials", Type.COUNT), new Param("probability", Type.PROBABILITY)));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.DATA);
  }

  /** A row's own number of trials, a covariate, keeps the M-step closed-form. */
  @Override
  public boolean takesPerRow(Signature form, String param) {
    return param.equals("trials");
  }

  /**
   * log p(x | m, p) = log C(m, x) + x log p + (m − x) log(1 − p). Its terms of Q are greatest at
   * p = Σ r x / (m N_k), or Σ r x / Σ r m with each row's own m; a Beta(a, b) prior makes it
   * (Σ r x + a − 1) / (m N_k + a + b − 2).
   */
  @Override
  public FactorModel factor(FactorSite site) throws Unsupported {
    Expr x = site.lhs();
    Arg trials = site.arg("trials");
    if (trials.isFree()) {
      throw new Unsupported("the number of trials must be known: give a number, a constant or a covariate");
    }
    Arg prob = site.arg("probability");
    Expr m = trials.value();
    Expr p = prob.value();
    Expr q = Expr.sub(Formulas.ONE, p);
    Expr choose = Expr.sub(Expr.sub(lgamma(Expr.add(m, Formulas.ONE)), lgamma(Expr.add(x, Formulas.ONE))),
        lgamma(Expr.add(Expr.sub(m, x), Formulas.ONE)));
    // 0 · log 0 = 0: no successes (or no failures) anywhere give p = 0 (or 1).
    Expr kernel = Expr.add(Expr.timesLog(x, p), Expr.timesLog(Expr.sub(m, x), q));
    Expr logDensity = Expr.add(choose, kernel);
    Expr density = new Expr.Density(Formulas.named("Binomial"), x, List.of(m, p));
    List<Expr> support = List.of(new Expr.Relation(Expr.Relation.Op.LE, x, m));
    if (!prob.isFree()) {
      return new FactorModel(density, logDensity, List.of(), null, support);
    }
    Expr n = site.count();
    Expr s = site.statistic("S", x);
    Expr rowSum = site.rowSum(x);
    Expr terms = site.rowSum(kernel);
    Expr gradient = site.rowSum(Expr.sub(Expr.div(x, p), Expr.div(Expr.sub(m, x), q)));
    Expr trialsTotal = trials.perRow() ? site.statistic("T", m) : Expr.mul(m, n);
    Expr trialsSum = trials.perRow() ? site.rowSum(m) : trialsTotal;
    Optional<Prior> prior = site.prior("probability");
    Update update;
    if (prior.isEmpty()) {
      update = Update.of("probability", Expr.div(s, trialsTotal), "weighted share of successes")
          .withTextbook(Expr.div(rowSum, trialsSum))
          .derivedFrom(terms, eq(gradient, Formulas.ZERO),
              "The derivative vanishes where p is the responsibility-weighted share of successes among"
                  + " the trials.");
    } else {
      Prior pr = Formulas.conjugate(prior.get(), "Beta", "a binomial probability", "Beta(a, b)");
      Formulas.modeInside(pr, "a", "b");
      Expr a1 = Expr.sub(pr.arg("a"), Formulas.ONE);
      Expr b1 = Expr.sub(pr.arg("b"), Formulas.ONE);
      update = Update.of("probability", Expr.div(Expr.add(s, a1), Expr.add(trialsTotal, Expr.add(a1, b1))),
              "posterior mode (Beta prior)")
          .withTextbook(Expr.div(Expr.add(rowSum, a1), Expr.add(trialsSum, Expr.add(a1, b1))))
          .derivedFrom(Expr.add(terms, Expr.add(Expr.mul(a1, Expr.log(p)), Expr.mul(b1, Expr.log(q)))),
              eq(Expr.add(gradient, Expr.sub(Expr.div(a1, p), Expr.div(b1, q))), Formulas.ZERO),
              "The Beta prior adds a − 1 successes and b − 1 failures: the derivative vanishes at the"
                  + " posterior mode.");
    }
    return new FactorModel(density, logDensity, List.of(update), null, support);
  }

  @Override
  public void sample(Signature form, List<double[]> args, RandomGenerator rng, double[] out) {
    out[0] = new BinomialDistribution(Formulas.commons(rng), (int) args.get(0)[0], args.get(1)[0]).sample();
  }
}
