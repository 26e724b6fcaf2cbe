package dev.emc.dist.families;

import dev.emc.dist.Arg;
import dev.emc.dist.Family;
import dev.emc.dist.FactorModel;
import dev.emc.dist.FactorSite;
import dev.emc.dist.Param;
import dev.emc.dist.Prior;
import dev.emc.dist.Signature;
import dev.emc.dist.Unsupported;
import dev.emc.dist.Update;
import dev.emc.dist.Use;
import dev.emc.math.Expr;
import dev.emc.math.Symbol;
import dev.emc.types.Dim;
import dev.emc.types.Type;
import java.util.List;
import java.util.Optional;
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
    Optional<Prior> prior = site.prior("probabilities");
    // A Dirichlet(α) prior adds α − 1 pseudo-counts to every category.
    Expr extra = null;
    if (prior.isPresent()) {
      Prior d = Forms.conjugate(prior.get(), "Dirichlet", "categorical probabilities", "Dirichlet(concentration)");
      Expr alpha = d.arg("concentration");
      if (alpha instanceof Expr.Num a && a.value() < 1) {
        throw new Unsupported("a Dirichlet concentration below 1 puts the posterior's mode on the edge of"
            + " the simplex, where it may not exist; use a concentration of at least 1");
      }
      extra = Expr.sub(alpha, Forms.ONE);
    }
    Expr lambda = Expr.sym(Symbol.name("lambda"));
    Expr zero = Expr.num(0);
    if (site.lhsIsLatent()) {
      if (p.perComponent()) {
        throw new Unsupported("the latent variable's probabilities cannot depend on itself");
      }
      Expr nk = site.count();
      Expr total = site.total();
      Expr k = Expr.size(p.value().shape().dim());
      Expr value = extra == null ? Expr.div(site.counts(), total)
          : Expr.div(Expr.add(site.counts(), new Expr.Fill(extra, p.value().shape().dim())),
              Expr.add(total, Expr.mul(k, extra)));
      Expr textbook = extra == null ? Expr.div(nk, total)
          : Expr.div(Expr.add(nk, extra), Expr.add(total, Expr.mul(k, extra)));
      Expr counts = extra == null ? nk : Expr.add(nk, extra);
      Expr lagrangian = Expr.sub(site.sumOverOtherComponents(Expr.mul(counts, logDensity)),
          Expr.mul(lambda, Expr.sub(site.sumOverOtherComponents(probability), Expr.num(1))));
      return new FactorModel(probability, logDensity, List.of(Update.of("probabilities", value,
              extra == null ? "Lagrange multiplier" : "Lagrange multiplier, posterior mode (Dirichlet prior)")
          .withTarget(probability)
          .withTextbook(textbook)
          .derivedFrom(
              new Expr.Relation(Expr.Relation.Op.EQ,
                  site.sumOverComponents(site.rowSum(logDensity)),
                  site.sumOverComponents(Expr.mul(nk, logDensity))),
              new Expr.Relation(Expr.Relation.Op.EQ, new Expr.Partial(lagrangian, probability),
                  new Expr.Relation(Expr.Relation.Op.EQ, Expr.sub(Expr.div(counts, probability), lambda), zero)),
              "The probabilities must sum to 1, so the Lagrangian adds λ times that constraint"
                  + (extra == null ? "" : " (and the Dirichlet prior adds α − 1 to every count)")
                  + "; its derivative vanishes where each probability is its count over λ, and summing"
                  + " over the components gives λ, the total count.")),
          null);
    }
    Dim categories = p.value().shape().dim();
    Expr oneHot = new Expr.OneHot(site.lhs(), categories);
    Expr counts = site.statistic("C", oneHot);
    Expr c = Expr.size(categories);
    Expr value = extra == null ? Expr.div(counts, site.count())
        : Expr.div(Expr.add(counts, new Expr.Fill(extra, categories)), Expr.add(site.count(), Expr.mul(c, extra)));
    Expr textbook = extra == null ? Expr.div(site.rowSum(oneHot), site.count())
        : Expr.div(Expr.add(site.rowSum(oneHot), new Expr.Fill(extra, categories)),
            Expr.add(site.count(), Expr.mul(c, extra)));
    return new FactorModel(probability, logDensity, List.of(Update.of("probabilities", value,
            extra == null ? "Lagrange multiplier" : "Lagrange multiplier, posterior mode (Dirichlet prior)")
        .withTextbook(textbook)
        .derivedFrom(site.rowSum(logDensity),
            new Expr.Relation(Expr.Relation.Op.EQ, Expr.sub(
                new Expr.Hadamard(site.rowSum(oneHot), new Expr.Inv(p.value())),
                new Expr.Fill(lambda, categories)), zero),
            "With a Lagrange multiplier λ for the constraint that the probabilities sum to 1, each is"
                + " its expected count over λ, and λ is the component's expected number of rows.")),
        null);
  }

  @Override
  public void sample(Signature form, List<double[]> args, java.util.random.RandomGenerator rng, double[] out) {
    double[] p = args.get(0);
    double u = rng.nextDouble();
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      sum += p[i];
      if (u < sum) {
        out[0] = i + 1;
        return;
      }
    }
    out[0] = p.length;
  }
}
