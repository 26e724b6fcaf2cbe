package dev.emc.semantics;

import dev.emc.diag.Diagnostics;
import dev.emc.diag.Source;
import dev.emc.diag.Span;
import dev.emc.diag.Suggest;
import dev.emc.dist.Families;
import dev.emc.dist.Family;
import dev.emc.dist.Param;
import dev.emc.dist.Signature;
import dev.emc.dist.Use;
import dev.emc.syntax.Ast;
import dev.emc.types.Dim;
import dev.emc.types.Kind;
import dev.emc.types.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * The semantic stage: a parsed {@link Ast.Program} to a {@link CheckedModel}, or diagnostics.
 *
 * <p>The passes, in order, each needing the ones before:
 *
 * <ol>
 *   <li>constants (with command-line settings applied), so that sizes have values;
 *   <li>declarations, so that explicit roles and types are known;
 *   <li>the {@code ~} statements' shapes: left sides, families, which names index and which are
 *       used as values — enough to give every undeclared name its role;
 *   <li>roles: a name used as an index is latent; a name on the left of {@code ~} that is also an
 *       argument elsewhere is a parameter with a prior; any other left side is data; any other
 *       argument is a parameter;
 *   <li>types: distributions of data and latents in source order pick their family's form and
 *       give undeclared parameters its types; then priors, which need those types;
 *   <li>whole-model rules: one distribution per data and latent variable, sizes positive.
 * </ol>
 */
public final class Checker {
  /** The functions argument expressions may call. */
  private static final Set<String> FUNCTIONS = Set.of("dot");

  private final Source source;
  private final Families families;
  private final Map<String, Double> settings;
  private final Diagnostics diagnostics;

  private final Map<String, Constant> constants = new LinkedHashMap<>();
  private final Map<String, Ast.VarDecl> decls = new LinkedHashMap<>();
  private final Map<String, Size> sizes = new LinkedHashMap<>();
  /** Sizes that the data decides: named in a data or covariate type, or a data vector's length. */
  private final Set<String> dataSizes = new LinkedHashSet<>();

  /** Every variable name in the order the model first mentions it, with that mention. */
  private final Map<String, Span> firstSeen = new LinkedHashMap<>();
  private final Set<String> usedAsIndex = new HashSet<>();
  private final Set<String> usedAsValue = new HashSet<>();
  private final Set<String> lhsSeen = new HashSet<>();
  /** The family of each name's own {@code ~} statement. */
  private final Map<String, Family> lhsFamily = new HashMap<>();
  /** The names on the left of each joint prior, {@code (mu, Sigma) ~ …}. */
  private final Map<Ast.Tilde, List<String>> jointTargets = new java.util.IdentityHashMap<>();
  /** Statements {@code first(z) ~ …}: a latent chain's first row. */
  private final Set<Ast.Tilde> firstRows = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
  private final Map<String, Span> usedInDistribution = new HashMap<>();

  private final Map<String, Role> roles = new HashMap<>();
  private final Map<String, Type> types = new HashMap<>();
  private final Map<String, List<String>> indexes = new HashMap<>();
  /** Where an undeclared parameter got its type, for messages about a later, different use. */
  private final Map<String, String> inferredBy = new HashMap<>();

  private Checker(Source source, Families families, Map<String, Double> settings, Diagnostics diagnostics) {
    this.source = source;
    this.families = families;
    this.settings = new LinkedHashMap<>(settings);
    this.diagnostics = diagnostics;
  }

  /**
   * Checks a program. {@code settings} are command-line values ({@code --set K=3}) for constants
   * and sizes; a name the model does not size or define is an error.
   */
  public static Optional<CheckedModel> check(
      Ast.Program program, Source source, Families families, Map<String, Double> settings,
      Diagnostics diagnostics) {
    return new Checker(source, families, settings, diagnostics).run(program);
  }

