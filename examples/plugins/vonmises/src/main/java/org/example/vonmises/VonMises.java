package org.example.vonmises;

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
import dev.emc.types.Type;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Angles (radians) around a mean direction μ with concentration κ:
 * p(θ) = exp(κ cos(θ − μ)) / (2π I₀(κ)). A distribution emc does not ship, added as a plugin: one
 * class, registered in META-INF/services/dev.emc.dist.Family.
 */
public final class VonMises implements Family {
  private static final String MATH = "org.example.vonmises.VonMisesMath.";
  private static final Function COS = new Function("cos", "Math.cos", "\\cos", "cos");
  private static final Function SIN = new Function("sin", "Math.sin", "\\sin", "sin");
  private static final Function LOG_I0 = new Function("logI0", MATH + "logI0", "\\log I_0", "log I₀");
  private static final Function A = new Function("A", MATH + "a", "A", "A");
  private static final Function A_INVERSE = new Function("kappa", MATH + "kappa", "A^{-1}", "A⁻¹");
  private static final Expr.Notation NOTATION = new Expr.Notation("vM", "\\operatorname{vM}",
      "<mi mathvariant=\"normal\">vM</mi>");

  @Override
  public String name() {
    return "VonMises";
  }

  @Override
  public List<Signature> signatures() {
    return List.of(Signature.of("von Mises (angles in radians)", Type.REAL,
        new Param("direction", Type.REAL), new Param("concentration", Type.POSITIVE)));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.DATA);
  }

  /**
   * log p(θ | μ, κ) = κ cos(θ − μ) − log 2π − log I₀(κ). With C = Σ r cos θ and S = Σ r sin θ, the
   * terms of Q are κ (C cos μ + S sin μ) − N_k log I₀(κ): greatest at μ = atan2(S, C) whatever κ,
   * and then at the κ with A(κ) = I₁(κ)/I₀(κ) = √(C² + S²)/N_k, which has no closed form.
   */
  @Override
  public FactorModel factor(FactorSite site) throws Unsupported {
    Expr theta = site.lhs();
    Arg mean = site.arg("direction");
    Arg conc = site.arg("concentration");
    Expr mu = mean.value();
    Expr kappa = conc.value();
    Expr cos = new Expr.Apply(COS, Expr.sub(theta, mu));
    Expr logDensity = Expr.sub(Expr.sub(Expr.mul(kappa, cos), Expr.log(Expr.num(2 * Math.PI))),
        new Expr.Apply(LOG_I0, kappa));
    Expr density = new Expr.Density(NOTATION, theta, List.of(mu, kappa));
    if (!mean.isFree() || !conc.isFree() || mean.perComponent() != conc.perComponent()) {
      throw new Unsupported("fit both the direction and the concentration, per component");
    }
    Expr n = site.count();
    Expr c = site.statistic("C", new Expr.Apply(COS, theta));
    Expr s = site.statistic("S", new Expr.Apply(SIN, theta));
    Expr sumCos = site.rowSum(new Expr.Apply(COS, theta));
    Expr sumSin = site.rowSum(new Expr.Apply(SIN, theta));
    Expr resultant = Expr.div(new Expr.Apply(Function.SQRT, Expr.add(Expr.square(c), Expr.square(s))), n);
    Expr textbookResultant = Expr.div(new Expr.Apply(Function.SQRT,
        Expr.add(Expr.square(sumCos), Expr.square(sumSin))), n);
    Expr zero = Expr.num(0);
    return new FactorModel(density, logDensity, List.of(
        Update.of("direction", new Expr.Apply(Function.ATAN2, List.of(s, c)), "mean direction")
            .withTextbook(new Expr.Apply(Function.ATAN2, List.of(sumSin, sumCos)))
            .derivedFrom(site.rowSum(Expr.mul(kappa, cos)),
                new Expr.Relation(Expr.Relation.Op.EQ,
                    site.rowSum(Expr.mul(kappa, new Expr.Apply(SIN, Expr.sub(theta, mu)))), zero),
                "The derivative vanishes where the direction is that of the responsibility-weighted sum"
                    + " of the angles' unit vectors."),
        Update.of("concentration", new Expr.Apply(A_INVERSE, resultant), "Newton's method")
            .withTextbook(new Expr.Apply(A_INVERSE, textbookResultant))
            .derivedFrom(site.rowSum(Expr.sub(Expr.mul(kappa, cos), new Expr.Apply(LOG_I0, kappa))),
                new Expr.Relation(Expr.Relation.Op.EQ, site.rowSum(Expr.sub(cos,
                    new Expr.Apply(A, kappa))), zero),
                "With d log I₀(κ)/dκ = A(κ) = I₁(κ)/I₀(κ), the derivative vanishes where A(κ) is the mean"
                    + " resultant length; A has no closed-form inverse, so emc solves it by Newton's method.")),
        null);
  }

  /** Best and Fisher's (1979) rejection sampler. */
  @Override
  public void sample(Signature form, List<double[]> args, RandomGenerator rng, double[] out) {
    double mu = args.get(0)[0];
    double kappa = args.get(1)[0];
    if (kappa < 1e-8) {
      out[0] = Math.PI * (2 * rng.nextDouble() - 1);
      return;
    }
    double tau = 1 + Math.sqrt(1 + 4 * kappa * kappa);
    double rho = (tau - Math.sqrt(2 * tau)) / (2 * kappa);
    double r = (1 + rho * rho) / (2 * rho);
    while (true) {
      double z = Math.cos(Math.PI * rng.nextDouble());
      double f = (1 + r * z) / (r + z);
      double c = kappa * (r - f);
      double u = rng.nextDouble();
      if (c * (2 - c) > u || Math.log(c / u) + 1 >= c) {
        double angle = mu + Math.signum(rng.nextDouble() - 0.5) * Math.acos(f);
        out[0] = Math.atan2(Math.sin(angle), Math.cos(angle));
        return;
      }
    }
  }
}
