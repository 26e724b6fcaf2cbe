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
    Expr logDensity = Expr.log(new Expr.At(p.value(), site.lhs()));
    if (!p.isFree()) {
      return new FactorModel(logDensity, List.of(), null);
    }
    if (site.lhsIsLatent()) {
      if (p.perComponent()) {
        throw new Unsupported("the latent variable's probabilities cannot depend on itself");
      }
      return new FactorModel(logDensity, List.of(Update.of("probabilities",
          Expr.div(site.counts(), site.total()), "Lagrange multiplier")), null);
    }
    Dim categories = p.value().shape().dim();
    Expr counts = site.statistic("C", new Expr.OneHot(site.lhs(), categories));
    return new FactorModel(logDensity, List.of(new Update("probabilities",
        Expr.div(counts, site.count()), "Lagrange multiplier",
        Expr.div(site.rowSum(new Expr.OneHot(site.lhs(), categories)), site.count()))), null);
  }
}