  private Optional<CheckedModel> run(Ast.Program program) {
    List<Ast.Tilde> tildes = new ArrayList<>();
    for (Ast.Item item : program.items()) {
      if (item instanceof Ast.ConstDecl c) {
        constant(c);
      }
    }
    applySettingsToConstants();
    for (Ast.Item item : program.items()) {
      if (item instanceof Ast.VarDecl d) {
        declare(d);
      } else if (item instanceof Ast.Tilde t) {
        tildes.add(t);
      }
    }
    Map<Ast.Tilde, Family> resolved = new java.util.IdentityHashMap<>();
    Map<Ast.Tilde, String> lhsNames = new java.util.IdentityHashMap<>();
    for (Ast.Tilde t : tildes) {
      scan(t, resolved, lhsNames);
    }
    assignRoles(lhsNames, resolved);
    // Undeclared variables first: a declaration may use the size an undeclared data vector brings.
    defaultTypes(lhsNames, resolved);
    resolveDeclaredTypes();

    List<Stochastic> distributions = new ArrayList<>();
    List<Stochastic> priors = new ArrayList<>();
    Map<String, Span> distributed = new HashMap<>();
    Map<String, Span> priored = new HashMap<>();
    for (Ast.Tilde t : tildes) {
      String lhs = lhsNames.get(t);
      Family family = resolved.get(t);
      if (lhs == null || family == null || !roles.containsKey(lhs)) {
        continue;
      }
      Role role = roles.get(lhs);
      if (role == Role.PARAM) {
        continue; // priors need every parameter's type: second loop
      }
      if (role == Role.COVARIATE) {
        diagnostics.error("role", t.lhs().span(), "covariate " + lhs
            + " is conditioned on and cannot have a distribution; declare it `data` to model it");
        continue;
      }
      boolean first = firstRows.contains(t);
      if (first && role != Role.LATENT) {
        diagnostics.error("role", t.lhs().span(), "first(" + lhs + ") is the first row of a latent chain, but "
            + lhs + " is " + role.word());
        continue;
      }
      Span before = distributed.putIfAbsent(first ? "first(" + lhs + ")" : lhs, t.span());
      if (before != null) {
        diagnostics.error("two-distributions", t.span(), (first ? "first(" + lhs + ")" : lhs)
            + " already has a distribution, on line " + source.line(before.start()) + "; a variable has exactly one");
        continue;
      }
      // A continuous latent has a density, as data does.
      Use use = role == Role.LATENT && types.containsKey(lhs) && types.get(lhs).kind() == Kind.CATEGORY
          ? Use.LATENT : Use.DATA;
      if (!family.uses().contains(use)) {
        diagnostics.error("family-use", t.family().span(), family.name() + " cannot be the distribution of "
            + (use == Use.LATENT ? "a latent variable" : "data") + "; it is "
            + describeUses(family));
        continue;
      }
      stochastic(t, lhs, family, false)
          .map(d -> first ? new Stochastic(d.targets(), d.family(), d.signature(), d.args(), d.span(), true) : d)
          .ifPresent(distributions::add);
    }
    for (Ast.Tilde t : tildes) {
      String lhs = lhsNames.get(t);
      Family family = resolved.get(t);
      if (lhs == null || family == null || roles.get(lhs) != Role.PARAM) {
        continue;
      }
      if (jointTargets.containsKey(t)) {
        jointPrior(t, jointTargets.get(t), family, priored).ifPresent(priors::add);
        continue;
      }
      Span before = priored.putIfAbsent(lhs, t.span());
      if (before != null) {
        diagnostics.error("two-priors", t.span(), lhs + " already has a prior, on line "
            + source.line(before.start()) + "; a parameter has at most one");
        continue;
      }
      if (!family.uses().contains(Use.PRIOR)) {
        diagnostics.error("family-use", t.family().span(), family.name()
            + " cannot be a prior on a parameter; it is " + describeUses(family));
        continue;
      }
      if (!types.containsKey(lhs)) {
        diagnostics.error("unused", t.lhs().span(), lhs
            + " has a prior but no distribution of the data uses it");
        continue;
      }
      stochastic(t, lhs, family, true).ifPresent(priors::add);
    }
    for (String lhs : lhsNames.values()) {
      distributed.putIfAbsent(lhs, null); // an unknown family was reported; do not say "no distribution" too
    }
    requireDistributions(distributed);
    requireUse();
    checkSizes();
    if (diagnostics.hasErrors()) {
      return Optional.empty();
    }
    Map<String, Variable> variables = new LinkedHashMap<>();
    for (Map.Entry<String, Span> e : firstSeen.entrySet()) {
      String name = e.getKey();
      if (roles.containsKey(name) && types.containsKey(name)) {
        Ast.VarDecl d = decls.get(name);
        variables.put(name, new Variable(name, roles.get(name), indexes.getOrDefault(name, List.of()),
            types.get(name), d != null, d != null ? d.name().span() : e.getValue()));
      }
    }
    String name = program.name().map(Ast.Ident::text).orElse(baseName(source.name()));
    return Optional.of(new CheckedModel(name, source, constants, sizes, variables, distributions, priors));
  }

  // ---------------------------------------------------------------- constants and settings

  private void constant(Ast.ConstDecl c) {
    String name = c.name().text();
    if (constants.containsKey(name)) {
      int line = source.line(constants.get(name).span().orElseThrow().start());
      diagnostics.error("duplicate", c.name().span(), "constant " + name + " is already defined on line " + line);
      return;
    }
    OptionalDouble value = evaluate(c.value());
    if (value.isPresent()) {
      constants.put(name, new Constant(name, value.getAsDouble(), Optional.of(c.value().span())));
    }
  }

