package dev.emc.dist.families;

import dev.emc.dist.Family;
import dev.emc.dist.Formulas;
import dev.emc.dist.Param;
import dev.emc.dist.Signature;
import dev.emc.dist.Use;
import dev.emc.math.Expr;
import dev.emc.types.Dim;
import dev.emc.types.Type;
import java.util.List;
import java.util.Set;

/**
 * The Normal-Inverse-Wishart distribution of a mean and a covariance together,
 * {@code (mu, Sigma) ~ NormalInverseWishart(location, kappa, dof, scale)}: Σ ~ InverseWishart(ν, Ψ)
 * and μ | Σ ~ Normal(m, Σ/κ). The conjugate prior of a normal's mean and covariance; for a scalar
 * it is the Normal-Inverse-Gamma (with ν and Ψ as 2a and 2b).
 */
public final class NormalInverseWishart implements Family {
  private static final Dim D = Dim.of("D");

  @Override
  public String name() {
    return "NormalInverseWishart";
  }

  @Override
  public List<Signature> signatures() {
    return List.of(
        Signature.joint("Normal-Inverse-Wishart",
            List.of(new Param("mean", Type.vector(D)), new Param("covariance", Type.cov(D))),
            new Param("location", Type.vector(D)), new Param("kappa", Type.POSITIVE),
            new Param("dof", Type.POSITIVE), new Param("scale", Type.cov(D))),
        Signature.joint("Normal-Inverse-Wishart of one variable",
            List.of(new Param("mean", Type.REAL), new Param("variance", Type.POSITIVE)),
            new Param("location", Type.REAL), new Param("kappa", Type.POSITIVE),
            new Param("dof", Type.POSITIVE), new Param("scale", Type.POSITIVE)));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.PRIOR);
  }

  /** log 𝒩(μ | m, Σ/κ) + log IW(Σ | ν, Ψ). */
  @Override
  public Expr priorLogDensity(Signature form, List<Expr> values, List<Expr> args) {
    Expr mu = values.get(0);
    Expr sigma = values.get(1);
    Expr m = args.get(0);
    Expr kappa = args.get(1);
    Expr d = mu.shape().isScalar() ? Formulas.ONE : Expr.size(mu.shape().dim());
    Expr normal = Expr.mul(-0.5, Expr.add(Expr.add(
        Expr.mul(d, Expr.log(Expr.div(Expr.num(2 * Math.PI), kappa))), new Expr.LogDet(sigma)),
        Expr.mul(kappa, new Expr.QuadInv(sigma, Expr.sub(mu, m)))));
    Expr inverseWishart = sigma.shape().isScalar()
        ? scalarInverseWishart(sigma, args.get(2), args.get(3))
        : InverseWishart.logDensity(sigma, args.get(2), args.get(3));
    return Expr.add(normal, inverseWishart);
  }

  /** The inverse-Wishart of one dimension: an inverse gamma with shape ν/2 and scale Ψ/2. */
  private static Expr scalarInverseWishart(Expr s2, Expr nu, Expr psi) {
    Expr a = Expr.mul(0.5, nu);
    Expr b = Expr.mul(0.5, psi);
    return Expr.sub(Expr.sub(Expr.sub(Expr.mul(a, Expr.log(b)), Formulas.lgamma(a)),
        Expr.mul(Expr.add(a, Formulas.ONE), Expr.log(s2))), Expr.div(b, s2));
  }
}
