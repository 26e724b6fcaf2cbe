package dev.emc.dist.families;

import dev.emc.dist.Arg;
import dev.emc.dist.FactorModel;
import dev.emc.dist.FactorSite;
import dev.emc.dist.Unsupported;
import dev.emc.dist.Update;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.math.Symbol;
import java.util.List;

/**
 * Normal's EM when its mean is linear in a continuous latent vector, x ~ 𝒩(W h + μ, Ψ) with
 * h ~ 𝒩(0, I): factor analysis (Ψ diagonal) and probabilistic PCA (one variance). The site gives
 * h's Gaussian posterior as its moments, m_n and G ({@link FactorSite#moments}); the M-step is
 * then the regression of the rows on their expected factors and a constant, the normal equations
 * with E[h] and E[h hᵀ] in place of h and h hᵀ. In a mixture of factor analysers (W[z], mu[z]) the
 * statistics are per component, weighted by r_nk, and so is the regression, on N_k rows; a noise
 * shared by the components pools their squared residuals over all N rows.
 */
final class NormalFactors {
  private NormalFactors() {}

  /** W h + μ (or μ + W h): a matrix times a vector, plus an offset. */
  private record Linear(Expr loadings, Expr latent, Expr offset) {
    static Linear of(Expr mean) {
      if (mean instanceof Expr.Add sum) {
        if (sum.left() instanceof Expr.MatMul product) {
          return new Linear(product.left(), product.right(), sum.right());
        }
        if (sum.right() instanceof Expr.MatMul product) {
          return new Linear(product.left(), product.right(), sum.left());
        }
      }
      return null;
    }
  }

  /** Whether the mean is written W h + μ, which only a continuous latent h makes fittable. */
  static boolean linear(Expr mean) {
    return Linear.of(mean) != null;
  }

  /**
   * The statistics are about the current fit, with h's posterior mean m_n and covariance G: the
   * residual r_n = x_n − μ − W m_n is of the noise's size, where x_n − μ may be 10⁴ times it, and
   * the noise's update from x_n − μ would cancel numbers that much larger. S_r = Σ r_n,
   * S_rr = Σ r_n ∘ r_n, S_h = Σ m_n, S_hh = Σ (G + m_n m_nᵀ) and S_rh = Σ r_n m_nᵀ.
   */
  static FactorModel factor(FactorSite site, Arg noise, String noiseName, Expr logDensity, Expr density)
      throws Unsupported {
    Linear l = Linear.of(site.arg("mean").value());
    FactorSite.Moments moments = site.moments(l.latent()).orElseThrow(() -> new Unsupported("a mean that is a"
        + " matrix times a vector is fitted only when the vector is a continuous latent, as in"
        + " `h ~ Normal(0, 1); x ~ Normal(W * h + mu, Psi);`"));
    if (!noise.isFree() || noise.value().shape().isMatrix()) {
      throw new Unsupported("a mean linear in a continuous latent needs noise of its own in each column,"
          + " a parameter: a vector of variances, or one variance");
    }
    Expr x = site.lhs();
    Expr m = moments.mean();
    Expr r = Expr.sub(Expr.sub(x, l.offset()), new Expr.MatMul(l.loadings(), m));
    Statistics s = new Statistics(site.statistic("S_r", r), site.statistic("S_rr", new Expr.Hadamard(r, r)),
        site.statistic("S_h", m), site.statistic("S_hh", Expr.add(moments.covariance(), Expr.outer(m, m))),
        site.statistic("S_rh", Expr.outer(r, m)));
    Expr psi = noise.value();
    Expr reg = site.regularization();
    Expr trace = psi.shape().isScalar() ? Expr.div(new Expr.Total(reg), psi) : new Expr.TraceInv(reg, psi);
    if (noise.perComponent()) {
      trace = site.sumOverComponents(trace);
    }
    return new FactorModel(density, logDensity, updates(site, l, s, moments.covariance(), reg, noiseName),
        Expr.mul(-0.5, trace));
  }

  private record Statistics(Expr sr, Expr srr, Expr sh, Expr shh, Expr srh) {}

  /**
   * The M-step: the normal equations of the residual x_n − μ − W h_n on (h_n, 1), solved by centring;
   * their solution is the change in W and μ. Σ E[(x_n − μ − W h_n) h_nᵀ] = S_rh − N W G, and
   * Σ E[(x_n − μ − W h_n)∘(x_n − μ − W h_n)] = S_rr + N diag(W G Wᵀ).
   */
  private static List<Update> updates(FactorSite site, Linear l, Statistics s, Expr g, Expr reg,
      String noiseName) {
    Expr w = l.loadings();
    Expr mu = l.offset();
    Shape q = l.latent().shape();
    Expr d = Expr.size(site.lhs().shape().dim());
    // A mixture of factor analysers regresses each component's rows, weighted by r_nk: N_k of them.
    Expr n = site.count();
    Expr wg = new Expr.MatMul(w, g);
    Expr syh = Expr.sub(s.srh(), Expr.mul(n, wg));
    Expr chh = Expr.sub(s.shh(), Expr.div(Expr.outer(s.sh(), s.sh()), n));
    Expr cyh = Expr.sub(syh, Expr.div(Expr.outer(s.sr(), s.sh()), n));
    Expr change = new Expr.Sym(new Symbol("ΔW", Symbol.Kind.NAME, w.shape(), false, false));
    Expr shift = Expr.div(Expr.sub(s.sr(), new Expr.MatMul(change, s.sh())), n);
    Expr syy = Expr.add(s.srr(), Expr.mul(n, new Expr.MatMul(new Expr.Hadamard(wg, w), ones(q))));
    Expr squares = Expr.sub(Expr.sub(syy, new Expr.MatMul(new Expr.Hadamard(change, syh), ones(q))),
        new Expr.Hadamard(shift, s.sr()));
    // One variance for every column (probabilistic PCA) is the mean of the columns' residuals; one
    // noise for every component of a mixture pools the components' residuals over all N rows.
    Arg noise = site.arg(noiseName);
    boolean pooled = site.perComponent() && !noise.perComponent();
    Expr rows = pooled ? site.total() : n;
    // The regularization is added once per noise: once for a shared one, not once per component.
    Expr summed = Expr.add(pooled ? site.sumOverComponents(squares) : squares, reg);
    Expr newPsi = noise.value().shape().isScalar() ? Expr.div(new Expr.Total(summed), Expr.mul(rows, d))
        : Expr.div(summed, rows);
    return List.of(
        Update.of("mean", Expr.add(w, new Expr.MatMul(cyh, new Expr.Inv(chh))), "the factors' regression"
            + " coefficients").withTarget(w),
        Update.of("mean", Expr.add(mu, shift), "the intercept of that regression").withTarget(mu),
        Update.of(noiseName, newPsi, pooled ? "the mean squared residual of those regressions, pooled over the"
            + " components" : "the mean squared residual of that regression"));
  }

  /** 1_Q, the vector of ones: M 1_Q adds up each row of M. */
  private static Expr ones(Shape q) {
    return new Expr.Sym(new Symbol("1_" + q.dim(), Symbol.Kind.NAME, q, false, false));
  }
}
