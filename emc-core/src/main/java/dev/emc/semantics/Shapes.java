package dev.emc.semantics;

import dev.emc.diag.Diagnostics;
import dev.emc.diag.Span;
import dev.emc.diag.Suggest;
import dev.emc.dist.Families;
import dev.emc.dist.Family;
import dev.emc.syntax.Ast;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The third pass and what it finds: the {@code ~} statements' shapes — left sides, families, which
 * names index and which are used as values — enough to give every undeclared name its role.
 * Statements are keyed by identity: two statements may be equal as values.
 */
final class Shapes {
  /** Each statement's family, where the family is known. */
  final Map<Ast.Tilde, Family> resolved = new IdentityHashMap<>();
  /** Each statement's left-side name (a joint prior's first), where the left side is well formed. */
  final Map<Ast.Tilde, String> lhsNames = new IdentityHashMap<>();
  /** The names on the left of each joint prior, {@code (mu, Sigma) ~ …}. */
  final Map<Ast.Tilde, List<String>> jointTargets = new IdentityHashMap<>();
  /** Statements {@code first(z) ~ …}: a latent chain's first row. */
  final Set<Ast.Tilde> firstRows = Collections.newSetFromMap(new IdentityHashMap<>());
  final Set<String> usedAsIndex = new HashSet<>();
  /** Names an argument of some statement uses as a value. */
  final Set<String> usedAsValue = new HashSet<>();
  final Set<String> lhsSeen = new HashSet<>();

  private final Scope scope;
  private final Families families;
  private final Diagnostics diagnostics;

  private Shapes(Scope scope, Families families, Diagnostics diagnostics) {
    this.scope = scope;
    this.families = families;
    this.diagnostics = diagnostics;
  }

  /** Scans the statements; also gives {@code scope} each left side's family. */
  static Shapes scan(List<Ast.Tilde> tildes, Scope scope, Families families, Diagnostics diagnostics) {
    Shapes shapes = new Shapes(scope, families, diagnostics);
    for (Ast.Tilde t : tildes) {
      shapes.scan(t);
    }
    shapes.lhsNames.forEach((t, name) -> {
      if (shapes.resolved.containsKey(t)) {
        scope.lhsFamily.putIfAbsent(name, shapes.resolved.get(t));
      }
    });
    return shapes;
  }

  private void scan(Ast.Tilde t) {
    Optional<Family> family = families.find(t.family().text());
    if (family.isEmpty()) {
      diagnostics.error("unknown-family", t.family().span(), "unknown distribution family "
          + t.family().text() + familyHint(t.family().text()));
    } else {
      resolved.put(t, family.get());
    }
    if (t.targets().size() > 1) {
      List<String> names = new ArrayList<>();
      for (Ast.Expr e : t.targets()) {
        if (e instanceof Ast.Name n && !scope.isConstant(n.text())) {
          names.add(n.text());
          lhs(n);
        } else {
          diagnostics.error("lhs", e.span(), "a joint prior's left side lists parameters' names");
          return;
        }
      }
      lhsNames.put(t, names.get(0));
      jointTargets.put(t, names);
    } else if (t.lhs() instanceof Ast.Name n) {
      if (scope.isConstant(n.text())) {
        diagnostics.error("lhs", n.span(), n.text() + " is a constant and cannot have a distribution");
      } else {
        lhsNames.put(t, n.text());
        lhs(n);
      }
    } else if (t.lhs() instanceof Ast.Call c && c.function().text().equals("first")) {
      if (c.args().size() == 1 && c.args().get(0) instanceof Ast.Name n && !scope.isConstant(n.text())) {
        lhsNames.put(t, n.text());
        firstRows.add(t);
        lhs(n);
      } else {
        diagnostics.error("lhs", t.lhs().span(), "first(…) takes the name of a latent variable: `first(z) ~ …`");
      }
    } else if (t.lhs() instanceof Ast.Index i) {
      diagnostics.error("lhs", t.lhs().span(), "write the prior on the whole array: `" + i.base().text()
          + " ~ " + t.family().text() + "(…)` applies to each " + i.base().text() + "[…]");
    } else {
      diagnostics.error("lhs", t.lhs().span(), "the left side of `~` must be a variable's name");
    }
    for (Ast.Expr arg : t.args()) {
      scanUses(arg);
    }
  }

  private void lhs(Ast.Name n) {
    lhsSeen.add(n.text());
    scope.seen(n.text(), n.span());
  }

  private String familyHint(String name) {
    Optional<String> near = Suggest.closest(name, families.names());
    return near.map(n -> "; did you mean " + n + "?")
        .orElse("; the known families are " + String.join(", ", families.names())
            + "; a family emc does not ship is added from a plugin's jar with --plugin JAR or EMC_PLUGINS");
  }

  private void scanUses(Ast.Expr e) {
    if (e instanceof Ast.Name n) {
      value(n.text(), n.span());
    } else if (e instanceof Ast.Index i) {
      value(i.base().text(), i.base().span());
      for (Ast.Expr index : i.indices()) {
        Ast.Expr name = previous(index).orElse(index);
        if (name instanceof Ast.Name n && !scope.isConstant(n.text())) {
          usedAsIndex.add(n.text());
          scope.seen(n.text(), n.span());
        }
      }
    } else if (e instanceof Ast.Call c) {
      c.args().forEach(this::scanUses);
    } else if (e instanceof Ast.Binary b) {
      scanUses(b.left());
      scanUses(b.right());
    } else if (e instanceof Ast.Neg n) {
      scanUses(n.operand());
    }
  }

  private void value(String name, Span span) {
    if (!scope.isConstant(name)) {
      usedAsValue.add(name);
      scope.seen(name, span);
    }
  }

  /** The z of an index {@code prev(z)}: the previous row's value of a latent chain. */
  static Optional<Ast.Expr> previous(Ast.Expr index) {
    return index instanceof Ast.Call c && c.function().text().equals("prev") && c.args().size() == 1
        ? Optional.of(c.args().get(0)) : Optional.empty();
  }
}
