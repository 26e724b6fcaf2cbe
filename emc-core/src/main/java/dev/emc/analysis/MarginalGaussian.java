package dev.emc.analysis;

import dev.emc.analysis.latent.LinearGaussian;
import java.util.List;

/**
 * The standard errors of a factor model (factor analysis, probabilistic PCA, a mixture of factor
 * analysers): with its factors integrated out a row is Gaussian, x ~ N(μ, WWᵀ + Ψ), so the
 * observed information has a closed form that the runtime takes without generated scores
 * ({@code runtime.fit.FactorInformation}); no {@link Scores} are written for it. What it can say is
 * limited by what the likelihood identifies: W only up to a rotation.
 */
public final class MarginalGaussian {
  private MarginalGaussian() {}

  /** Whether the plan's standard errors are a marginal Gaussian's. */
  public static boolean covers(EmPlan plan) {
    return plan.latent() instanceof LinearGaussian;
  }

  /** The derivation's paragraphs on the information matrix of {@code lg}, in its parameters' names. */
  public static List<String> derivation(LinearGaussian lg) {
    String w = lg.loadings().name();
    String mu = lg.mean().name();
    String psi = lg.noise().name();
    boolean mixed = lg.mixed();
    String k = mixed ? "_k" : "";
    String c = mixed ? "C_k" : "C";
    String n = lg.noisePerComponent() ? "_k" : "";
    String noise = lg.spherical() ? psi + n + " I" : "diag(" + psi + n + ")";
    String likelihood = mixed
        ? "ℓ(θ) = Σ_n log Σ_k " + lg.mixture().weights().name() + "_k N(x_n; " + mu + "_k, C_k), C_k = " + w + "_k "
            + w + "_kᵀ + " + noise
        : "ℓ(θ) = Σ_n log N(x_n; " + mu + ", C), C = " + w + " " + w + "ᵀ + " + noise;
    String scores = "With e = x_n − " + mu + k + ", P = " + c + "⁻¹ and α = P e, the score of log N(x_n; " + mu + k
        + ", " + c + ") is ∂/∂" + mu + k + " = α, ∂/∂" + w + k + " = (α αᵀ − P) " + w + k + " and "
        + (lg.spherical() ? "∂/∂" + psi + n + " = ½ (αᵀα − tr P)" : "∂/∂(" + psi + n + ")_d = ½ (α_d² − P_dd)")
        + ". For a number θ_a that moves the mean by m_a and the covariance by C_a (and C_ab, nonzero only for two"
        + " entries of one column of " + w + "), ∂_a log N = m_aᵀα − ½ tr(P C_a) + ½ αᵀC_aα and ∂_ab log N ="
        + " ½ tr(P C_a P C_b) − ½ tr(P C_ab) − m_aᵀP m_b − m_aᵀP C_b α − m_bᵀP C_a α − αᵀC_a P C_b α + ½ αᵀC_ab α."
        + " The rows enter these only through α, so summed over the rows they read Σ α and Σ α αᵀ"
        + (mixed ? " (each weighted by r_nk), and Louis' identity adds the outer products row by row" : "")
        + ": one pass over the rows.";
    String exact = mixed
        ? "The standard errors are the square roots of the diagonal of I⁻¹, where I is the observed information:"
            + " minus the Hessian of the observed-data log-likelihood. With the factors integrated out, a row of"
            + " component k is Gaussian, so " + likelihood + ". I is exact, by Louis' identity with (x_n, z) as the"
            + " complete data and the factors integrated out in closed form: I = Σ_n [Σ_k r_nk (−H_nk) − Σ_k r_nk"
            + " s_nk s_nkᵀ + s_n s_nᵀ], s_n = Σ_k r_nk s_nk, where s_nk and H_nk are the score and Hessian of log "
            + lg.mixture().weights().name() + "_k"
            + " + log N(x_n; " + mu + "_k, C_k)."
        : "The standard errors are the square roots of the diagonal of I⁻¹, where I is the observed information:"
            + " minus the Hessian of the observed-data log-likelihood. With the factors integrated out a row is"
            + " Gaussian, so " + likelihood + ", and I is its exact Hessian, in closed form.";
    String identified = "The coordinates: " + (mixed ? "the weights' first K − 1 entries (the last is 1 minus their"
        + " sum), " : "") + mu + ", the entries of " + w + ", and log " + psi + " (positive, on the log scale; the"
        + " delta method maps its variance back). The likelihood is unchanged by " + w + k + " → " + w + k + " R for"
        + " any orthogonal R: along the Q(Q − 1)/2 directions " + w + k + " A, A skew-symmetric, I is singular, and "
        + w + "'s entries are not identified. emc takes I on the orthonormal complement of those directions, inverts"
        + " it there and reports what the rotations leave as it is: " + mu + ", " + psi + (mixed ? ", the weights" : "")
        + " and " + w + " " + w + "ᵀ (its distinct entries, " + w + " " + w + "ᵀ_ij for i ≤ j), whose standard errors"
        + " come by the delta method from those of " + w + "'s entries on the complement. " + w + "'s own entries get"
        + " none (with Q = 1 the only ambiguity is a sign, and they do). So the free numbers are " + (mixed ? "K − 1 +"
        + " K (" : "") + "D + DQ − Q(Q − 1)/2" + (mixed && !lg.noisePerComponent() ? ") + " : " + ")
        + (lg.spherical() ? "1" : "D") + (lg.noisePerComponent() ? ")" : "") + ", as BIC counts them.";
    String warnings = "A noise variance below 10⁻⁴ of " + (lg.spherical() ? "the columns' mean variance"
        : "its column's variance") + " is a Heywood case: it is on the boundary"
        + " of its range, named in a warning, and gets no standard error; the others are taken with it fixed. A"
        + " number that I does not pin down given the others (a pivot of its Cholesky factor below 10⁻¹⁰ of its"
        + " diagonal: more factors than the data identify" + (mixed ? ", an empty component" : "")
        + ") is named in a warning and gets no"
        + " standard error. The 95% intervals are Wald intervals, on the log scale for a positive parameter (and"
        + " a diagonal entry of " + w + " " + w + "ᵀ)" + (mixed ? " and the logit scale for a weight" : "")
        + ". The regularization is not"
        + " part of ℓ: the information is the likelihood's.";
    return List.of(exact, scores, identified, warnings);
  }
}