  /** A constant's value: numbers, earlier constants and arithmetic on them. */
  private OptionalDouble evaluate(Ast.Expr e) {
    if (e instanceof Ast.Num n) {
      return OptionalDouble.of(n.value());
    }
    if (e instanceof Ast.Name n) {
      Constant c = constants.get(n.text());
      if (c == null) {
        diagnostics.error("unknown-name", n.span(), "unknown constant " + n.text()
            + Suggest.hint(n.text(), constants.keySet())
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

  private void applySettingsToConstants() {
    for (var it = settings.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Double> s = it.next();
      if (constants.containsKey(s.getKey())) {
        constants.put(s.getKey(), new Constant(s.getKey(), s.getValue(), Optional.empty()));
        it.remove();
      }
    }
  }

  // ---------------------------------------------------------------- declarations

  private void declare(Ast.VarDecl d) {
    String name = d.name().text();
    if (constants.containsKey(name)) {
      diagnostics.error("duplicate", d.name().span(), name + " is already defined as a constant"
          + constants.get(name).span().map(s -> " on line " + source.line(s.start())).orElse(""));
      return;
    }
    Ast.VarDecl before = decls.get(name);
    if (before != null) {
      diagnostics.error("duplicate", d.name().span(), name + " is already declared on line "
          + source.line(before.span().start()));
      return;
    }
    decls.put(name, d);
    seen(name, d.name().span());
    if (d.role() == Ast.Role.DATA || d.role() == Ast.Role.COVARIATE) {
      // Names in a data type that are not constants are sizes the data will give.
      if (d.type() instanceof Ast.NamedType t) {
        for (Ast.Expr dim : t.dims()) {
          if (dim instanceof Ast.Name n && !constants.containsKey(n.text())) {
            dataSizes.add(n.text());
          }
        }
      }
    }
  }

  private void seen(String name, Span span) {
    firstSeen.putIfAbsent(name, span);
  }

  // ---------------------------------------------------------------- the ~ statements' shapes

  private void scan(Ast.Tilde t, Map<Ast.Tilde, Family> resolved, Map<Ast.Tilde, String> lhsNames) {
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
        if (e instanceof Ast.Name n && !constants.containsKey(n.text())) {
          names.add(n.text());
          lhsSeen.add(n.text());
          seen(n.text(), n.span());
        } else {
          diagnostics.error("lhs", e.span(), "a joint prior's left side lists parameters' names");
          return;
        }
      }
      lhsNames.put(t, names.get(0));
      jointTargets.put(t, names);
    } else if (t.lhs() instanceof Ast.Name n) {
      if (constants.containsKey(n.text())) {
        diagnostics.error("lhs", n.span(), n.text() + " is a constant and cannot have a distribution");
      } else {
        lhsNames.put(t, n.text());
        lhsSeen.add(n.text());
        seen(n.text(), n.span());
      }
    } else if (t.lhs() instanceof Ast.Call c && c.function().text().equals("first")) {
      if (c.args().size() == 1 && c.args().get(0) instanceof Ast.Name n && !constants.containsKey(n.text())) {
        lhsNames.put(t, n.text());
        firstRows.add(t);
        lhsSeen.add(n.text());
        seen(n.text(), n.span());
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
      scanUses(arg, t);
    }
  }

  private String familyHint(String name) {
    Optional<String> near = Suggest.closest(name, families.names());
    return near.map(n -> "; did you mean " + n + "?")
        .orElse("; the known families are " + String.join(", ", families.names()));
  }

  private void scanUses(Ast.Expr e, Ast.Tilde in) {
    if (e instanceof Ast.Name n) {
      if (!constants.containsKey(n.text())) {
        usedAsValue.add(n.text());
        usedInDistribution.putIfAbsent(n.text(), in.span());
        seen(n.text(), n.span());
      }
    } else if (e instanceof Ast.Index i) {
      if (!constants.containsKey(i.base().text())) {
        usedAsValue.add(i.base().text());
        usedInDistribution.putIfAbsent(i.base().text(), in.span());
        seen(i.base().text(), i.base().span());
      }
      for (Ast.Expr index : i.indices()) {
        Ast.Expr name = previous(index).orElse(index);
        if (name instanceof Ast.Name n && !constants.containsKey(n.text())) {
          usedAsIndex.add(n.text());
          seen(n.text(), n.span());
        }
      }
    } else if (e instanceof Ast.Call c) {
      c.args().forEach(a -> scanUses(a, in));
    } else if (e instanceof Ast.Binary b) {
      scanUses(b.left(), in);
      scanUses(b.right(), in);
    } else if (e instanceof Ast.Neg n) {
      scanUses(n.operand(), in);
    }
  }

  /** The z of an index {@code prev(z)}: the previous row's value of a latent chain. */
  private static Optional<Ast.Expr> previous(Ast.Expr index) {
    return index instanceof Ast.Call c && c.function().text().equals("prev") && c.args().size() == 1
        ? Optional.of(c.args().get(0)) : Optional.empty();
  }

  // ---------------------------------------------------------------- roles

  private void assignRoles(Map<Ast.Tilde, String> lhsNames, Map<Ast.Tilde, Family> resolved) {
    Set<String> lhs = new HashSet<>(lhsNames.values());
    Map<String, Family> familyOf = lhsFamily;
    lhsNames.forEach((t, name) -> {
      if (resolved.containsKey(t)) {
        familyOf.putIfAbsent(name, resolved.get(t));
      }
    });
    for (String name : firstSeen.keySet()) {
      Ast.VarDecl d = decls.get(name);
      Role role;
      if (d != null) {
        role = switch (d.role()) {
          case DATA -> Role.DATA;
          case LATENT -> Role.LATENT;
          case PARAM -> Role.PARAM;
          case COVARIATE -> Role.COVARIATE;
        };
      } else if (usedAsIndex.contains(name)) {
        // An index is latent, unless its own family says it cannot be: then it is data, and
        // indexing by it is the error to report.
        Family f = familyOf.get(name);
        role = f == null || f.uses().contains(Use.LATENT) ? Role.LATENT : Role.DATA;
      } else if (lhs.contains(name)) {
        role = usedAsValue.contains(name) ? Role.PARAM : Role.DATA;
      } else {
        role = Role.PARAM;
      }
      roles.put(name, role);
    }
  }

  // ---------------------------------------------------------------- types

  private void resolveDeclaredTypes() {
    for (Ast.VarDecl d : decls.values()) {
      String name = d.name().text();
      Optional<Type> type = resolveType(d.type(), name);
      if (type.isEmpty()) {
        continue;
      }
      Type t = type.get();
      Role role = roles.get(name);
      String problem = switch (role) {
        // A vector latent is continuous: factor analysis' h.
        case LATENT -> t.kind() == Kind.CATEGORY || t.kind() == Kind.VECTOR ? null
            : "a latent variable is a category, 1..K, or a vector of reals, vector[Q] (factor analysis)";
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
        if (roles.get(i.text()) != Role.LATENT) {
          indexProblem(i.text(), i.span(), name);
          continue;
        }
        index.add(i.text());
      }
      types.put(name, t);
      indexes.put(name, index);
    }
  }

  /** Reports why {@code index} cannot index {@code base}. */
  private void indexProblem(String index, Span span, String base) {
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
      if (constants.containsKey(name)) {
        sizeFromConstant(name);
        return Optional.of(Dim.of(name));
      }
      if (dataSizes.contains(name)) {
        sizes.putIfAbsent(name, new Size(name, OptionalInt.empty(), "from the data"));
        return Optional.of(Dim.of(name));
      }
      List<String> known = new ArrayList<>(constants.keySet());
      known.addAll(dataSizes);
      diagnostics.error("unknown-name", n.span(), "unknown size " + name + " in the type of " + owner
          + Suggest.hint(name, known)
          + " (a size is a number, a constant, or a name in the type of a data variable)");
      return Optional.empty();
    }
    diagnostics.error("size", e.span(), "a size must be a number or a name");
    return Optional.empty();
  }

  private void sizeFromConstant(String name) {
    Constant c = constants.get(name);
    sizes.putIfAbsent(name, new Size(name, OptionalInt.empty(),
        c.span().isPresent() ? "constant" : "set on the command line"));
  }

  /**
   * An undeclared data variable takes the type of its family's first form, with that form's sizes
   * given by the data (a Normal's x is a vector[D]; a Categorical's y is 1..K_y). An undeclared
   * latent variable ranges over 1..K, the number of components.
   */
  private void defaultTypes(Map<Ast.Tilde, String> lhsNames, Map<Ast.Tilde, Family> resolved) {
    Map<String, Family> familyOf = new HashMap<>();
    lhsNames.forEach((t, name) -> {
      if (resolved.containsKey(t)) {
        familyOf.putIfAbsent(name, resolved.get(t));
      }
    });
    for (String name : firstSeen.keySet()) {
      if (!decls.containsKey(name) && roles.get(name) == Role.LATENT) {
        if (constants.containsKey("K")) {
          sizeFromConstant("K");
        } else {
          sizes.putIfAbsent("K", new Size("K", OptionalInt.empty(), "number of components"));
        }
        types.put(name, Type.category(Dim.of("K")));
        indexes.put(name, List.of());
      }
    }
    for (String name : firstSeen.keySet()) {
      if (decls.containsKey(name) || roles.get(name) != Role.DATA || !familyOf.containsKey(name)) {
        continue;
      }
      Type form = familyOf.get(name).signatures().get(0).lhs();
      Map<String, Dim> fromData = new HashMap<>();
      for (Dim d : form.dims()) {
        if (d instanceof Dim.Named n) {
          String size = isTaken(n.name()) ? n.name() + "_" + name : n.name();
          dataSizes.add(size);
          sizes.putIfAbsent(size, new Size(size, OptionalInt.empty(),
              (form.kind() == Kind.CATEGORY ? "categories of " : "columns of ") + name));
          fromData.put(n.name(), Dim.of(size));
        }
      }
      types.put(name, form.substitute(fromData));
      indexes.put(name, List.of());
    }
  }

  private boolean isTaken(String name) {
    return constants.containsKey(name) || firstSeen.containsKey(name) || dataSizes.contains(name);
  }

  // ---------------------------------------------------------------- ~ statements

  /** Checks one statement against its family's forms; infers undeclared parameters' types. */
  private Optional<Stochastic> stochastic(Ast.Tilde t, String lhs, Family family, boolean prior) {
    Type lhsType = types.get(lhs);
    if (lhsType == null) {
      return Optional.empty(); // its declaration was wrong and already reported
    }
    List<Signature> arity = family.signatures().stream()
        .filter(s -> s.params().size() == t.args().size()).toList();
    if (arity.isEmpty()) {
      diagnostics.error("arity", t.family().span(), family.name() + " takes " + arities(family)
          + ", but " + count(t.args().size(), "was", "were") + " given");
      return Optional.empty();
    }
    List<Signature> lhsFits = arity.stream()
        .filter(s -> lhsType.unify(s.lhs(), new HashMap<>())).toList();
    if (lhsFits.isEmpty()) {
      diagnostics.error("type", t.lhs().span(), family.name() + " is a distribution of "
          + lhsTypes(family) + " values, but " + lhs + " is " + lhsType);
      return Optional.empty();
    }
    Signature chosen = lhsFits.get(0);
    for (Signature s : lhsFits) {
      if (fitsQuietly(s, lhsType, t.args(), prior)) {
        chosen = s;
        break;
      }
    }
    Map<String, Dim> bindings = new HashMap<>();
    lhsType.unify(chosen.lhs(), bindings);
    Set<String> patternVars = patternVariables(chosen);
    List<Term> args = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < t.args().size(); i++) {
      Param p = chosen.params().get(i);
      Context ctx = new Context(family, p, prior, patternVars);
      Optional<Term> term = term(t.args().get(i), p.type(), bindings, ctx);
      ok &= term.isPresent();
      term.ifPresent(args::add);
    }
    return ok ? Optional.of(new Stochastic(lhs, family, chosen, args, t.span())) : Optional.empty();
  }

  /** {@code (mu, Sigma) ~ Family(args)}: one prior on several parameters together. */
  private Optional<Stochastic> jointPrior(Ast.Tilde t, List<String> names, Family family,
      Map<String, Span> priored) {
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (roles.get(name) != Role.PARAM || !types.containsKey(name)) {
        diagnostics.error("lhs", t.targets().get(i).span(), name
            + " is not a parameter that a distribution of the data uses");
        return Optional.empty();
      }
      Span before = priored.putIfAbsent(name, t.span());
      if (before != null) {
        diagnostics.error("two-priors", t.span(), name + " already has a prior, on line "
            + source.line(before.start()) + "; a parameter has at most one");
        return Optional.empty();
      }
    }
    List<Signature> forms = family.signatures().stream()
        .filter(s -> s.isJoint() && s.joint().size() == names.size() && s.params().size() == t.args().size())
        .toList();
    if (forms.isEmpty()) {
      diagnostics.error("family-use", t.family().span(), family.name() + " is not a joint prior on "
          + names.size() + " parameters with " + count(t.args().size(), "argument", "arguments"));
      return Optional.empty();
    }
    for (Signature form : forms) {
      Map<String, Dim> bindings = new HashMap<>();
      boolean fits = true;
      for (int i = 0; i < names.size() && fits; i++) {
        fits = types.get(names.get(i)).unify(form.joint().get(i).type(), bindings);
      }
      if (!fits) {
        continue;
      }
      Set<String> patternVars = patternVariables(form);
      List<Term> args = new ArrayList<>();
      for (int i = 0; i < t.args().size(); i++) {
        Param p = form.params().get(i);
        Optional<Term> term = term(t.args().get(i), p.type(), bindings, new Context(family, p, true, patternVars));
        if (term.isEmpty()) {
          return Optional.empty();
        }
        args.add(term.get());
      }
      return Optional.of(new Stochastic(names, family, form, args, t.span()));
    }
    diagnostics.error("type", t.span(), family.name() + " is a prior on " + String.join(" and ",
        forms.get(0).joint().stream().map(p -> p.name() + " (" + p.type() + ")").toList()) + ", but "
        + String.join(" and ", names.stream().map(n -> n + " is " + types.get(n)).toList()));
    return Optional.empty();
  }

