package dev.emc.dist.families;

import dev.emc.dist.Family;
import dev.emc.dist.Param;
import dev.emc.dist.Signature;
import dev.emc.dist.Use;
import dev.emc.types.Dim;
import dev.emc.types.Type;
import java.util.List;
import java.util.Set;

/** The Dirichlet distribution on the simplex, the conjugate prior of a categorical's weights. */
public final class Dirichlet implements Family {
  private static final Dim K = Dim.of("K");

  @Override
  public String name() {
    return "Dirichlet";
  }

  @Override
  public List<Signature> signatures() {
    return List.of(Signature.of("symmetric Dirichlet", Type.simplex(K),
        new Param("concentration", Type.POSITIVE)));
  }

  @Override
  public Set<Use> uses() {
    return Set.of(Use.PRIOR);
  }
}
