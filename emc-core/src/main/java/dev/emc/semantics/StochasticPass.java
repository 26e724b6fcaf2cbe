package dev.emc.semantics;

import dev.emc.diag.Diagnostics;
import dev.emc.diag.Source;
import dev.emc.diag.Span;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fifth pass, second half: each {@code ~} statement against its family's forms. Distributions
 * of data and latents in source order pick their family's form and give undeclared parameters
 * their types; then priors, which need those types.
 */
final class StochasticPass {
  private final Scope scope;
  private final Shapes shapes;
  private final Source source;
  private final Diagnostics diagnostics;
  private final Arguments arguments;

  /** The distributions of data and latent variables, in source order. */
  final List<Stochastic> distributions = new ArrayList<>();
  /** The priors on parameters, in source order. */
  final List<Stochastic> priors = new ArrayList<>();
  /**
   * Each name with a distribution, with that statement; a name whose statement's family is unknown
   * maps to null, since it has been reported already.
   */
  final Map<String, Span> distributed = new HashMap<>();
  private final Map<String, Span> priored = new HashMap<>();

  StochasticPass(Scope scope, Shapes shapes, Source source, Arguments arguments, Diagnostics diagnostics) {
    this.scope = scope;
    this.shapes = shapes;
    this.source = source;
    this.arguments = arguments;
    this.diagnostics = diagnostics;
  }

  void run(List<Ast.Tilde> tildes) {
    for (Ast.Tilde t : tildes) {
      distribution(t);
    }
    for (Ast.Tilde t : tildes) {
      prior(t);
    }
    for (String lhs : shapes.lhsNames.values()) {
      distributed.putIfAbsent(lhs, null); // an unknown family was reported; do not say "no distribution" too
    }
  }

  private void distribution(Ast.Tilde t) {
    String lhs = shapes.lhsNames.get(t);
    Family family = shapes.resolved.get(t);
    if (lhs == null || family == null || !scope.roles.containsKey(lhs)) {
      return;
    }
    Role role = scope.roles.get(lhs);
    if (role == Role.PARAM) {
      return; // priors need every parameter's type: second loop
    }
    if (role == Role.COVARIATE) {
      diagnostics.error("role", t.lhs().span(), "covariate " + lhs
          + " is conditioned on and cannot have a distribution; declare it `data` to model it");
      return;
    }
    boolean first = shapes.firstRows.contains(t);
    if (first && role != Role.LATENT) {
      diagnostics.error("role", t.lhs().span(), "first(" + lhs + ") is the first row of a latent chain, but "
          + lhs + " is " + role.word());
      return;
    }
    Span before = distributed.putIfAbsent(first ? "first(" + lhs + ")" : lhs, t.span());
    if (before != null) {
      diagnostics.error("two-distributions", t.span(), (first ? "first(" + lhs + ")" : lhs)
          + " already has a distribution, on line " + source.line(before.start()) + "; a variable has exactly one");
      return;
    }
    // A continuous latent has a density, as data does.
    Use use = role == Role.LATENT && scope.types.containsKey(lhs)
        && scope.types.get(lhs).kind() == Kind.CATEGORY ? Use.LATENT : Use.DATA;
    if (!family.uses().contains(use)) {
      diagnostics.error("family-use", t.family().span(), family.name() + " cannot be the distribution of "
          + (use == Use.LATENT ? "a latent variable" : "data") + "; it is "
          + describeUses(family));
      return;
    }
    stochastic(t, lhs, family, false)
        .map(d -> first ? new Stochastic(d.targets(), d.family(), d.signature(), d.args(), d.span(), true) : d)
        .ifPresent(distributions::add);
  }