  /** Where an argument stands, for its messages. */
  private record Context(Family family, Param param, boolean prior, Set<String> patternVars) {
    String what() {
      return family.name() + "'s " + param.name();
    }
  }

  private static Set<String> patternVariables(Signature s) {
    Set<String> vars = new HashSet<>();
    for (Dim d : s.lhs().dims()) {
      if (d instanceof Dim.Named n) {
        vars.add(n.name());
      }
    }
    List<Param> all = new ArrayList<>(s.params());
    all.addAll(s.joint());
    for (Param p : all) {
      for (Dim d : p.type().dims()) {
        if (d instanceof Dim.Named n) {
          vars.add(n.name());
        }
      }
    }
    return vars;
  }

  /** Whether every argument whose type is already known fits this form. */
  private boolean fitsQuietly(Signature s, Type lhsType, List<Ast.Expr> args, boolean prior) {
    Map<String, Dim> bindings = new HashMap<>();
    if (!lhsType.unify(s.lhs(), bindings)) {
      return false;
    }
    for (int i = 0; i < args.size(); i++) {
      Type wanted = s.params().get(i).type();
      Ast.Expr arg = args.get(i);
      OptionalDouble literal = literalValue(arg);
      if (literal.isPresent()) {
        if (!admits(wanted.substitute(bindings), literal.getAsDouble())) {
          return false;
        }
        continue;
      }
      Optional<Type> known = knownType(arg);
      if (known.isPresent() && !known.get().unify(wanted, bindings)) {
        return false;
      }
    }
    return true;
  }

