package dev.emc.dist.families;

import dev.emc.dist.Arg;
import dev.emc.dist.Family;
import dev.emc.dist.FactorModel;
import dev.emc.dist.FactorSite;
import dev.emc.dist.Formulas;
import dev.emc.dist.Param;
import dev.emc.dist.Prior;
import dev.emc.dist.Signature;
import dev.emc.dist.Unsupported;
import dev.emc.dist.Update;
import dev.emc.dist.Use;
import dev.emc.math.Expr;
import dev.emc.math.Function;
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
    if (site.lhsIsLatent() && p.isFree() && p.value() instanceof Expr.Apply a && a.function() == Function.SOFTMAX
        && a.arg() instanceof Expr.Dot eta) {
      return experts(site, p, eta);
    }
    Expr probability = new Expr.At(p.value(), site.lhs());
    Expr logDensity = Expr.log(probability);
    if (!p.isFree()) {
      return new FactorModel(probability, logDensity, List.of(), null);
    }
    Optional<Prior> prior = site.prior("probabilities");
    // A Dirichlet(α) prior adds α − 1 pseudo-counts to every category.
    Expr extra = null;
    if (prior.isPresent()) {
      Prior d = Formulas.conjugate(prior.get(), "Dirichlet", "categorical probabilities", "Dirichlet(concentration)");
      Expr alpha = d.arg("concentration");
      if (alpha instanceof Expr.Num a && a.value() < 1) {
        throw new Unsupported("a Dirichlet concentration below 1 puts the posterior's mode on the edge of"
            + " the simplex, where it may not exist; use a concentration of at least 1");
      }
      extra = Expr.sub(alpha, Formulas.ONE);
    }
    Expr lambda = site.ownSymbol("lambda", "kappa", "eta");
    String l = dev.emc.math.Text.of(lambda);
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
              "The probabilities must sum to 1, so the Lagrangian adds " + l + " times that constraint"
                  + (extra == null ? "" : " (and the Dirichlet prior adds α − 1 to every count)")
                  + "; its derivative vanishes where each probability is its count over " + l + ", and summing"
                  + " over the components gives " + l + ", the total count.")),
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
            "With a Lagrange multiplier " + l + " for the constraint that the probabilities sum to 1, each is"
                + " its expected count over " + l + ", and " + l + " is the component's expected number of rows.")),
        null);
  }

  /**
   * A mixture of experts' weights, z ~ Categorical(softmax(G u)) with u covariates: component k's
   * probability is π_k(u_n) = e^{η_k} / Σ_j e^{η_j} with η_k = g_kᵀu_n, g_k the k-th row of G, so
   * log π_k(u_n) = η_k − log Σ_j e^{η_j}, which reads the row: the E-step computes it per row.
   *
   * <p>The terms of Q in G, Q_G = Σ_n Σ_k r_nk log π_k(u_n), have no closed-form maximum. Their
   * Hessian, −Σ_n (diag π_n − π_n π_nᵀ) ⊗ u_n u_nᵀ, is never below −½ (I − 11ᵀ/K) ⊗ S_uu with
   * S_uu = Σ_n u_n u_nᵀ (Böhning, 1992), so the quadratic with that curvature and Q_G's gradient
   * at the current G, whose rows are grad_k = Σ_n (r_nk − π_nk) u_n, is a lower bound that touches
   * Q_G there. The rows of the gradient add up to 0 (Σ_k r_nk = Σ_k π_nk), so the bound's maximum
   * is G + 2 grad S_uu⁻¹, row by row g_k + 2 S_uu⁻¹ grad_k. With the last class as reference
   * (g_K = 0) the maximum over the other K − 1 rows, whose curvature ½ (I − 11ᵀ/K) ⊗ S_uu has the
   * inverse 2 (I + 11ᵀ) ⊗ S_uu⁻¹, is g_k + 2 S_uu⁻¹ (grad_k + Σ_{j<K} grad_j) = g_k + 2 S_uu⁻¹
   * (grad_k − grad_K): the same rows less a common shift, which changes no probability. A
   * language whose updates are per component cannot read the last row in another's, so the rows
   * are kept centred instead, Σ_k g_k = 0, by subtracting their mean (which changes nothing
   * either): K − 1 rows are free. The step never lowers Q, a generalized EM step.
   */
  private static FactorModel experts(FactorSite site, Arg p, Expr.Dot eta) throws Unsupported {
    if (site.prior("probabilities").isPresent()) {
      throw new Unsupported("a prior on a mixture of experts' coefficients has no update here");
    }
    Expr g = eta.left();
    Expr u = eta.right();
    Expr logDensity = Expr.sub(eta, Expr.log(site.sumOverOtherComponents(new Expr.Apply(Function.EXP, eta))));
    Expr pi = p.value();
    Expr su = site.statistic("Su", u);
    Expr spu = site.statisticOverRows("Spu", Expr.mul(new Expr.Apply(Function.EXP, logDensity), u));
    Expr suu = site.statistic("Suu", Expr.square(u));
    Expr k = Expr.size(site.counts().shape().dim());
    Expr centred = Expr.sub(g, Expr.div(site.sumOverOtherComponents(g), k));
    Expr residual = Expr.sub(site.responsibility(), pi);
    Expr value = Expr.add(centred, Expr.mul(2, new Expr.Solve(site.sumOverOtherComponents(suu), Expr.sub(su, spu))));
    Expr textbook = Expr.add(centred, Expr.mul(2, new Expr.Solve(new Expr.RowSum(Expr.square(u), false),
        new Expr.RowSum(Expr.mul(residual, u), false))));
    Expr terms = site.sumOverComponents(site.rowSum(logDensity));
    Update update = Update.of("probabilities", value,
            "generalized EM step: the maximum of Böhning's quadratic lower bound, rows centred")
        .withTextbook(textbook)
        .derivedFrom(terms, new Expr.Relation(Expr.Relation.Op.EQ, new Expr.Partial(terms, g),
                new Expr.Relation(Expr.Relation.Op.EQ, new Expr.RowSum(Expr.mul(residual, u), false), Expr.num(0))),
            "This has no closed-form solution. The Hessian of the terms in G, −Σ_n (diag π_n − π_n π_nᵀ) ⊗ u_n u_nᵀ,"
                + " is never below −½ (I − 11ᵀ/K) ⊗ Σ_n u_n u_nᵀ (Böhning, 1992), so the quadratic with that"
                + " curvature and the terms' value and gradient at the current G is a lower bound that touches them"
                + " there. The gradient's rows, Σ_n (r_nk − π_k(u_n)) u_n, add up to 0, so the bound's maximum is"
                + " g_k + 2 (Σ_n u_n u_nᵀ)⁻¹ Σ_n (r_nk − π_k(u_n)) u_n for every k. With the last class as reference"
                + " (g_K = 0), the maximum over the other K − 1 rows, whose curvature has the inverse"
                + " 2 (I + 11ᵀ) ⊗ (Σ_n u_n u_nᵀ)⁻¹, is the same less a common shift of the rows, which changes no"
                + " probability. emc keeps the rows centred instead (Σ_k g_k = 0, subtracting their mean, which"
                + " changes nothing either), so that K − 1 of them are free. The step never lowers Q: a generalized"
                + " EM step, and EM stays monotone (the fit fails if the objective ever falls). The update, with the"
                + " current coefficients on the right:");
    return new FactorModel(pi, logDensity, List.of(update), null);
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
