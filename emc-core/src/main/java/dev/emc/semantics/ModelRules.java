package dev.emc.semantics;

import dev.emc.diag.Diagnostics;
import dev.emc.diag.Span;
import dev.emc.diag.Suggest;
import dev.emc.syntax.Ast;
import dev.emc.types.Dim;
import dev.emc.types.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** The sixth pass: whole-model rules. One distribution per data and latent variable, sizes positive. */
final class ModelRules {
  private final Scope scope;
  private final Shapes shapes;
  private final Diagnostics diagnostics;

  ModelRules(Scope scope, Shapes shapes, Diagnostics diagnostics) {
    this.scope = scope;
    this.shapes = shapes;
    this.diagnostics = diagnostics;
  }

  /**
   * Checks the rules; {@code distributed} holds the names with a distribution, and {@code settings}
   * the command-line values that set no constant.
   */
  void run(Map<String, Span> distributed, Map<String, Double> settings) {
    requireDistributions(distributed);
    requireUse();
    checkSizes(settings);
  }

  private void requireDistributions(Map<String, Span> distributed) {
    for (Map.Entry<String, Span> e : scope.firstSeen.entrySet()) {
      String name = e.getKey();
      Role role = scope.roles.get(name);
      if ((role == Role.DATA || role == Role.LATENT) && !distributed.containsKey(name)
          && scope.types.containsKey(name)) {
        if (role == Role.LATENT && !scope.decls.containsKey(name)) {
          diagnostics.error("missing-distribution", e.getValue(), name
              + " is used as an index, so it is a latent variable, but it has no distribution"
              + Suggest.closest(name, scope.namesWithRole(Role.LATENT).stream()
                  .filter(distributed::containsKey).toList())
                  .map(n -> "; did you mean " + n + "?")
                  .orElse("; write `" + name + " ~ Categorical(…);`"));
        } else {
          diagnostics.error("missing-distribution", e.getValue(), role.word() + " variable " + name
              + " has no distribution; write `" + name + " ~ …;`"
              + (role == Role.DATA ? " or declare it a covariate" : ""));
        }
      }
    }
  }

  private void requireUse() {
    for (Ast.VarDecl d : scope.decls.values()) {
      String name = d.name().text();
      Role role = scope.roles.get(name);
      if (role == Role.PARAM && !shapes.usedAsValue.contains(name) && scope.types.containsKey(name)) {
        diagnostics.error("unused", d.name().span(), "parameter " + name + " is declared but no distribution uses it");
      }
      if (role == Role.COVARIATE && !shapes.usedAsValue.contains(name) && !shapes.lhsSeen.contains(name)) {
        diagnostics.warning("unused", d.name().span(), "covariate " + name + " is not used");
      }
    }
  }

  /** Every size gets its value from a constant or a setting, or waits for the data. */
  private void checkSizes(Map<String, Double> settings) {
    for (var it = settings.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Double> s = it.next();
      if (scope.sizes.containsKey(s.getKey())) {
        scope.sizes.put(s.getKey(), new Size(s.getKey(), OptionalInt.empty(), "set on the command line"));
        scope.constants.put(s.getKey(), new Constant(s.getKey(), s.getValue(), Optional.empty()));
        it.remove();
      }
    }
    for (String unknown : settings.keySet()) {
      List<String> known = new ArrayList<>(scope.constants.keySet());
      known.addAll(scope.sizes.keySet());
      diagnostics.error("setting", "--set " + unknown + ": the model has no constant or size named "
          + unknown + Suggest.hint(unknown, known));
    }
    for (Size size : List.copyOf(scope.sizes.values())) {
      Constant c = scope.constants.get(size.name());
      if (c == null) {
        continue; // given by the data, or not set yet
      }
      if (!c.isInteger() || c.value() < 1 || c.value() > Integer.MAX_VALUE) {
        String use = usesOfSize(size.name());
        String message = size.name() + " = " + c.valueText() + " is used as a size" + use
            + ", and a size must be a positive integer" + (c.value() > Integer.MAX_VALUE ? " of at most "
            + Integer.MAX_VALUE : "");
        if (c.span().isPresent()) {
          diagnostics.error("size", c.span().get(), message);
        } else {
          diagnostics.error("size", "--set " + message);
        }
        continue;
      }
      scope.sizes.put(size.name(), size.withValue((int) c.value(), size.origin()));
    }
  }

  private String usesOfSize(String size) {
    for (String name : scope.firstSeen.keySet()) {
      Type t = scope.types.get(name);
      if (t != null && t.dims().contains(Dim.of(size))) {
        return " (" + name + " is " + t + ")";
      }
    }
    return "";
  }
}