  private OptionalDouble literalValue(Ast.Expr e) {
    if (e instanceof Ast.Num n) {
      return OptionalDouble.of(n.value());
    }
    if (e instanceof Ast.Neg n && n.operand() instanceof Ast.Num num) {
      return OptionalDouble.of(-num.value());
    }
    if (e instanceof Ast.Name n && constants.containsKey(n.text())) {
      return OptionalDouble.of(constants.get(n.text()).value());
    }
    return OptionalDouble.empty();
  }

  /** The type of an argument when it is decided without inference; empty for a new parameter. */
  private Optional<Type> knownType(Ast.Expr e) {
    if (e instanceof Ast.Name n) {
      return Optional.ofNullable(types.get(n.text()));
    }
    if (e instanceof Ast.Index i) {
      return Optional.ofNullable(types.get(i.base().text()));
    }
    if (e instanceof Ast.Binary b) {
      // W * h + mu is a vector, of a length the statement decides.
      return mentionsContinuousLatent(b) ? Optional.empty() : Optional.of(Type.REAL);
    }
    if (e instanceof Ast.Neg || e instanceof Ast.Call) {
      return Optional.of(Type.REAL);
    }
    return Optional.empty();
  }

  private boolean isContinuousLatent(String name) {
    return roles.get(name) == Role.LATENT && types.containsKey(name) && types.get(name).kind() == Kind.VECTOR;
  }

