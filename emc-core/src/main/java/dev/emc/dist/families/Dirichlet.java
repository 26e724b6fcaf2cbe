package dev.emc.dist.families;

import static dev.emc.dist.Formulas.lgamma;

import dev.emc.dist.Family;
import dev.emc.dist.Formulas;
import dev.emc.dist.Param;
import dev.emc.dist.Signature;
import dev.emc.dist.Use;
import dev.emc.math.Expr;
import dev.emc.math.Function;
import dev.emc.types.Dim;
import dev.emc.types.Type;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.apache.commons.math3.distribution.GammaDistribution;

/** The Dirichlet distribution on the simplex, the conjugate prior of a categorical's weights. */
public final class Dirichlet implements Family {
  private static final Dim K = Dim.of("K");

  @Override
  public String name() {
    return "Dirichlet";
  }

  @Override
  public List<Signature> signatures() {
    return List.of(Signature.of("symmetric Dirichlet", Type.simplex(K),
        new Param("concentration", Type.POSITIVE)));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.PRIOR);
  }

  /** log p(φ | α) = log Γ(Kα) − K log Γ(α) + (α − 1) Σ_j log φ_j. */
  @Override
  public Expr priorLogDensity(Signature form, List<Expr> values, List<Expr> args) {
    Expr phi = values.get(0);
    Expr alpha = args.get(0);
    Expr k = Expr.size(phi.shape().dim());
    return Expr.add(Expr.sub(lgamma(Expr.mul(k, alpha)), Expr.mul(k, lgamma(alpha))),
        // 0 · log 0 = 0: with α = 1 an empty component's weight is 0.
        new Expr.Apply(Function.TIMES_LOG, List.of(Expr.sub(alpha, Formulas.ONE), new Expr.Total(Expr.log(phi)))));
  }

  @Override
  public void sample(Signature form, List<double[]> args, RandomGenerator rng, double[] out) {
    double sum = 0;
    for (int i = 0; i < out.length; i++) {
      out[i] = new GammaDistribution(Formulas.commons(rng), args.get(0)[0], 1).sample();
      sum += out[i];
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= sum;
    }
  }
}
