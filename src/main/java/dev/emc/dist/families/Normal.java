package dev.emc.dist.families;

import dev.emc.dist.Family;
import dev.emc.dist.Param;
import dev.emc.dist.Signature;
import dev.emc.dist.Use;
import dev.emc.types.Dim;
import dev.emc.types.Type;
import java.util.List;
import java.util.Set;

/** The normal distribution, parameterized by mean and variance (a covariance for vectors). */
public final class Normal implements Family {
  private static final Dim D = Dim.of("D");

  @Override
  public String name() {
    return "Normal";
  }

  /** The vector form comes first: undeclared data are as wide as the data file says. */
  @Override
  public List<Signature> signatures() {
    return List.of(
        Signature.of("multivariate normal, full covariance", Type.vector(D),
            new Param("mean", Type.vector(D)), new Param("covariance", Type.cov(D))),
        Signature.of("univariate normal", Type.REAL,
            new Param("mean", Type.REAL), new Param("variance", Type.POSITIVE)));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.DATA, Use.PRIOR);
  }
}
