package dev.emc.semantics;

import dev.emc.diag.Diagnostics;
import dev.emc.diag.Source;
import dev.emc.diag.Span;
import dev.emc.diag.Suggest;
import dev.emc.dist.Families;
import dev.emc.dist.Family;
import dev.emc.dist.Param;
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
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@code ~} statement's arguments against the types its family's chosen form wants: each becomes
 * a {@link Term}, and an undeclared parameter takes its type and shape from its first use.
 */
final class Arguments {
  /**
   * The functions of one number argument expressions may call, each with the kind of number it
   * gives: a regression's link, logistic(dot(beta, u)) a probability, exp(dot(beta, u)) a rate.
   */
  private static final Map<String, Kind> UNARY = Map.of("logistic", Kind.PROBABILITY, "exp", Kind.POSITIVE);
  /** The functions argument expressions may call. */
  private static final String SOFTMAX = "softmax";
  private static final Set<String> FUNCTIONS = Set.of("dot", "logistic", "exp", SOFTMAX);

  /** Where an argument stands, for its messages. */
  /** @param ofScale whether it is an argument of a latent scale's prior, where {@code nu / 2} may stand */
  record Context(Family family, Param param, boolean prior, Set<String> patternVars, boolean ofScale) {
    Context(Family family, Param param, boolean prior, Set<String> patternVars) {
      this(family, param, prior, patternVars, false);
    }

    String what() {
      return family.name() + "'s " + param.name();
    }
  }

  private final Scope scope;
  private final Source source;
  private final Families families;
  private final Diagnostics diagnostics;

  Arguments(Scope scope, Source source, Families families, Diagnostics diagnostics) {
    this.scope = scope;
    this.source = source;
    this.families = families;
    this.diagnostics = diagnostics;
  }

  /** A number, a negated number or a constant's value. */
  OptionalDouble literalValue(Ast.Expr e) {
    if (e instanceof Ast.Num n) {
      return OptionalDouble.of(n.value());
    }
    if (e instanceof Ast.Neg n && n.operand() instanceof Ast.Num num) {
      return OptionalDouble.of(-num.value());
    }
    if (e instanceof Ast.Name n && scope.isConstant(n.text())) {
      return OptionalDouble.of(scope.constants.get(n.text()).value());
    }
    return OptionalDouble.empty();
  }

