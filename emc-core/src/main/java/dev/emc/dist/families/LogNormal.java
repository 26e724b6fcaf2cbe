package dev.emc.dist.families;

import static dev.emc.dist.Formulas.eq;
import static dev.emc.dist.Formulas.over;
import static dev.emc.dist.Formulas.squared;
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
import dev.emc.types.Dim;
import dev.emc.types.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Positive values whose logarithm is normal with mean μ and variance σ². For a vector, independent
 * coordinates, each with its own μ_d and σ²_d.
 */
public final class LogNormal implements Family {
  private static final Dim D = Dim.of("D");

  @Override
  public String name() {
    return "LogNormal";
  }

  @Override
  public List<Signature> signatures() {
    return List.of(Signature.of("log-normal", Type.POSITIVE,
            new Param("meanlog", Type.REAL), new Param("varlog", Type.POSITIVE)),
        Signature.of("independent log-normals", Type.POSITIVE.vectorOf(D),
            new Param("meanlog", Type.vector(D)), new Param("varlog", Type.POSITIVE.vectorOf(D))));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.DATA);
  }

  /**
   * log p(x | μ, σ²) = −log x − ½ (log 2π + log σ² + (log x − μ)² / σ²): a normal density of log x
   * and the Jacobian of the logarithm, so the updates are the normal ones on log x, with statistics
   * centred at the current μ. For a vector, the same for each coordinate (squares are element
   * by element).
   */
  @Override
  public FactorModel factor(FactorSite site) throws Unsupported {
    Expr x = site.lhs();
    Expr y = Expr.log(x);
    Arg meanArg = site.arg("meanlog");
    Arg varArg = site.arg("varlog");
    Expr mu = meanArg.value();
    Expr s2 = varArg.value();
    Expr centred = Expr.sub(y, mu);
    Expr log2pi = Expr.log(Expr.num(2 * Math.PI));
    Expr normalizer = x.shape().isScalar() ? log2pi : Expr.mul(Expr.size(x.shape().dim()), log2pi);
    Expr logDensity = Expr.sub(
        Expr.mul(-0.5, Expr.add(Expr.add(normalizer, logVariance(s2)), quadratic(s2, centred))), total(y));
    Expr density = new Expr.Density(Formulas.named("LogNormal"), x, List.of(mu, s2));
    if (meanArg.isFree() && varArg.isFree() && !meanArg.perComponent() && varArg.perComponent()) {
      throw new Unsupported("index the mean of the log and its variance alike, or only the mean");
    }
    Expr n = site.count();
    List<Update> updates = new ArrayList<>();
    Expr delta = null;
    if (meanArg.isFree()) {
      delta = Expr.div(site.statistic("S1", centred), n);
      updates.add(Update.of("meanlog", Expr.add(mu, delta), "weighted mean of log x")
          .withTextbook(Expr.div(site.rowSum(y), n))
          .derivedFrom(Expr.mul(-0.5, site.rowSum(quadratic(s2, centred))),
              eq(site.rowSum(over(centred, s2)), Formulas.ZERO),
              "The derivative vanishes where μ is the responsibility-weighted mean of log x."));
    }
    if (varArg.isFree()) {
      Expr sq = site.statistic("S2", squared(centred));
      Expr scatter = delta == null ? sq : Expr.sub(sq, Expr.mul(n, squared(delta)));
      boolean pooled = !varArg.perComponent() && site.perComponent();
      Expr rows = pooled ? site.total() : n;
      Expr rowScatter = pooled ? site.sumOverComponents(site.rowSum(squared(centred)))
          : site.rowSum(squared(centred));
      updates.add(Update.of("varlog", Expr.div(pooled ? site.sumOverComponents(scatter) : scatter, rows),
              "weighted scatter of log x about the new mean")
          .withTextbook(Expr.div(rowScatter, rows))
          .derivedFrom(Expr.mul(-0.5, site.rowSum(Expr.add(logVariance(s2), quadratic(s2, centred)))),
              eq(Expr.add(Expr.mul(-0.5, over(rows, s2)), Expr.mul(0.5, over(rowScatter, squared(s2)))),
                  Formulas.ZERO),
              "The derivative vanishes where σ² is the responsibility-weighted scatter of log x about the"
                  + " new mean."));
    }
    return new FactorModel(density, logDensity, updates, null);
  }

  /** (log x − μ)² / σ²; for a vector, Σ_d of it, as the diagonal normal writes it. */
  private static Expr quadratic(Expr s2, Expr centred) {
    return centred.shape().isVector() ? new Expr.QuadInv(s2, centred) : Expr.div(Expr.square(centred), s2);
  }

  /** log σ²; for a vector, Σ_d log σ²_d. */
  private static Expr logVariance(Expr s2) {
    return s2.shape().isVector() ? new Expr.LogDet(s2) : Expr.log(s2);
  }

  @Override
  public void sample(Signature form, List<double[]> args, RandomGenerator rng, double[] out) {
    double[] mean = args.get(0);
    double[] variance = args.get(1);
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.exp(mean[i] + Math.sqrt(variance[i]) * rng.nextGaussian());
    }
  }
}
