package dev.emc.semantics;

import dev.emc.diag.Diagnostics;
import dev.emc.diag.Suggest;
import dev.emc.syntax.Ast;
import dev.emc.types.Dim;
import dev.emc.types.Kind;
import dev.emc.types.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The fifth pass, first half: the types of data and latent variables, and of declared parameters,
 * with the sizes they name. {@link StochasticPass} then infers undeclared parameters' types.
 */
final class TypePass {
  private final Scope scope;
  private final Diagnostics diagnostics;

  TypePass(Scope scope, Diagnostics diagnostics) {
    this.scope = scope;
    this.diagnostics = diagnostics;
  }

  void run() {
    // Undeclared variables first: a declaration may use the size an undeclared data vector brings.
    defaultTypes();
    resolveDeclaredTypes();
  }

  /**
   * An undeclared data variable takes the type of its family's first form, with that form's sizes
   * given by the data (a Normal's x is a vector[D]; a Categorical's y is 1..K_y). An undeclared
   * latent variable ranges over 1..K, the number of components.
   */
  private void defaultTypes() {
    for (String name : scope.firstSeen.keySet()) {
      if (!scope.decls.containsKey(name) && scope.roles.get(name) == Role.LATENT) {
        if (scope.isConstant("K")) {
          scope.sizeFromConstant("K");
        } else {
          scope.sizes.putIfAbsent("K", new Size("K", OptionalInt.empty(), "number of components"));
        }
        scope.types.put(name, Type.category(Dim.of("K")));
        scope.indexes.put(name, List.of());
      }
    }
    for (String name : scope.firstSeen.keySet()) {
      if (scope.decls.containsKey(name) || scope.roles.get(name) != Role.DATA
          || !scope.lhsFamily.containsKey(name)) {
        continue;
      }
      Type form = scope.lhsFamily.get(name).signatures().get(0).lhs();
      Map<String, Dim> fromData = new HashMap<>();
      for (Dim d : form.dims()) {
        if (d instanceof Dim.Named n) {
          String size = isTaken(n.name()) ? n.name() + "_" + name : n.name();
          scope.dataSizes.add(size);
          scope.sizes.putIfAbsent(size, new Size(size, OptionalInt.empty(),
              (form.kind() == Kind.CATEGORY ? "categories of " : "columns of ") + name));
          fromData.put(n.name(), Dim.of(size));
        }
      }
      scope.types.put(name, form.substitute(fromData));
      scope.indexes.put(name, List.of());
    }
  }

  private boolean isTaken(String name) {
    return scope.isConstant(name) || scope.firstSeen.containsKey(name) || scope.dataSizes.contains(name);
  }

  private void resolveDeclaredTypes() {
    for (Ast.VarDecl d : scope.decls.values()) {
      String name = d.name().text();
      Optional<Type> type = resolveType(d.type(), name);
      if (type.isEmpty()) {
        continue;
      }
      Type t = type.get();
      Role role = scope.roles.get(name);
      String problem = switch (role) {
        // A vector latent is continuous: factor analysis' h; a positive one is a scale, a t's w.
        case LATENT -> t.kind() == Kind.CATEGORY || t.kind() == Kind.VECTOR
            || t.kind() == Kind.POSITIVE && t.isScalar() ? null
            : "a latent variable is a category, 1..K, a vector of reals, vector[Q] (factor analysis), or a"
                + " positive scale (a t distribution's)";
        case PARAM -> switch (t.kind()) {
          case INT, COUNT, BINARY, CATEGORY ->
              "a parameter is continuous; an unknown discrete value per row is a latent variable";
          default -> null;
        };
        case DATA, COVARIATE -> t.kind() == Kind.COV || t.kind() == Kind.SIMPLEX || t.kind() == Kind.MATRIX
            ? role.word() + " must be a number or a vector per row, not " + t.kind().word() : null;
      };
      if (problem != null) {
        diagnostics.error("type", d.type().span(), problem);
        continue;
      }
      List<String> index = new ArrayList<>();
      for (Ast.Ident i : d.index()) {
        if (role != Role.PARAM) {
          diagnostics.error("index", i.span(), "only parameters run over latent domains; "
              + name + " is " + role.word());
          break;
        }
        if (scope.roles.get(i.text()) != Role.LATENT) {
          scope.indexProblem(diagnostics, i.text(), i.span(), name);
          continue;
        }
        index.add(i.text());
      }
      scope.types.put(name, t);
      scope.indexes.put(name, index);
    }
  }

