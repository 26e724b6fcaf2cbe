package dev.emc.semantics;

import dev.emc.diag.Diagnostics;
import dev.emc.diag.Source;
import dev.emc.syntax.Ast;
import java.util.ArrayList;
import java.util.List;

/** The second pass: declarations, so that explicit roles and types are known. */
final class DeclarationPass {
  private final Scope scope;
  private final Source source;
  private final Diagnostics diagnostics;

  DeclarationPass(Scope scope, Source source, Diagnostics diagnostics) {
    this.scope = scope;
    this.source = source;
    this.diagnostics = diagnostics;
  }

  /** Declares the program's variables; returns its {@code ~} statements in source order. */
  List<Ast.Tilde> run(Ast.Program program) {
    List<Ast.Tilde> tildes = new ArrayList<>();
    for (Ast.Item item : program.items()) {
      if (item instanceof Ast.VarDecl d) {
        declare(d);
      } else if (item instanceof Ast.Tilde t) {
        tildes.add(t);
      }
    }
    return tildes;
  }

  private void declare(Ast.VarDecl d) {
    String name = d.name().text();
    if (scope.isConstant(name)) {
      diagnostics.error("duplicate", d.name().span(), name + " is already defined as a constant"
          + scope.constants.get(name).span().map(s -> " on line " + source.line(s.start())).orElse(""));
      return;
    }
    Ast.VarDecl before = scope.decls.get(name);
    if (before != null) {
      diagnostics.error("duplicate", d.name().span(), name + " is already declared on line "
          + source.line(before.span().start()));
      return;
    }
    scope.decls.put(name, d);
    scope.seen(name, d.name().span());
    if (d.role() == Ast.Role.DATA || d.role() == Ast.Role.COVARIATE) {
      // Names in a data type that are not constants are sizes the data will give.
      if (d.type() instanceof Ast.NamedType t) {
        for (Ast.Expr dim : t.dims()) {
          if (dim instanceof Ast.Name n && !scope.isConstant(n.text())) {
            scope.dataSizes.add(n.text());
          }
        }
      }
    }
  }
}
