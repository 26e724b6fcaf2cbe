package dev.emc.dist.families;

import dev.emc.dist.Family;
import dev.emc.dist.Param;
import dev.emc.dist.Signature;
import dev.emc.dist.Use;
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
}
