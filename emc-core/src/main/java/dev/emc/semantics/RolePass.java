package dev.emc.semantics;

import dev.emc.dist.Family;
import dev.emc.dist.Use;
import dev.emc.syntax.Ast;
import java.util.HashSet;
import java.util.Set;

/**
 * The fourth pass: every name's role. A declaration says it; otherwise a name used as an index is
 * latent; a name on the left of {@code ~} that is also an argument elsewhere is a parameter with a
 * prior; any other left side is data; any other argument is a parameter.
 */
final class RolePass {
  private RolePass() {}

  static void run(Scope scope, Shapes shapes) {
    Set<String> lhs = new HashSet<>(shapes.lhsNames.values());
    for (String name : scope.firstSeen.keySet()) {
      Ast.VarDecl d = scope.decls.get(name);
      Role role;
      if (d != null) {
        role = switch (d.role()) {
          case DATA -> Role.DATA;
          case LATENT -> Role.LATENT;
          case PARAM -> Role.PARAM;
          case COVARIATE -> Role.COVARIATE;
        };
      } else if (shapes.usedAsIndex.contains(name)) {
        // An index is latent, unless its own family says it cannot be: then it is data, and
        // indexing by it is the error to report.
        Family f = scope.lhsFamily.get(name);
        role = f == null || f.uses().contains(Use.LATENT) ? Role.LATENT : Role.DATA;
      } else if (lhs.contains(name)) {
        role = shapes.usedAsValue.contains(name) ? Role.PARAM : Role.DATA;
      } else {
        role = Role.PARAM;
      }
      scope.roles.put(name, role);
    }
  }
}
