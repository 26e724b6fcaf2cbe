package dev.emc.analysis.latent;

import dev.emc.math.Expr;
import dev.emc.math.Function;
import dev.emc.math.Simplify;
import dev.emc.math.Symbol;
import java.util.List;

/**
 * A latent positive scale w given the component, with a Gamma prior and a child whose density in w
 * is a Gamma kernel (a t mixture: w ~ Gamma(ν/2, ν/2), x ~ 𝒩(μ, Σ/w)). Given the row and
 * component k, w's posterior is Gamma(a', b') with a' = a + the child's shape gain (D/2) and
 * b' = b + its rate gain (δ/2, δ the Mahalanobis distance): conjugacy. The E-step's moments are
 * E[w] = a'/b' and E[log w] = ψ(a') − log b', and the marginal of the row given k is, by Bayes'
 * rule at any w, p(x | w) p(w) / p(w | x): taken at w = 1, the child's and the prior's log-densities
 * there less the posterior's, log Gamma(1 | a', b') = a' log b' − log Γ(a') − b'.
 *
 * @param latent w's value per row, as the families' formulas write it
 * @param prior w's statement, as written
 * @param child the statement whose spread w divides, as written
 * @param data the child's left side
 * @param priorLogDensity log Gamma(w | a, b), as the prior's family writes it
 * @param childLogDensity log p(x | w), as the child's family writes it
 */
public record GammaScale(Symbol latent, String prior, String child, String data, Expr shape, Expr rate,
    Expr shapeGain, Expr rateGain, Expr priorLogDensity, Expr childLogDensity, Symbol mean, Symbol meanLog)
    implements Conditional {
  /** E[w] from a' and b', with every row weighing 1 before any spread is set (a start's first M-step). */
  private static final Function GAMMA_MEAN = new Function("gammaMean", "dev.emc.runtime.Special.gammaMean",
      "\\operatorname{E}", "E");
  private static final Function GAMMA_MEAN_LOG = new Function("gammaMeanLog",
      "dev.emc.runtime.Special.gammaMeanLog", "\\operatorname{E}\\log", "E log");

  @Override
  public String name() {
    return latent.name();
  }

  /** a' = a + the child's gain in shape. */
  public Expr posteriorShape() {
    return Simplify.of(Expr.add(shape, shapeGain));
  }

  /** b' = b + the child's gain in rate. */
  public Expr posteriorRate() {
    return Simplify.of(Expr.add(rate, rateGain));
  }

  @Override
  public List<String> integrates() {
    return List.of(latent.name(), data);
  }

  /** log p(x | w = 1) + log Gamma(1 | a, b) − log Gamma(1 | a', b'). */
  @Override
  public Expr marginal() {
    Expr one = Expr.num(1);
    Expr w = new Expr.Sym(latent);
    Expr a = posteriorShape();
    Expr b = posteriorRate();
    Expr posteriorAtOne = Expr.sub(Expr.sub(Expr.mul(a, Expr.log(b)), new Expr.Apply(Function.LOG_GAMMA, a)), b);
    return Simplify.of(Expr.sub(Expr.add(Simplify.substitute(childLogDensity, w, one),
        Simplify.substitute(priorLogDensity, w, one)), posteriorAtOne));
  }

  @Override
  public String posterior() {
    return name() + "'s Gamma posterior, Gamma(a', b'), for " + mean.name() + "_n = E[" + name() + "] = a'/b' and "
        + meanLog.name() + "_n = E[log " + name() + "] = ψ(a') − log b'";
  }

  /** b', the posterior's rate given the row and the component, which both moments read. */
  public Symbol posteriorRateSymbol() {
    return new Symbol("b'", Symbol.Kind.NAME, dev.emc.math.Shape.SCALAR, true, true);
  }

  @Override
  public List<Moment> moments() {
    Expr a = posteriorShape();
    Expr b = new Expr.Sym(posteriorRateSymbol());
    return List.of(
        new Moment(posteriorRateSymbol(), posteriorRate(), posteriorRate(), "the posterior's rate"),
        new Moment(mean, Expr.div(a, b), new Expr.Apply(GAMMA_MEAN, List.of(a, b)),
            "E[" + name() + " | x_n, z_n = k]"),
        new Moment(meanLog, Expr.sub(new Expr.Apply(Function.DIGAMMA, a), Expr.log(b)),
            new Expr.Apply(GAMMA_MEAN_LOG, List.of(a, b)), "E[log " + name() + " | x_n, z_n = k]"));
  }

  @Override
  public <R> R accept(Visitor<R> v) {
    return v.visitGammaScale(this);
  }
}
