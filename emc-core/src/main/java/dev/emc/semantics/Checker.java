package dev.emc.semantics;

import dev.emc.diag.Diagnostics;
import dev.emc.diag.Source;
import dev.emc.diag.Span;
import dev.emc.dist.Families;
import dev.emc.syntax.Ast;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The semantic stage: a parsed {@link Ast.Program} to a {@link CheckedModel}, or diagnostics.
 *
 * <p>The passes, in order, each needing the ones before; they share what they learn through a
 * {@link Scope}:
 *
 * <ol>
 *   <li>{@link ConstantPass}: constants (with command-line settings applied), so that sizes have
 *       values;
 *   <li>{@link DeclarationPass}: declarations, so that explicit roles and types are known;
 *   <li>{@link Shapes}: the {@code ~} statements' shapes: left sides, families, which names index
 *       and which are used as values — enough to give every undeclared name its role;
 *   <li>{@link RolePass}: roles: a name used as an index is latent; a name on the left of {@code ~}
 *       that is also an argument elsewhere is a parameter with a prior; any other left side is
 *       data; any other argument is a parameter;
 *   <li>{@link TypePass}, then {@link StochasticPass}: types: distributions of data and latents in
 *       source order pick their family's form and give undeclared parameters its types; then
 *       priors, which need those types;
 *   <li>{@link ModelRules}: whole-model rules: one distribution per data and latent variable, sizes
 *       positive.
 * </ol>
 */
public final class Checker {
  private Checker() {}

  /**
   * Checks a program. {@code settings} are command-line values ({@code --set K=3}) for constants
   * and sizes; a name the model does not size or define is an error.
   */
  public static Optional<CheckedModel> check(
      Ast.Program program, Source source, Families families, Map<String, Double> settings,
      Diagnostics diagnostics) {
    Scope scope = new Scope();
    // The passes take the settings they use; what is left at the end names nothing in the model.
    Map<String, Double> unused = new LinkedHashMap<>(settings);
    new ConstantPass(scope, source, diagnostics).run(program, unused);
    List<Ast.Tilde> tildes = new DeclarationPass(scope, source, diagnostics).run(program);
    Shapes shapes = Shapes.scan(tildes, scope, families, diagnostics);
    RolePass.run(scope, shapes);
    new TypePass(scope, diagnostics).run();
    StochasticPass statements = new StochasticPass(scope, shapes, source,
        new Arguments(scope, source, families, diagnostics), diagnostics);
    statements.run(tildes);
    new ModelRules(scope, shapes, diagnostics).run(statements.distributed, unused);
    if (diagnostics.hasErrors()) {
      return Optional.empty();
    }
    String name = program.name().map(Ast.Ident::text).orElse(baseName(source.name()));
    return Optional.of(new CheckedModel(name, source, scope.constants, scope.sizes, variables(scope),
        statements.distributions, statements.priors));
  }

  private static Map<String, Variable> variables(Scope scope) {
    Map<String, Variable> variables = new LinkedHashMap<>();
    for (Map.Entry<String, Span> e : scope.firstSeen.entrySet()) {
      String name = e.getKey();
      if (scope.roles.containsKey(name) && scope.types.containsKey(name)) {
        Ast.VarDecl d = scope.decls.get(name);
        variables.put(name, new Variable(name, scope.roles.get(name), scope.indexes.getOrDefault(name, List.of()),
            scope.types.get(name), d != null, d != null ? d.name().span() : e.getValue()));
      }
    }
    return variables;
  }

  private static String baseName(String path) {
    String file = path.replace('\\', '/');
    file = file.substring(file.lastIndexOf('/') + 1);
    int dot = file.lastIndexOf('.');
    return dot > 0 ? file.substring(0, dot) : file;
  }
}
