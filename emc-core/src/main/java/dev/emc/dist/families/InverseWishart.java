package dev.emc.dist.families;

import dev.emc.dist.Family;
import dev.emc.dist.Formulas;
import dev.emc.dist.Param;
import dev.emc.dist.Signature;
import dev.emc.dist.Use;
import dev.emc.math.Expr;
import dev.emc.math.Function;
import dev.emc.types.Dim;
import dev.emc.types.Type;
import java.util.List;
import java.util.Set;

/** The inverse-Wishart distribution, ν degrees of freedom and scale Ψ: the conjugate prior of a covariance. */
public final class InverseWishart implements Family {
  private static final Dim D = Dim.of("D");

  static final Function LOG_MULTI_GAMMA = new Function("lmgamma", "dev.emc.runtime.Special.logMultiGamma",
      "\\log\\Gamma", "log Γ");

  @Override
  public String name() {
    return "InverseWishart";
  }

  @Override
  public List<Signature> signatures() {
    return List.of(Signature.of("inverse Wishart", Type.cov(D), new Param("dof", Type.POSITIVE),
        new Param("scale", Type.cov(D))));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.PRIOR);
  }

  @Override
  public Expr priorLogDensity(Signature form, List<Expr> values, List<Expr> args) {
    return logDensity(values.get(0), args.get(0), args.get(1));
  }

  /**
   * log p(Σ | ν, Ψ) = (ν/2) log|Ψ| − (νD/2) log 2 − log Γ_D(ν/2) − ((ν + D + 1)/2) log|Σ|
   * − ½ tr(Ψ Σ⁻¹).
   */
  static Expr logDensity(Expr sigma, Expr nu, Expr psi) {
    Expr d = Expr.size(sigma.shape().dim());
    Expr halfNu = Expr.mul(0.5, nu);
    Expr norm = Expr.sub(Expr.sub(Expr.mul(halfNu, new Expr.LogDet(psi)),
        Expr.mul(Expr.mul(halfNu, d), Expr.log(Expr.num(2)))),
        new Expr.Apply(LOG_MULTI_GAMMA, List.of(d, halfNu)));
    return Expr.sub(Expr.sub(norm, Expr.mul(Expr.mul(0.5, Expr.add(Expr.add(nu, d), Formulas.ONE)),
        new Expr.LogDet(sigma))), Expr.mul(0.5, new Expr.TraceInv(psi, sigma)));
  }
}