  private boolean mentionsContinuousLatent(Ast.Expr e) {
    return e instanceof Ast.Name n ? isContinuousLatent(n.text())
        : e instanceof Ast.Binary b && (mentionsContinuousLatent(b.left()) || mentionsContinuousLatent(b.right()));
  }

  /** Whether a number may stand for a value of this type (a scalar fills a vector or c·I). */
  private static boolean admits(Type t, double v) {
    return switch (t.kind()) {
      case REAL, VECTOR -> true;
      case POSITIVE, COV -> v > 0;
      case PROBABILITY -> v >= 0 && v <= 1;
      case INT -> v == Math.rint(v);
      case COUNT -> v == Math.rint(v) && v >= 0;
      case BINARY -> v == 0 || v == 1;
      case CATEGORY -> v == Math.rint(v) && v >= 1;
      case SIMPLEX, MATRIX -> false;
    };
  }

  private Optional<Term> term(Ast.Expr e, Type pattern, Map<String, Dim> bindings, Context ctx) {
    if (e instanceof Ast.Num || e instanceof Ast.Neg neg && neg.operand() instanceof Ast.Num
        || e instanceof Ast.Name name && constants.containsKey(name.text())) {
      return number(e, pattern.substitute(bindings), ctx);
    }
    if (e instanceof Ast.Name n) {
      return reference(n.text(), List.of(), n.span(), e.span(), pattern, bindings, ctx);
    }
    if (e instanceof Ast.Index i) {
      List<String> indices = new ArrayList<>();
      boolean lagged = false;
      for (Ast.Expr written : i.indices()) {
        Ast.Expr index = previous(written).orElse(written);
        lagged |= index != written;
        if (index instanceof Ast.Name n && roles.get(n.text()) == Role.LATENT) {
          indices.add(n.text());
        } else if (index instanceof Ast.Name n) {
          indexProblem(n.text(), n.span(), i.base().text());
          return Optional.empty();
        } else {
          diagnostics.error("index", index.span(), i.base().text()
              + " must be indexed by a latent variable, as in " + i.base().text() + "[z]");
          return Optional.empty();
        }
      }
      boolean previous = lagged;
      return reference(i.base().text(), indices, i.base().span(), e.span(), pattern, bindings, ctx)
          .map(t -> previous && t instanceof Term.VarRef r
              ? new Term.VarRef(r.name(), r.indices(), r.type(), r.span(), true) : t);
    }
    if (e instanceof Ast.Call c) {
      return call(c, pattern.substitute(bindings), ctx);
    }
    if (ctx.prior()) {
      diagnostics.error("prior-argument", e.span(),
          "a prior's arguments must be numbers, constants or parameters, not arithmetic");
      return Optional.empty();
    }
    Type wanted = pattern.substitute(bindings);
    if (wanted.kind() == Kind.VECTOR && e instanceof Ast.Binary b && mentionsContinuousLatent(b)) {
      return linearInLatent(b, wanted, bindings, ctx);
    }
    if (wanted.kind() != Kind.REAL) {
      diagnostics.error("type", e.span(), ctx.what() + " must be " + wanted
          + "; arithmetic gives a real number");
      return Optional.empty();
    }
    if (e instanceof Ast.Neg n) {
      return term(n.operand(), Type.REAL, bindings, ctx)
          .map(o -> new Term.Negate(o, Type.REAL, e.span()));
    }
    Ast.Binary b = (Ast.Binary) e;
    Optional<Term> l = term(b.left(), Type.REAL, bindings, ctx);
    Optional<Term> r = term(b.right(), Type.REAL, bindings, ctx);
    if (l.isEmpty() || r.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Term.Arith(b.op(), l.get(), r.get(), Type.REAL, e.span()));
  }

  /**
   * A mean linear in a continuous latent h: {@code W * h}, plus a vector such as {@code mu} on
   * either side. W, a parameter, is a matrix[D, Q] for h : vector[Q] and a mean of vector[D].
   */
  private Optional<Term> linearInLatent(Ast.Binary b, Type wanted, Map<String, Dim> bindings, Context ctx) {
    if (b.op() == Ast.Op.ADD) {
      Optional<Term> l = term(b.left(), wanted, bindings, ctx);
      Optional<Term> r = term(b.right(), wanted, bindings, ctx);
      return l.isEmpty() || r.isEmpty() ? Optional.empty()
          : Optional.of(new Term.Arith(b.op(), l.get(), r.get(), wanted, b.span()));
    }
    if (b.op() != Ast.Op.MUL || !(b.right() instanceof Ast.Name h) || !isContinuousLatent(h.text())
        || !(b.left() instanceof Ast.Name w)) {
      diagnostics.error("structure", b.span(), "a continuous latent enters a mean as loadings times it, as in"
          + " `x ~ Normal(W * h + mu, Psi);`");
      return Optional.empty();
    }
    Type latent = types.get(h.text());
    Type loadings = Type.matrix(wanted.dim(), latent.dim());
    Context inner = new Context(ctx.family(), new Param("loadings", loadings), false, Set.of());
    return reference(w.text(), List.of(), w.span(), w.span(), loadings, new HashMap<>(), inner)
        .map(l -> new Term.Arith(b.op(), l, new Term.VarRef(h.text(), List.of(), latent, h.span()), wanted, b.span()));
  }

