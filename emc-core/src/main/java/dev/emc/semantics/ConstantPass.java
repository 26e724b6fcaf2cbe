package dev.emc.semantics;

import dev.emc.diag.Diagnostics;
import dev.emc.diag.Source;
import dev.emc.diag.Suggest;
import dev.emc.syntax.Ast;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** The first pass: constants' values, with command-line settings applied, so that sizes have values. */
final class ConstantPass {
  private final Scope scope;
  private final Source source;
  private final Diagnostics diagnostics;

  ConstantPass(Scope scope, Source source, Diagnostics diagnostics) {
    this.scope = scope;
    this.source = source;
    this.diagnostics = diagnostics;
  }

  /** Defines the program's constants, then takes from {@code settings} those that set one. */
  void run(Ast.Program program, Map<String, Double> settings) {
    for (Ast.Item item : program.items()) {
      if (item instanceof Ast.ConstDecl c) {
        constant(c);
      }
    }
    for (var it = settings.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Double> s = it.next();
      if (scope.isConstant(s.getKey())) {
        scope.constants.put(s.getKey(), new Constant(s.getKey(), s.getValue(), Optional.empty()));
        it.remove();
      }
    }
  }

  private void constant(Ast.ConstDecl c) {
    String name = c.name().text();
    if (scope.isConstant(name)) {
      int line = source.line(scope.constants.get(name).span().orElseThrow().start());
      diagnostics.error("duplicate", c.name().span(), "constant " + name + " is already defined on line " + line);
      return;
    }
    OptionalDouble value = evaluate(c.value());
    if (value.isPresent()) {
      scope.constants.put(name, new Constant(name, value.getAsDouble(), Optional.of(c.value().span())));
    }
  }

  /** A constant's value: numbers, earlier constants and arithmetic on them. */
  private OptionalDouble evaluate(Ast.Expr e) {
    if (e instanceof Ast.Num n) {
      return OptionalDouble.of(n.value());
    }
    if (e instanceof Ast.Name n) {
      Constant c = scope.constants.get(n.text());
      if (c == null) {
        diagnostics.error("unknown-name", n.span(), "unknown constant " + n.text()
            + Suggest.hint(n.text(), scope.constants.keySet())
            + " (a constant's value may use only numbers and constants defined above it)");
        return OptionalDouble.empty();
      }
      return OptionalDouble.of(c.value());
    }
    if (e instanceof Ast.Neg n) {
      OptionalDouble v = evaluate(n.operand());
      return v.isPresent() ? OptionalDouble.of(-v.getAsDouble()) : v;
    }
    if (e instanceof Ast.Binary b) {
      OptionalDouble l = evaluate(b.left());
      OptionalDouble r = evaluate(b.right());
      if (l.isEmpty() || r.isEmpty()) {
        return OptionalDouble.empty();
      }
      double x = l.getAsDouble();
      double y = r.getAsDouble();
      double v = switch (b.op()) {
        case ADD -> x + y;
        case SUB -> x - y;
        case MUL -> x * y;
        case DIV -> x / y;
      };
      if (!Double.isFinite(v)) {
        diagnostics.error("constant", b.span(), "this constant expression has no finite value");
        return OptionalDouble.empty();
      }
      return OptionalDouble.of(v);
    }
    diagnostics.error("constant", e.span(), "a constant's value must be a number or arithmetic on constants");
    return OptionalDouble.empty();
  }
}