  private void prior(Ast.Tilde t) {
    String lhs = shapes.lhsNames.get(t);
    Family family = shapes.resolved.get(t);
    if (lhs == null || family == null || scope.roles.get(lhs) != Role.PARAM) {
      return;
    }
    if (shapes.jointTargets.containsKey(t)) {
      jointPrior(t, shapes.jointTargets.get(t), family).ifPresent(priors::add);
      return;
    }
    Span before = priored.putIfAbsent(lhs, t.span());
    if (before != null) {
      diagnostics.error("two-priors", t.span(), lhs + " already has a prior, on line "
          + source.line(before.start()) + "; a parameter has at most one");
      return;
    }
    if (!family.uses().contains(Use.PRIOR)) {
      diagnostics.error("family-use", t.family().span(), family.name()
          + " cannot be a prior on a parameter; it is " + describeUses(family));
      return;
    }
    if (!scope.types.containsKey(lhs)) {
      diagnostics.error("unused", t.lhs().span(), lhs
          + " has a prior but no distribution of the data uses it");
      return;
    }
    if (family.signatures().stream().allMatch(Signature::isJoint)) {
      Signature joint = family.signatures().get(0);
      diagnostics.error("family-use", t.lhs().span(), family.name() + " is a joint prior on "
          + joint.joint().stream().map(Param::name).collect(java.util.stream.Collectors.joining(" and "))
          + " together, so it takes as many parameters on its left: `("
          + String.join(", ", joint.joint().stream().map(Param::name).toList()) + ") ~ " + family.name() + "(…)`");
      return;
    }
    stochastic(t, lhs, family, true).ifPresent(priors::add);
  }

  /** Checks one statement against its family's forms; infers undeclared parameters' types. */
  private Optional<Stochastic> stochastic(Ast.Tilde t, String lhs, Family family, boolean prior) {
    Type lhsType = scope.types.get(lhs);
    if (lhsType == null) {
      return Optional.empty(); // its declaration was wrong and already reported
    }
    List<Signature> arity = family.signatures().stream()
        .filter(s -> !s.isJoint() && s.params().size() == t.args().size()).toList();
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
      if (fitsQuietly(s, lhsType, t.args())) {
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
      Arguments.Context ctx = new Arguments.Context(family, p, prior, patternVars, scope.isLatentScale(lhs));
      Optional<Term> term = arguments.term(t.args().get(i), p.type(), bindings, ctx);
      ok &= term.isPresent();
      term.ifPresent(args::add);
    }
    return ok ? Optional.of(new Stochastic(lhs, family, chosen, args, t.span())) : Optional.empty();
  }

  /** {@code (mu, Sigma) ~ Family(args)}: one prior on several parameters together. */
  private Optional<Stochastic> jointPrior(Ast.Tilde t, List<String> names, Family family) {
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (scope.roles.get(name) != Role.PARAM || !scope.types.containsKey(name)) {
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
        fits = scope.types.get(names.get(i)).unify(form.joint().get(i).type(), bindings);
      }
      if (!fits) {
        continue;
      }
      Set<String> patternVars = patternVariables(form);
      List<Term> args = new ArrayList<>();
      for (int i = 0; i < t.args().size(); i++) {
        Param p = form.params().get(i);
        Optional<Term> term = arguments.term(t.args().get(i), p.type(), bindings,
            new Arguments.Context(family, p, true, patternVars));
        if (term.isEmpty()) {
          return Optional.empty();
        }
        args.add(term.get());
      }
      return Optional.of(new Stochastic(names, family, form, args, t.span()));
    }
    diagnostics.error("type", t.span(), family.name() + " is a prior on " + String.join(" and ",
        forms.get(0).joint().stream().map(p -> p.name() + " (" + p.type() + ")").toList()) + ", but "
        + String.join(" and ", names.stream().map(n -> n + " is " + scope.types.get(n)).toList()));
    return Optional.empty();
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
  private boolean fitsQuietly(Signature s, Type lhsType, List<Ast.Expr> args) {
    Map<String, Dim> bindings = new HashMap<>();
    if (!lhsType.unify(s.lhs(), bindings)) {
      return false;
    }
    for (int i = 0; i < args.size(); i++) {
      Type wanted = s.params().get(i).type();
      Ast.Expr arg = args.get(i);
      OptionalDouble literal = arguments.literalValue(arg);
      if (literal.isPresent()) {
        if (!Arguments.admits(wanted.substitute(bindings), literal.getAsDouble())) {
          return false;
        }
        continue;
      }
      Optional<Type> known = arguments.knownType(arg);
      if (known.isPresent() && !known.get().unify(wanted, bindings)) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- words

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

  /** "1 argument", "2 arguments"; with "was", "1 was", "2 were". */
  static String count(int n, String one, String many) {
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
}
