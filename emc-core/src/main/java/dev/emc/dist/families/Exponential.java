package dev.emc.dist.families;

import static dev.emc.dist.Formulas.eq;
import static dev.emc.dist.Formulas.fill;
import static dev.emc.dist.Formulas.over;
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
import dev.emc.types.Dim;
import dev.emc.types.Type;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Positive values with a rate λ: p(x) = λ e^{−λx}. For a vector, independent coordinates with
 * rates λ_d.
 */
public final class Exponential implements Family {
  private static final Dim D = Dim.of("D");

  @Override
  public String name() {
    return "Exponential";
  }

  @Override
  public List<Signature> signatures() {
    return List.of(Signature.of("exponential", Type.POSITIVE, new Param("rate", Type.POSITIVE)),
        Signature.of("independent exponentials", Type.POSITIVE.vectorOf(D),
            new Param("rate", Type.POSITIVE.vectorOf(D))));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.DATA);
  }

  /**
   * log p(x | λ) = log λ − λx. The rate's terms of Q, Σ r (log λ − λx), are greatest at
   * λ = N_k / Σ r x; a Gamma(a, b) prior makes it (N_k + a − 1) / (Σ r x + b). For a vector, each
   * coordinate's rate the same way from its own sum.
   */
  @Override
  public FactorModel factor(FactorSite site) throws Unsupported {
    Expr x = site.lhs();
    Arg rate = site.arg("rate");
    Expr lambda = rate.value();
    Expr logDensity = total(Expr.sub(Expr.log(lambda), times(lambda, x)));
    Expr density = new Expr.Density(Formulas.named("Exp"), x, List.of(lambda));
    if (!rate.isFree()) {
      return new FactorModel(density, logDensity, List.of(), null);
    }
    Expr n = site.count();
    Expr s = site.statistic("S", x);
    Expr rowSum = site.rowSum(x);
    Expr terms = site.rowSum(logDensity);
    Expr gradient = site.rowSum(Expr.sub(Formulas.reciprocal(lambda), x));
    Optional<Prior> prior = site.prior("rate");
    Update update;
    if (prior.isEmpty()) {
      update = Update.of("rate", over(n, s), "inverse weighted mean")
          .withTextbook(over(n, rowSum))
          .derivedFrom(terms, eq(gradient, Formulas.ZERO),
              "The derivative vanishes where the rate is the inverse of the responsibility-weighted mean.");
    } else {
      Prior p = Formulas.conjugate(prior.get(), "Gamma", "an exponential rate", "Gamma(shape, rate)");
      Formulas.modeInside(p, "shape");
      Expr a1 = Expr.sub(p.arg("shape"), Formulas.ONE);
      Expr b = p.arg("rate");
      update = Update.of("rate", over(Expr.add(n, a1), Expr.add(s, fill(b, x))), "posterior mode (Gamma prior)")
          .withTextbook(over(Expr.add(n, a1), Expr.add(rowSum, fill(b, x))))
          .derivedFrom(Expr.add(terms, total(Expr.sub(Expr.mul(a1, Expr.log(lambda)), Expr.mul(b, lambda)))),
              eq(Expr.add(gradient, Expr.sub(over(a1, lambda), fill(b, x))), Formulas.ZERO),
              "The Gamma prior adds a − 1 pseudo-rows with a total of b: the derivative vanishes at the"
                  + " posterior mode.");
    }
    return new FactorModel(density, logDensity, List.of(update), null);
  }

  @Override
  public void sample(Signature form, List<double[]> args, RandomGenerator rng, double[] out) {
    double[] rates = args.get(0);
    for (int i = 0; i < out.length; i++) {
      out[i] = -Math.log1p(-rng.nextDouble()) / rates[i];
    }
  }
}
