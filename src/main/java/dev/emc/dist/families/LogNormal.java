package dev.emc.dist.families;

import static dev.emc.dist.families.Forms.eq;

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
import dev.emc.types.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/** Positive values whose logarithm is normal with mean μ and variance σ². */
public final class LogNormal implements Family {
  @Override
  public String name() {
    return "LogNormal";
  }

  @Override
  public List<Signature> signatures() {
    return List.of(Signature.of("log-normal", Type.POSITIVE,
        new Param("meanlog", Type.REAL), new Param("varlog", Type.POSITIVE)));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.DATA);
  }

  /**
   * log p(x | μ, σ²) = −log x − ½ (log 2π + log σ² + (log x − μ)² / σ²): a normal density of log x
   * and the Jacobian of the logarithm, so the updates are the normal ones on log x, with statistics
   * centred at the current μ.
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
    Expr logDensity = Expr.sub(Expr.mul(-0.5, Expr.add(Expr.add(Expr.log(Expr.num(2 * Math.PI)),
        Expr.log(s2)), Expr.div(Expr.square(centred), s2))), y);
    Expr density = new Expr.Density(Forms.named("LogNormal"), x, List.of(mu, s2));
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
          .derivedFrom(Expr.mul(-0.5, site.rowSum(Expr.div(Expr.square(centred), s2))),
              eq(site.rowSum(Expr.div(centred, s2)), Forms.ZERO),
              "The derivative vanishes where μ is the responsibility-weighted mean of log x."));
    }
    if (varArg.isFree()) {
      Expr sq = site.statistic("S2", Expr.square(centred));
      Expr scatter = delta == null ? sq : Expr.sub(sq, Expr.mul(n, Expr.square(delta)));
      boolean pooled = !varArg.perComponent() && site.perComponent();
      Expr rows = pooled ? site.total() : n;
      Expr rowScatter = pooled ? site.sumOverComponents(site.rowSum(Expr.square(centred)))
          : site.rowSum(Expr.square(centred));
      updates.add(Update.of("varlog", Expr.div(pooled ? site.sumOverComponents(scatter) : scatter, rows),
              "weighted scatter of log x about the new mean")
          .withTextbook(Expr.div(rowScatter, rows))
          .derivedFrom(Expr.mul(-0.5, site.rowSum(Expr.add(Expr.log(s2), Expr.div(Expr.square(centred), s2)))),
              eq(Expr.add(Expr.mul(-0.5, Expr.div(rows, s2)), Expr.mul(0.5, Expr.div(rowScatter, Expr.square(s2)))),
                  Forms.ZERO),
              "The derivative vanishes where σ² is the responsibility-weighted scatter of log x about the"
                  + " new mean."));
    }
    return new FactorModel(density, logDensity, updates, null);
  }

  @Override
  public void sample(Signature form, List<double[]> args, RandomGenerator rng, double[] out) {
    out[0] = Math.exp(args.get(0)[0] + Math.sqrt(args.get(1)[0]) * rng.nextGaussian());
  }
}
