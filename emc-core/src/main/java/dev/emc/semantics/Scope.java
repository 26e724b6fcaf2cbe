package dev.emc.semantics;

import dev.emc.diag.Diagnostics;
import dev.emc.diag.Span;
import dev.emc.diag.Suggest;
import dev.emc.dist.Family;
import dev.emc.dist.Use;
import dev.emc.syntax.Ast;
import dev.emc.types.Kind;
import dev.emc.types.Type;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What the checker knows about the model's names: earlier passes fill it, later passes read it.
 * Each field says which pass fills it; {@link Checker} lists the passes in order.
 */
final class Scope {
  /** {@link ConstantPass}; sizes set on the command line join them in {@link ModelRules}. */
  final Map<String, Constant> constants = new LinkedHashMap<>();
  /** {@link DeclarationPass}. */
  final Map<String, Ast.VarDecl> decls = new LinkedHashMap<>();
  /**
   * Every variable name in the order the model first mentions it, with that mention
   * ({@link DeclarationPass}, {@link Shapes}).
   */
  final Map<String, Span> firstSeen = new LinkedHashMap<>();
  /**
   * Sizes that the data decides: named in a data or covariate type ({@link DeclarationPass}), or a
   * data vector's length ({@link TypePass}).
   */
  final Set<String> dataSizes = new LinkedHashSet<>();
  /** The family of each name's own {@code ~} statement ({@link Shapes}). */
  final Map<String, Family> lhsFamily = new HashMap<>();
  /** {@link RolePass}. */
  final Map<String, Role> roles = new HashMap<>();
  /** The sizes types name ({@link TypePass}); {@link ModelRules} gives them their values. */
  final Map<String, Size> sizes = new LinkedHashMap<>();
  /** {@link TypePass}; {@link Arguments} adds undeclared parameters' at their first use. */
  final Map<String, Type> types = new HashMap<>();
  /** The latent variables each parameter runs over; filled as {@link #types} is. */
  final Map<String, List<String>> indexes = new HashMap<>();
  /** Where an undeclared parameter got its type, for messages about a later, different use. */
  final Map<String, String> inferredBy = new HashMap<>();

  void seen(String name, Span span) {
    firstSeen.putIfAbsent(name, span);
  }

  boolean isConstant(String name) {
    return constants.containsKey(name);
  }

  void sizeFromConstant(String name) {
    Constant c = constants.get(name);
    sizes.putIfAbsent(name, new Size(name, OptionalInt.empty(),
        c.span().isPresent() ? "constant" : "set on the command line"));
  }

  boolean isContinuousLatent(String name) {
    return roles.get(name) == Role.LATENT && types.containsKey(name) && types.get(name).kind() == Kind.VECTOR;
  }

  /** A latent positive scale w, which divides a covariance: a t distribution's. */
  boolean isLatentScale(String name) {
    return roles.get(name) == Role.LATENT && types.containsKey(name) && types.get(name).kind() == Kind.POSITIVE
        && types.get(name).isScalar();
  }

  /** Reports why {@code index} cannot index {@code base}. */
  void indexProblem(Diagnostics diagnostics, String index, Span span, String base) {
    if (constants.containsKey(index)) {
      diagnostics.error("index", span, base + " is indexed by " + index
          + ", a constant; parameters are indexed by latent variables, as in mu[z]");
    } else if (roles.containsKey(index) && lhsFamily.containsKey(index)
        && !lhsFamily.get(index).uses().contains(Use.LATENT)) {
      diagnostics.error("index", span, base + " is indexed by " + index + ", but " + index + " ~ "
          + lhsFamily.get(index).name() + " cannot be a latent variable: a latent variable's family must"
          + " have a finite domain, such as Categorical");
    } else if (roles.containsKey(index)) {
      diagnostics.error("index", span, base + " is indexed by " + index + ", which is "
          + roles.get(index).word() + "; only latent variables can index parameters");
    } else {
      diagnostics.error("unknown-name", span, "unknown latent variable " + index
          + Suggest.hint(index, namesWithRole(Role.LATENT)));
    }
  }

  Set<String> knownNames() {
    Set<String> names = new LinkedHashSet<>(firstSeen.keySet());
    names.addAll(constants.keySet());
    return names;
  }

  List<String> namesWithRole(Role role) {
    return firstSeen.keySet().stream().filter(n -> roles.get(n) == role).toList();
  }
}