  private Optional<Term> number(Ast.Expr e, Type wanted, Context ctx) {
    double v = literalValue(e).orElseThrow();
    if (!admits(wanted, v)) {
      String shown = e instanceof Ast.Name n ? n.text() + " = " + constants.get(n.text()).valueText()
          : source.slice(e.span());
      diagnostics.error("type", e.span(), ctx.what() + " must be " + describe(wanted)
          + ", but " + shown + " is not" + (wanted.kind() == Kind.COV
              ? " (a positive number stands for that multiple of the identity)" : ""));
      return Optional.empty();
    }
    if (e instanceof Ast.Name n) {
      return Optional.of(new Term.ConstRef(n.text(), v, wanted, e.span()));
    }
    return Optional.of(new Term.Number(v, wanted, e.span()));
  }

  /** A wanted type in words, with the values of its constant sizes: "simplex[K] (K = 2)". */
  private String describe(Type t) {
    String words = switch (t.kind()) {
      case POSITIVE -> "positive";
      case PROBABILITY -> "a probability (between 0 and 1)";
      default -> t.toString();
    };
    List<String> known = new ArrayList<>();
    for (Dim d : t.dims()) {
      if (d instanceof Dim.Named n && constants.containsKey(n.name())) {
        known.add(n.name() + " = " + constants.get(n.name()).valueText());
      }
    }
    return known.isEmpty() ? words : words + " (" + String.join(", ", known) + ")";
  }

  private Optional<Term> reference(String name, List<String> indices, Span nameSpan, Span span,
      Type pattern, Map<String, Dim> bindings, Context ctx) {
    Role role = roles.get(name);
    if (role == null) {
      diagnostics.error("unknown-name", nameSpan, "unknown name " + name
          + Suggest.hint(name, knownNames()));
      return Optional.empty();
    }
    if (role == Role.LATENT) {
      diagnostics.error("role", nameSpan, isContinuousLatent(name)
          ? "the continuous latent " + name + " enters a mean only as loadings times it, as in `x ~ Normal(W * "
              + name + " + mu, Psi);`"
          : "the latent variable " + name + " can only index parameters, as in mu[" + name + "]");
      return Optional.empty();
    }
    if (ctx.prior() && role != Role.PARAM) {
      diagnostics.error("prior-argument", nameSpan, "a prior's arguments must be numbers, constants "
          + "or parameters; " + name + " is " + role.word());
      return Optional.empty();
    }
    if (role != Role.PARAM && !indices.isEmpty()) {
      diagnostics.error("index", nameSpan, name + " is " + role.word()
          + ", one value per row; only parameters can be indexed");
      return Optional.empty();
    }
    if (role == Role.PARAM) {
      List<String> declaredIndex = indexes.get(name);
      if (declaredIndex == null) {
        indexes.put(name, indices); // first use decides an undeclared parameter's shape
      } else if (!declaredIndex.equals(indices)) {
        diagnostics.error("index", span, declaredIndex.isEmpty()
            ? name + " is one " + (types.containsKey(name) ? types.get(name).toString() : "value")
                + ", not an array; use it without an index"
            : name + " runs over " + String.join(", ", declaredIndex) + "; write " + name + "["
                + String.join(", ", declaredIndex) + "]");
        return Optional.empty();
      }
    }
    Type have = types.get(name);
    if (have == null) {
      Type wanted = pattern.substitute(bindings);
      for (Dim d : wanted.dims()) {
        if (d instanceof Dim.Named n && ctx.patternVars().contains(n.name()) && !bindings.containsKey(n.name())) {
          diagnostics.error("infer", nameSpan, "cannot tell the size of " + name + " from "
              + ctx.what() + "; declare it, as in `param " + name + " : " + wanted + ";`");
          return Optional.empty();
        }
      }
      types.put(name, wanted);
      inferredBy.put(name, ctx.what());
      return Optional.of(new Term.VarRef(name, indices, wanted, span));
    }
    if (!have.unify(pattern, bindings)) {
      Type wanted = pattern.substitute(bindings);
      String origin = inferredBy.containsKey(name) ? " (as " + inferredBy.get(name) + ")" : "";
      diagnostics.error("type", span, ctx.what() + " must be " + describe(wanted) + ", but " + name
          + " is " + have + origin);
      return Optional.empty();
    }
    return Optional.of(new Term.VarRef(name, indices, have, span));
  }

  private Optional<Term> call(Ast.Call c, Type wanted, Context ctx) {
    String fn = c.function().text();
    if (!FUNCTIONS.contains(fn)) {
      String hint = families.find(fn).isPresent()
          ? "; a family is not a function: arguments are values"
          : Suggest.closest(fn, FUNCTIONS).map(n -> "; did you mean " + n + "?")
              .orElse("; the functions are " + String.join(", ", new TreeSet<>(FUNCTIONS)));
      diagnostics.error("unknown-function", c.function().span(), "unknown function " + fn + hint);
      return Optional.empty();
    }
    if (ctx.prior()) {
      diagnostics.error("prior-argument", c.span(),
          "a prior's arguments must be numbers, constants or parameters");
      return Optional.empty();
    }
    if (c.args().size() != 2) {
      diagnostics.error("arity", c.function().span(), "dot takes 2 vectors, but "
          + count(c.args().size(), "was", "were") + " given");
      return Optional.empty();
    }
    if (wanted.kind() != Kind.REAL) {
      diagnostics.error("type", c.span(), ctx.what() + " must be " + wanted + "; dot gives a real number");
      return Optional.empty();
    }
    // The vectors' common length comes from whichever side already has a type.
    Ast.Expr first = c.args().get(0);
    Ast.Expr second = c.args().get(1);
    Optional<Type> known = knownType(first).or(() -> knownType(second));
    if (known.isEmpty() || known.get().kind() != Kind.VECTOR && known.get().kind() != Kind.SIMPLEX) {
      diagnostics.error("infer", c.span(), known.isEmpty()
          ? "cannot tell the length of the vectors in dot; declare one of them"
          : "dot takes vectors, not " + known.get());
      return Optional.empty();
    }
    Type vector = Type.vector(known.get().dim());
    Map<String, Dim> none = new HashMap<>();
    Context inner = new Context(ctx.family(), new Param("dot argument", vector), false, Set.of());
    Optional<Term> l = term(first, vector, none, inner);
    Optional<Term> r = term(second, vector, none, inner);
    if (l.isEmpty() || r.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Term.Dot(l.get(), r.get(), Type.REAL, c.span()));
  }

