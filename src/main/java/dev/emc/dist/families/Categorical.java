package dev.emc.dist.families;

import dev.emc.dist.Arg;
import dev.emc.dist.Family;
import dev.emc.dist.FactorModel;
import dev.emc.dist.FactorSite;
import dev.emc.dist.Param;
import dev.emc.dist.Signature;
import dev.emc.dist.Unsupported;
import dev.emc.dist.Update;
import dev.emc.dist.Use;
import dev.emc.math.Expr;
import dev.emc.math.Symbol;
import dev.emc.types.Dim;
import dev.emc.types.Type;
import java.util.List;
import java.util.Set;

/** One of K categories, 1..K, with probabilities on the simplex. */
public final class Categorical implements Family {
  private static final Dim K = Dim.of("K");

  @Override
  public String name() {
    return "Categorical";
  }

  @Override
  public List<Signature> signatures() {
    return List.of(Signature.of("categorical", Type.category(K),
        new Param("probabilities", Type.simplex(K))));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.LATENT, Use.DATA);
  }

  /**
   * log p(y) = log p_y. Maximizing Σ_n E[log p_{y_n}] subject to Σ_j p_j = 1 with a Lagrange
   * multiplier gives p_j = (expected count of j) / (total): for the latent variable itself,
   * φ_k = N_k / N; for observed categories, θ_kj = Σ_n r_nk [y_n = j] / N_k.
   */
  @Override
  public FactorModel factor(FactorSite site) throws Unsupported {
    Arg p = site.arg("probabilities");
    Expr probability = new Expr.At(p.value(), site.lhs());
    Expr logDensity = Expr.log(probability);
    if (!p.isFree()) {
      return new FactorModel(probability, logDensity, List.of(), null);
    }
    Expr lambda = Expr.sym(Symbol.name("lambda"));
    Expr zero = Expr.num(0);
    if (site.lhsIsLatent()) {
      if (p.perComponent()) {
        throw new Unsupported("the latent variable's probabilities cannot depend on itself");
      }
      Expr nk = site.count();
      Expr lagrangian = Expr.sub(site.sumOverOtherComponents(Expr.mul(nk, logDensity)),
          Expr.mul(lambda, Expr.sub(site.sumOverOtherComponents(probability), Expr.num(1))));
      return new FactorModel(probability, logDensity, List.of(Update.of("probabilities",
              Expr.div(site.counts(), site.total()), "Lagrange multiplier")
          .withTarget(probability)
          .withTextbook(Expr.div(nk, site.total()))
          .derivedFrom(
              new Expr.Relation(Expr.Relation.Op.EQ,
                  site.sumOverComponents(site.rowSum(logDensity)),
                  site.sumOverComponents(Expr.mul(nk, logDensity))),
              new Expr.Relation(Expr.Relation.Op.EQ, new Expr.Partial(lagrangian, probability),
                  new Expr.Relation(Expr.Relation.Op.EQ, Expr.sub(Expr.div(nk, probability), lambda), zero)),
              "The probabilities must sum to 1, so the Lagrangian adds λ times that constraint;"
                  + " its derivative vanishes where each probability is its count over λ, and"
                  + " summing over the components gives λ = N.")),
          null);
    }
    Dim categories = p.value().shape().dim();
    Expr counts = site.statistic("C", new Expr.OneHot(site.lhs(), categories));
    Expr oneHot = new Expr.OneHot(site.lhs(), categories);
    return new FactorModel(probability, logDensity, List.of(Update.of("probabilities",
            Expr.div(counts, site.count()), "Lagrange multiplier")
        .withTextbook(Expr.div(site.rowSum(oneHot), site.count()))
        .derivedFrom(site.rowSum(logDensity),
            new Expr.Relation(Expr.Relation.Op.EQ, Expr.sub(
                Expr.div(site.rowSum(oneHot), p.value()), Expr.mul(lambda, new Expr.Fill(Expr.num(1), categories))),
                zero),
            "With a Lagrange multiplier λ for the constraint that the probabilities sum to 1, each is"
                + " its expected count over λ, and λ is the component's expected number of rows.")),
        null);
  }
}