  private Optional<Type> resolveType(Ast.TypeExpr te, String owner) {
    if (te instanceof Ast.RangeType r) {
      OptionalDouble lo = r.lo() instanceof Ast.Num n ? OptionalDouble.of(n.value()) : OptionalDouble.empty();
      if (lo.isEmpty() || lo.getAsDouble() != 1) {
        diagnostics.error("type", r.lo().span(), "a latent domain starts at 1, as in 1..K");
        return Optional.empty();
      }
      return dim(r.hi(), owner).map(Type::category);
    }
    Ast.NamedType n = (Ast.NamedType) te;
    Kind kind = Kind.byWord(n.name().text());
    if (kind == null) {
      List<String> words = new ArrayList<>();
      for (Kind k : Kind.values()) {
        if (k != Kind.CATEGORY) {
          words.add(k.word());
        }
      }
      Optional<String> near = Suggest.closest(n.name().text(), words);
      diagnostics.error("unknown-type", n.name().span(), "unknown type " + n.name().text()
          + near.map(w -> "; did you mean " + w + "?")
              .orElse("; the types are " + String.join(", ", words) + " and ranges 1..K"));
      return Optional.empty();
    }
    if (n.dims().size() != kind.dims() && !(kind.vectorizable() && n.dims().size() == 1)) {
      diagnostics.error("type", n.span(), kind.dims() == 0 && !kind.vectorizable()
          ? kind.word() + " takes no size"
          : kind.word() + " takes " + (kind.vectorizable() ? "at most " : "") + "1 size, as in "
              + kind.word() + "[D]");
      return Optional.empty();
    }
    List<Dim> dims = new ArrayList<>();
    for (Ast.Expr e : n.dims()) {
      Optional<Dim> d = dim(e, owner);
      if (d.isEmpty()) {
        return Optional.empty();
      }
      dims.add(d.get());
    }
    // real[D] is a vector[D].
    return Optional.of(kind == Kind.REAL && dims.size() == 1 ? Type.vector(dims.get(0)) : new Type(kind, dims));
  }

  /** A size written in a type: a positive integer, a constant, or a size the data gives. */
  private Optional<Dim> dim(Ast.Expr e, String owner) {
    if (e instanceof Ast.Num n) {
      if (!n.integral() || n.value() < 1 || n.value() > Integer.MAX_VALUE) {
        diagnostics.error("size", n.span(), "a size must be a positive integer"
            + (n.value() > Integer.MAX_VALUE ? " of at most " + Integer.MAX_VALUE : "") + ", not " + n.text());
        return Optional.empty();
      }
      return Optional.of(Dim.of((int) n.value()));
    }
    if (e instanceof Ast.Name n) {
      String name = n.text();
      if (scope.isConstant(name)) {
        scope.sizeFromConstant(name);
        return Optional.of(Dim.of(name));
      }
      if (scope.dataSizes.contains(name)) {
        scope.sizes.putIfAbsent(name, new Size(name, OptionalInt.empty(), "from the data"));
        return Optional.of(Dim.of(name));
      }
      List<String> known = new ArrayList<>(scope.constants.keySet());
      known.addAll(scope.dataSizes);
      diagnostics.error("unknown-name", n.span(), "unknown size " + name + " in the type of " + owner
          + Suggest.hint(name, known)
          + " (a size is a number, a constant, or a name in the type of a data variable)");
      return Optional.empty();
    }
    diagnostics.error("size", e.span(), "a size must be a number or a name");
    return Optional.empty();
  }
}