  /** The type of an argument when it is decided without inference; empty for a new parameter. */
  Optional<Type> knownType(Ast.Expr e) {
    if (e instanceof Ast.Name n) {
      return Optional.ofNullable(scope.types.get(n.text()));
    }
    if (e instanceof Ast.Index i) {
      return Optional.ofNullable(scope.types.get(i.base().text()));
    }
    if (e instanceof Ast.Binary b && b.right() instanceof Ast.Name w && scope.isLatentScale(w.text())) {
      // Sigma[z] / w is what Sigma is.
      return knownType(b.left());
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

  private boolean mentionsContinuousLatent(Ast.Expr e) {
    return e instanceof Ast.Name n ? scope.isContinuousLatent(n.text())
        : e instanceof Ast.Binary b && (mentionsContinuousLatent(b.left()) || mentionsContinuousLatent(b.right()));
  }

  /** Whether a number may stand for a value of this type (a scalar fills a vector or c·I). */
  static boolean admits(Type t, double v) {
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

  /** The term for {@code e} where the form wants {@code pattern}, binding its sizes as it goes. */
  Optional<Term> term(Ast.Expr e, Type pattern, Map<String, Dim> bindings, Context ctx) {
    if (e instanceof Ast.Num || e instanceof Ast.Neg neg && neg.operand() instanceof Ast.Num
        || e instanceof Ast.Name name && scope.isConstant(name.text())) {
      return number(e, pattern.substitute(bindings), ctx);
    }
    if (e instanceof Ast.Name n) {
      return reference(n.text(), List.of(), n.span(), e.span(), pattern, bindings, ctx);
    }
    if (e instanceof Ast.Index i) {
      List<String> indices = new ArrayList<>();
      boolean lagged = false;
      for (Ast.Expr written : i.indices()) {
        Ast.Expr index = Shapes.previous(written).orElse(written);
        lagged |= index != written;
        if (index instanceof Ast.Name n && scope.roles.get(n.text()) == Role.LATENT) {
          indices.add(n.text());
        } else if (index instanceof Ast.Name n) {
          scope.indexProblem(diagnostics, n.text(), n.span(), i.base().text());
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
    if (e instanceof Ast.Binary b && b.right() instanceof Ast.Name w && scope.isLatentScale(w.text())) {
      return dividedByScale(b, w, pattern, bindings, ctx);
    }
    if (e instanceof Ast.Binary b && ctx.ofScale() && wanted.kind() == Kind.POSITIVE && wanted.isScalar()
        && positiveMultiple(b).isPresent()) {
      Ast.Expr other = positiveMultiple(b).get();
      Optional<Term> l = term(b.left(), other == b.left() ? wanted : Type.POSITIVE, bindings, ctx);
      Optional<Term> r = term(b.right(), other == b.right() ? wanted : Type.POSITIVE, bindings, ctx);
      return l.isEmpty() || r.isEmpty() ? Optional.empty()
          : Optional.of(new Term.Arith(b.op(), l.get(), r.get(), wanted, b.span()));
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
    // The loadings, W, or a mixture of factor analysers' W[z], one per value of a finite latent.
    String w = null;
    Span wSpan = null;
    List<String> indices = List.of();
    if (b.left() instanceof Ast.Name n) {
      w = n.text();
      wSpan = n.span();
    } else if (b.left() instanceof Ast.Index i && i.indices().size() == 1 && i.indices().get(0) instanceof Ast.Name z
        && scope.roles.get(z.text()) == Role.LATENT && !scope.isContinuousLatent(z.text())) {
      w = i.base().text();
      wSpan = i.base().span();
      indices = List.of(z.text());
    }
    if (b.op() != Ast.Op.MUL || !(b.right() instanceof Ast.Name h) || !scope.isContinuousLatent(h.text())
        || w == null) {
      diagnostics.error("structure", b.span(), "a continuous latent enters a mean as loadings times it, as in"
          + " `x ~ Normal(W * h + mu, Psi);`");
      return Optional.empty();
    }
    Type latent = scope.types.get(h.text());
    Type loadings = Type.matrix(wanted.dim(), latent.dim());
    Context inner = new Context(ctx.family(), new Param("loadings", loadings), false, Set.of());
    return reference(w, indices, wSpan, b.left().span(), loadings, new HashMap<>(), inner)
        .map(l -> new Term.Arith(b.op(), l, new Term.VarRef(h.text(), List.of(), latent, h.span()), wanted, b.span()));
  }

  /**
   * A spread divided by a latent scale, {@code Sigma[z] / w}: a covariance, variances or a variance
   * that the row's own positive w scales (a t distribution, as a scale mixture of normals).
   */
  private Optional<Term> dividedByScale(Ast.Binary b, Ast.Name w, Type pattern, Map<String, Dim> bindings,
      Context ctx) {
    Type wanted = pattern.substitute(bindings);
    boolean spread = wanted.kind() == Kind.COV || wanted.kind() == Kind.POSITIVE;
    if (b.op() != Ast.Op.DIV || !spread) {
      diagnostics.error("structure", b.span(), "the latent scale " + w.text() + " divides a covariance or a"
          + " variance, as in `x ~ Normal(mu[z], Sigma[z] / " + w.text() + ");`");
      return Optional.empty();
    }
    Type scale = scope.types.get(w.text());
    return term(b.left(), pattern, bindings, ctx).map(l -> new Term.Arith(b.op(), l,
        new Term.VarRef(w.text(), List.of(), scale, w.span()), l.type(), b.span()));
  }

  /**
   * In {@code nu / 2}, {@code nu * 0.5} or {@code 0.5 * nu}, a positive number times or over a
   * positive value, which is then positive too: the side that is not the number; empty otherwise.
   */
  private Optional<Ast.Expr> positiveMultiple(Ast.Binary b) {
    boolean rightNumber = literalValue(b.right()).orElse(-1) > 0;
    boolean leftNumber = literalValue(b.left()).orElse(-1) > 0;
    if (b.op() == Ast.Op.DIV && rightNumber) {
      return Optional.of(b.left());
    }
    if (b.op() == Ast.Op.MUL && (rightNumber || leftNumber)) {
      return Optional.of(rightNumber ? b.left() : b.right());
    }
    return Optional.empty();
  }

  private Optional<Term> number(Ast.Expr e, Type wanted, Context ctx) {
    double v = literalValue(e).orElseThrow();
    if (!admits(wanted, v)) {
      String shown = e instanceof Ast.Name n ? n.text() + " = " + scope.constants.get(n.text()).valueText()
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
      if (d instanceof Dim.Named n && scope.isConstant(n.name())) {
        known.add(n.name() + " = " + scope.constants.get(n.name()).valueText());
      }
    }
    return known.isEmpty() ? words : words + " (" + String.join(", ", known) + ")";
  }

  private Optional<Term> reference(String name, List<String> indices, Span nameSpan, Span span,
      Type pattern, Map<String, Dim> bindings, Context ctx) {
    Role role = scope.roles.get(name);
    if (role == null) {
      diagnostics.error("unknown-name", nameSpan, "unknown name " + name
          + Suggest.hint(name, scope.knownNames()));
      return Optional.empty();
    }
    if (role == Role.LATENT) {
      diagnostics.error("role", nameSpan, scope.isContinuousLatent(name)
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
      List<String> declaredIndex = scope.indexes.get(name);
      if (declaredIndex == null) {
        scope.indexes.put(name, indices); // first use decides an undeclared parameter's shape
      } else if (!declaredIndex.equals(indices)) {
        diagnostics.error("index", span, declaredIndex.isEmpty()
            ? name + " is one " + (scope.types.containsKey(name) ? scope.types.get(name).toString() : "value")
                + ", not an array; use it without an index"
            : name + " runs over " + String.join(", ", declaredIndex) + "; write " + name + "["
                + String.join(", ", declaredIndex) + "]");
        return Optional.empty();
      }
    }
    Type have = scope.types.get(name);
    if (have == null) {
      Type wanted = pattern.substitute(bindings);
      for (Dim d : wanted.dims()) {
        if (d instanceof Dim.Named n && ctx.patternVars().contains(n.name()) && !bindings.containsKey(n.name())) {
          diagnostics.error("infer", nameSpan, "cannot tell the size of " + name + " from "
              + ctx.what() + "; declare it, as in `param " + name + " : " + wanted + ";`");
          return Optional.empty();
        }
      }
      scope.types.put(name, wanted);
      scope.inferredBy.put(name, ctx.what());
      return Optional.of(new Term.VarRef(name, indices, wanted, span));
    }
    if (!have.unify(pattern, bindings)) {
      Type wanted = pattern.substitute(bindings);
      String origin = scope.inferredBy.containsKey(name) ? " (as " + scope.inferredBy.get(name) + ")" : "";
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
    if (UNARY.containsKey(fn)) {
      return unary(c, fn, UNARY.get(fn), wanted, ctx);
    }
    if (fn.equals(SOFTMAX)) {
      return softmax(c, wanted, ctx);
    }
    if (c.args().size() != 2) {
      diagnostics.error("arity", c.function().span(), "dot takes 2 vectors, but "
          + StochasticPass.count(c.args().size(), "was", "were") + " given");
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

  /**
   * {@code logistic(x)}, a probability, or {@code exp(x)}, a positive number, from one real
   * number such as a linear predictor.
   */
  private Optional<Term> unary(Ast.Call c, String fn, Kind gives, Type wanted, Context ctx) {
    if (c.args().size() != 1) {
      diagnostics.error("arity", c.function().span(), fn + " takes 1 number, but "
          + StochasticPass.count(c.args().size(), "was", "were") + " given");
      return Optional.empty();
    }
    if (wanted.kind() != gives || !wanted.isScalar()) {
      diagnostics.error("type", c.span(), ctx.what() + " must be " + wanted + "; " + fn + " gives "
          + (gives == Kind.POSITIVE ? "a positive number" : "a " + gives.word()));
      return Optional.empty();
    }
    Context inner = new Context(ctx.family(), new Param(fn + " argument", Type.REAL), false, Set.of());
    return term(c.args().get(0), Type.REAL, new HashMap<>(), inner)
        .map(t -> new Term.Call(fn, t, Type.of(gives), c.span()));
  }

  /**
   * {@code softmax(G * u)}: probabilities from K linear predictors, the rows of a matrix of
   * parameters G : matrix[K, P] times a covariate u : vector[P] (a mixture of experts' weights).
   * The product is the one a matrix and a vector have here, as W * h is factor analysis'.
   */
  private Optional<Term> softmax(Ast.Call c, Type wanted, Context ctx) {
    if (c.args().size() != 1) {
      diagnostics.error("arity", c.function().span(), "softmax takes 1 vector, but "
          + StochasticPass.count(c.args().size(), "was", "were") + " given");
      return Optional.empty();
    }
    if (wanted.kind() != Kind.SIMPLEX) {
      diagnostics.error("type", c.span(), ctx.what() + " must be " + wanted + "; softmax gives a simplex");
      return Optional.empty();
    }
    Ast.Expr arg = c.args().get(0);
    Optional<Type> covariate = arg instanceof Ast.Binary b && b.op() == Ast.Op.MUL && b.left() instanceof Ast.Name
        && b.right() instanceof Ast.Name u && scope.roles.get(u.text()) == Role.COVARIATE
        ? Optional.ofNullable(scope.types.get(u.text())) : Optional.empty();
    if (covariate.isEmpty() || covariate.get().kind() != Kind.VECTOR) {
      diagnostics.error("unsupported", arg.span(), "softmax takes a matrix of parameters times a covariate"
          + " vector, as in `z ~ Categorical(softmax(G * u));` with `covariate u : vector[P];`");
      return Optional.empty();
    }
    Ast.Binary product = (Ast.Binary) arg;
    Ast.Name g = (Ast.Name) product.left();
    Ast.Name u = (Ast.Name) product.right();
    Type vector = covariate.get();
    Type matrix = Type.matrix(wanted.dim(), vector.dim());
    Context inner = new Context(ctx.family(), new Param("softmax coefficients", matrix), false, Set.of());
    Optional<Term> coefficients = reference(g.text(), List.of(), g.span(), g.span(), matrix, new HashMap<>(), inner);
    if (coefficients.isEmpty()) {
      return Optional.empty();
    }
    if (scope.roles.get(g.text()) != Role.PARAM) {
      diagnostics.error("unsupported", g.span(), "softmax's matrix must be a parameter; "
          + g.text() + " is " + scope.roles.get(g.text()).word());
      return Optional.empty();
    }
    Term linear = new Term.Arith(Ast.Op.MUL, coefficients.get(), new Term.VarRef(u.text(), List.of(), vector, u.span()),
        Type.vector(wanted.dim()), arg.span());
    return Optional.of(new Term.Call(SOFTMAX, linear, wanted, c.span()));
  }
}