  // ---------------------------------------------------------------- whole-model rules

  private void requireDistributions(Map<String, Span> distributed) {
    for (Map.Entry<String, Span> e : firstSeen.entrySet()) {
      String name = e.getKey();
      Role role = roles.get(name);
      if ((role == Role.DATA || role == Role.LATENT) && !distributed.containsKey(name)
          && types.containsKey(name)) {
        if (role == Role.LATENT && !decls.containsKey(name)) {
          diagnostics.error("missing-distribution", e.getValue(), name
              + " is used as an index, so it is a latent variable, but it has no distribution"
              + Suggest.closest(name, namesWithRole(Role.LATENT).stream()
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

  private boolean usedAsLhs(String name) {
    return lhsSeen.contains(name);
  }

  private void requireUse() {
    for (Ast.VarDecl d : decls.values()) {
      String name = d.name().text();
      Role role = roles.get(name);
      if (role == Role.PARAM && !usedInDistribution.containsKey(name) && types.containsKey(name)) {
        diagnostics.error("unused", d.name().span(), "parameter " + name + " is declared but no distribution uses it");
      }
      if (role == Role.COVARIATE && !usedAsValue.contains(name) && !usedAsLhs(name)) {
        diagnostics.warning("unused", d.name().span(), "covariate " + name + " is not used");
      }
    }
  }

  /** Every size gets its value from a constant or a setting, or waits for the data. */
  private void checkSizes() {
    for (var it = settings.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Double> s = it.next();
      if (sizes.containsKey(s.getKey())) {
        sizes.put(s.getKey(), new Size(s.getKey(), OptionalInt.empty(), "set on the command line"));
        constants.put(s.getKey(), new Constant(s.getKey(), s.getValue(), Optional.empty()));
        it.remove();
      }
    }
    for (String unknown : settings.keySet()) {
      List<String> known = new ArrayList<>(constants.keySet());
      known.addAll(sizes.keySet());
      diagnostics.error("setting", "--set " + unknown + ": the model has no constant or size named "
          + unknown + Suggest.hint(unknown, known));
    }
    for (Size size : List.copyOf(sizes.values())) {
      Constant c = constants.get(size.name());
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
      sizes.put(size.name(), size.withValue((int) c.value(), size.origin()));
    }
  }

  private String usesOfSize(String size) {
    for (String name : firstSeen.keySet()) {
      Type t = types.get(name);
      if (t != null && t.dims().contains(Dim.of(size))) {
        return " (" + name + " is " + t + ")";
      }
    }
    return "";
  }

  // ---------------------------------------------------------------- words

  private Set<String> knownNames() {
    Set<String> names = new LinkedHashSet<>(firstSeen.keySet());
    names.addAll(constants.keySet());
    return names;
  }

  private List<String> namesWithRole(Role role) {
    return firstSeen.keySet().stream().filter(n -> roles.get(n) == role).toList();
  }

  private static String describeUses(Family f) {
    List<String> uses = new ArrayList<>();
    if (f.uses().contains(Use.DATA)) {
      uses.add("a distribution of data");
    }
    if (f.uses().contains(Use.LATENT)) {
      uses.add("a distribution of latent variables");
    }
    if (f.uses().contains(Use.PRIOR)) {
      uses.add("a prior on parameters");
    }
    return String.join(" or ", uses);
  }

  private static String arities(Family f) {
    Set<Integer> counts = new TreeSet<>();
    List<String> forms = new ArrayList<>();
    for (Signature s : f.signatures()) {
      if (counts.add(s.params().size())) {
        forms.add(count(s.params().size(), "argument", "arguments") + " (" + s.paramNames() + ")");
      }
    }
    return String.join(" or ", forms);
  }

  private static String count(int n, String one, String many) {
    if (one.equals("was")) {
      return n + (n == 1 ? " was" : " were");
    }
    return n + " " + (n == 1 ? one : many);
  }

  private static String lhsTypes(Family f) {
    Set<String> kinds = new LinkedHashSet<>();
    for (Signature s : f.signatures()) {
      kinds.add(s.lhs().toString());
    }
    return String.join(" or ", kinds);
  }

  private static String baseName(String path) {
    String file = path.replace('\\', '/');
    file = file.substring(file.lastIndexOf('/') + 1);
    int dot = file.lastIndexOf('.');
    return dot > 0 ? file.substring(0, dot) : file;
  }
}
