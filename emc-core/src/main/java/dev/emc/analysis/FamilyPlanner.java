package dev.emc.analysis;

import dev.emc.analysis.EmPlan.DataSlot;
import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.analysis.EmPlan.ParamSlot;
import dev.emc.analysis.EmPlan.SettingSlot;
import dev.emc.analysis.EmPlan.Statistic;
import dev.emc.analysis.latent.LatentPlanner;
import dev.emc.analysis.latent.LatentStructure;
import dev.emc.analysis.latent.Planning;
import dev.emc.diag.Diagnostics;
import dev.emc.diag.Span;
import dev.emc.dist.Arg;
import dev.emc.dist.FactorModel;
import dev.emc.dist.FactorSite;
import dev.emc.dist.Param;
import dev.emc.dist.Prior;
import dev.emc.dist.Signature;
import dev.emc.dist.Unsupported;
import dev.emc.dist.Update;
import dev.emc.math.Expr;
import dev.emc.math.Function;
import dev.emc.math.Shape;
import dev.emc.math.Simplify;
import dev.emc.math.Symbol;
import dev.emc.semantics.CheckedModel;
import dev.emc.semantics.Role;
import dev.emc.semantics.Stochastic;
import dev.emc.semantics.Term;
import dev.emc.semantics.Variable;
import dev.emc.types.Dim;
import dev.emc.types.Kind;
import dev.emc.types.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The statements a latent structure leaves to their families, planned: each statement's
 * arguments become formulas, and its family gives the log-density, statistics and updates,
 * using the priors on its parameters as it can. A finite latent's own distribution is one of
 * these, with the component as its value.
 */
final class FamilyPlanner {
  /** The language's functions of a linear predictor (semantics' {@link Term.Call}), as formulas. */
  private static final Map<String, Function> LINKS = Map.of("logistic", Function.LOGISTIC, "exp", Function.EXP);

  private final CheckedModel model;
  private final Diagnostics diagnostics;
  private final Variable latent;
  private final List<DataSlot> data;
  private final Map<String, ParamSlot> params;
  /** A continuous latent's value per row, h_n, and its posterior moments; null for a finite latent. */
  private final Symbol continuous;
  private final FactorSite.Moments moments;
  /** A latent scale's value per row, w_n, and its posterior moments; null without one. */
  private final Symbol scaleSymbol;
  private final FactorSite.Scale scale;
  private final List<SettingSlot> settings = new ArrayList<>();

  FamilyPlanner(CheckedModel model, Diagnostics diagnostics, Variable latent, List<DataSlot> data,
      Map<String, ParamSlot> params, Symbol continuous, FactorSite.Moments moments) {
    this(model, diagnostics, latent, data, params, continuous, moments, null, null);
  }

  private FamilyPlanner(CheckedModel model, Diagnostics diagnostics, Variable latent, List<DataSlot> data,
      Map<String, ParamSlot> params, Symbol continuous, FactorSite.Moments moments, Symbol scaleSymbol,
      FactorSite.Scale scale) {
    this.model = model;
    this.diagnostics = diagnostics;
    this.latent = latent;
    this.data = data;
    this.params = params;
    this.continuous = continuous;
    this.moments = moments;
    this.scaleSymbol = scaleSymbol;
    this.scale = scale;
  }

  /** For a finite latent with a latent scale w given it (a t mixture): w's value per row and its moments. */
  static FamilyPlanner withScale(CheckedModel model, Diagnostics diagnostics, Variable latent, List<DataSlot> data,
      Map<String, ParamSlot> params, Symbol scaleSymbol, FactorSite.Scale scale) {
    return new FamilyPlanner(model, diagnostics, latent, data, params, null, null, scaleSymbol, scale);
  }

  /** One statement's factor and the settings its family declared; empty after located errors. */
  Optional<Planning.FamilyFactor> factor(Stochastic statement) {
    refuseSharedParameters();
    Optional<FactorPlan> factor = diagnostics.hasErrors() ? Optional.empty() : factor(statement, Map.of());
    return factor.map(f -> new Planning.FamilyFactor(f, settings));
  }

  /** The plan of these statements and of the model's priors; empty after located errors. */
  Optional<LatentPlanner.Plan> plan(LatentStructure structure, List<Stochastic> statements) {
    refuseSharedParameters();
    if (diagnostics.hasErrors()) {
      return Optional.empty();
    }
    Map<String, PriorSite> priors = new LinkedHashMap<>();
    for (Stochastic p : model.priors()) {
      PriorSite.of(p, params, diagnostics).ifPresent(site -> site.targets.forEach(t -> priors.put(t, site)));
    }
    if (diagnostics.hasErrors()) {
      return Optional.empty();
    }
    List<FactorPlan> factors = new ArrayList<>();
    for (Stochastic s : statements) {
      factor(s, priors).ifPresent(factors::add);
    }
    List<EmPlan.PriorPlan> priorPlans = priorPlans(priors);
    if (diagnostics.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(new LatentPlanner.Plan(structure, List.copyOf(params.values()), settings, factors, priorPlans));
  }

  /** Each parameter belongs to one statement of the model, whoever plans that statement. */
  private void refuseSharedParameters() {
    Map<String, Span> usedBy = new HashMap<>();
    for (Stochastic s : model.distributions()) {
      List<Term> uses = new ArrayList<>();
      // Arithmetic on one parameter may repeat it within its statement, as a t's scale prior
      // Gamma(nu / 2, nu / 2) does; its family checks that form itself.
      java.util.Set<String> inArithmetic = new java.util.HashSet<>();
      for (Term t : s.args()) {
        // A regression's coefficients are used inside its dot(β, u), or a link of it,
        // logistic(dot(β, u)) or exp(dot(β, u)); a mixture of experts' inside softmax(G * u).
        Term inner = t instanceof Term.Call c ? c.argument() : t;
        List<Term> parts = inner instanceof Term.Dot d ? List.of(d.left(), d.right())
            : inner instanceof Term.Arith a ? List.of(a.left(), a.right()) : List.of(inner);
        for (Term part : parts) {
          if (inner instanceof Term.Arith && part instanceof Term.VarRef r && !inArithmetic.add(r.name())) {
            continue;
          }
          uses.add(part);
        }
      }
      for (Term t : uses) {
        if (t instanceof Term.VarRef r && params.containsKey(r.name())) {
          Span before = usedBy.putIfAbsent(r.name(), s.span());
          if (before != null) {
            diagnostics.error("structure", s.span(), "parameter " + r.name()
                + " is also used on line " + model.source().line(before.start())
                + "; a parameter shared by two statements is not supported yet");
          }
        }
      }
    }
  }

  /** What each prior adds to the objective; a prior no family used is refused. */
  private List<EmPlan.PriorPlan> priorPlans(Map<String, PriorSite> priors) {
    List<EmPlan.PriorPlan> priorPlans = new ArrayList<>();
    for (PriorSite p : new LinkedHashSet<>(priors.values())) {
      if (!p.consumed) {
        diagnostics.error("unsupported", p.statement.span(), "cannot fit with the prior `"
            + model.source().slice(p.statement.span()) + "`: the distribution of "
            + String.join(" and ", p.targets) + " has no posterior-mode update for a " + p.family()
            + " prior");
        continue;
      }
      try {
        Expr log = p.statement.family().priorLogDensity(p.statement.signature(), p.targets(), p.argList);
        boolean perComponent = p.targets.stream().anyMatch(t -> params.get(t).perComponent());
        priorPlans.add(new EmPlan.PriorPlan(model.source().slice(p.statement.span()), p.family(),
            Simplify.of(perComponent ? new Expr.SumK(log) : log)));
      } catch (Unsupported e) {
        diagnostics.error("unsupported", p.statement.span(), "cannot use the prior `"
            + model.source().slice(p.statement.span()) + "`: " + e.getMessage());
      }
    }
    return priorPlans;
  }

  private Optional<FactorPlan> factor(Stochastic s, Map<String, PriorSite> priors) {
    String text = model.source().slice(s.span());
    boolean lhsLatent = s.lhs().equals(latent.name());
    // A latent scale's statement: its value is the row's w, whose posterior depends on the component.
    boolean lhsScale = scaleSymbol != null && s.lhs().equals(scaleSymbol.name());
    Expr lhs = lhsLatent
        ? new Expr.Sym(new Symbol(latent.name(), Symbol.Kind.COMPONENT, Shape.SCALAR, false, true))
        : lhsScale ? new Expr.Sym(scaleSymbol) : new Expr.Sym(dataSymbol(s.lhs()));
    Map<String, SiteArg> args = new LinkedHashMap<>();
    for (int i = 0; i < s.args().size(); i++) {
      var p = s.signature().params().get(i);
      Optional<SiteArg> a = arg(s, s.args().get(i), p, lhs);
      if (a.isEmpty()) {
        return Optional.empty();
      }
      args.put(p.name(), a.get());
    }
    // The latent variable's own distribution is per component too: its value is the component.
    boolean perComponent = lhsLatent || lhsScale || args.values().stream().anyMatch(SiteArg::perComponent);
    Site site = new Site(s, lhs, lhsLatent, args, perComponent, priors);
    FactorModel fm;
    try {
      fm = s.family().factor(site);
    } catch (Unsupported e) {
      // When the family refused a prior it looked at, the prior's statement is the place to point.
      Optional<PriorSite> prior = site.asked.stream().findFirst();
      if (prior.isPresent()) {
        PriorSite p = prior.get();
        p.consumed = true;
        diagnostics.error("unsupported", p.statement.span(), "cannot fit with `"
            + model.source().slice(p.statement.span()) + "`: " + e.getMessage());
      } else {
        diagnostics.error("unsupported", s.span(), "cannot fit `" + text + "`: " + e.getMessage());
      }
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      if (hasLinearPredictor(args)) {
        return noRegression(s, text);
      }
      // A family that builds a malformed formula is broken, not the user's model; say whose.
      throw new IllegalStateException("family " + s.family().name() + " built a malformed formula: "
          + e.getMessage(), e);
    }
    Optional<List<EmPlan.Update>> updates = updates(s, text, fm, args);
    if (updates.isEmpty()) {
      return Optional.empty();
    }
    EmPlan.Gaussian gaussian = null;
    if (fm.gaussian() != null && !lhsLatent) {
      FactorModel.Gaussian g = fm.gaussian();
      gaussian = new EmPlan.Gaussian(s.lhs(), ((Expr.Sym) g.mean()).symbol(), ((Expr.Sym) g.covariance()).symbol(),
          g.scatter() == null ? null : ((Expr.Sym) g.scatter()).symbol());
    }
    return Optional.of(new FactorPlan(text, s.lhs(), s.family().name(), s.signature().label(), perComponent,
        lhsLatent, fm.density(), Simplify.of(fm.logDensity()), site.statistics, updates.get(),
        Simplify.of(fm.logPenalty()), fm.support(), gaussian,
        args.values().stream().map(SiteArg::value).toList()));
  }

  /** The family's updates as the plan's, each of a free argument; empty after a located error. */
  private Optional<List<EmPlan.Update>> updates(Stochastic s, String text, FactorModel fm,
      Map<String, SiteArg> args) {
    List<EmPlan.Update> updates = new ArrayList<>();
    for (Update u : fm.updates()) {
      SiteArg a = args.get(u.param());
      if (a == null || !a.isFree()) {
        throw new IllegalStateException(s.family().name() + " updates " + u.param()
            + ", which is not a free argument here");
      }
      ParamSlot target = params.get(a.params.size() == 1 ? a.param() : part(s, a, u));
      if (isLinearPredictor(a.value()) && !u.value().shape().equals(target.symbol().shape())) {
        // The family updated the argument as a plain value: it knows no regression form.
        return noRegression(s, text);
      }
      if (!u.value().shape().equals(target.symbol().shape())) {
        throw new IllegalStateException(s.family().name() + "'s update of " + u.param() + " is "
            + u.value().shape() + ", but " + target.name() + " is " + target.symbol().shape());
      }
      updates.add(new EmPlan.Update(target.name(), target.symbol(), Simplify.of(u.value()), u.method(),
          Simplify.of(u.textbook()), u.target() != null ? u.target() : new Expr.Sym(target.symbol()),
          Simplify.of(u.qTerms()), Simplify.of(u.stationarity()), u.note(), u.isStep()));
    }
    for (Map.Entry<String, SiteArg> e : args.entrySet()) {
      for (String p : e.getValue().isFree() ? e.getValue().params : List.<String>of()) {
        if (updates.stream().noneMatch(u -> u.param().equals(p))) {
          diagnostics.error("unsupported", s.span(), "cannot fit `" + text + "`: " + s.family().name()
              + " has no update for its " + e.getKey() + " " + p + " here");
          return Optional.empty();
        }
      }
    }
    return Optional.of(updates);
  }

  /** Which parameter of an argument in several ({@code W h + μ}) an update is for: its target's. */
  private String part(Stochastic s, SiteArg a, Update u) {
    return a.params.stream().filter(p -> new Expr.Sym(params.get(p).symbol()).equals(u.target())).findFirst()
        .orElseThrow(() -> new IllegalStateException(s.family().name() + " updates its " + u.param()
            + " without naming which of " + a.params + " by the update's target"));
  }

  private static boolean hasLinearPredictor(Map<String, SiteArg> args) {
    return args.values().stream().anyMatch(a -> isLinearPredictor(a.value()));
  }

  /**
   * βᵀu, a link of it (σ(βᵀu), exp(βᵀu)), or softmax(g_kᵀu): an argument a family can only fit in
   * its regression form.
   */
  private static boolean isLinearPredictor(Expr e) {
    return e instanceof Expr.Dot || e instanceof Expr.Apply a
        && (LINKS.containsValue(a.function()) || a.function() == Function.SOFTMAX) && a.arg() instanceof Expr.Dot;
  }

  /** Refuses a linear predictor in an argument whose family has no regression form. */
  private <T> Optional<T> noRegression(Stochastic s, String text) {
    diagnostics.error("unsupported", s.span(), "cannot fit `" + text + "`: " + s.family().name()
        + " has no regression form; a linear predictor dot(coefficients, covariates) can be the mean of a"
        + " Normal, as in `y ~ Normal(dot(beta[z], u), s2[z]);`, and through a link the probability of a"
        + " Bernoulli, logistic(dot(beta[z], u)), or the rate of a Poisson, exp(dot(beta[z], u))");
    return Optional.empty();
  }

  /**
   * An argument as the family sees it, and which parameters it is: one, none for a number, or two
   * for one linear in a continuous latent, W h + μ.
   */
  private record SiteArg(Expr value, boolean isFree, boolean perComponent, List<String> params) implements Arg {
    SiteArg(Expr value, boolean isFree, boolean perComponent, String param) {
      this(value, isFree, perComponent, List.of(param));
    }

    /** The one parameter it is; null for a number or two parameters. */
    String param() {
      return params.size() == 1 ? params.get(0) : null;
    }
  }

  private Optional<SiteArg> arg(Stochastic s, Term t, Param param, Expr lhs) {
    Type wanted = param.type();
    if (t instanceof Term.VarRef r && r.previous()) {
      diagnostics.error("structure", t.span(), "prev(…) indexes only the transition probabilities of a latent"
          + " chain, as in `z ~ Categorical(A[prev(z)]);`");
      return Optional.empty();
    }
    if (t instanceof Term.VarRef r && params.containsKey(r.name())) {
      ParamSlot p = params.get(r.name());
      return Optional.of(new SiteArg(new Expr.Sym(p.symbol()), true, p.perComponent(), p.name()));
    }
    if (t instanceof Term.Number || t instanceof Term.ConstRef) {
      double v = t instanceof Term.Number n ? n.value() : ((Term.ConstRef) t).value();
      Expr number = new Expr.Num(v);
      // A number stands for a vector it fills, or for that multiple of the identity.
      Expr value = wanted.kind() == Kind.COV ? new Expr.Mul(number, new Expr.Identity(lhs.shape().dim()))
          : wanted.isScalar() ? number
          : new Expr.Fill(number, lhs.shape().isScalar() ? wanted.dim() : lhs.shape().dim());
      return Optional.of(new SiteArg(value, false, false, List.of()));
    }
    if (t instanceof Term.Dot d) {
      return linearPredictor(s, d);
    }
    if (t instanceof Term.Call c && c.function().equals("softmax")) {
      return softmax(s, c, lhs);
    }
    if (t instanceof Term.Call c) {
      return link(s, c);
    }
    if (t instanceof Term.VarRef r && r.indices().isEmpty() && model.variable(r.name()).role() == Role.COVARIATE
        && s.family().takesPerRow(s.signature(), param.name())) {
      // Each row's own known value, fixed like a number: no regression, nothing to fit.
      return Optional.of(new SiteArg(new Expr.Sym(dataSymbol(r.name())), false, false, List.of()));
    }
    Optional<SiteArg> linear = t instanceof Term.Arith a ? linearInLatent(a) : Optional.empty();
    if (linear.isPresent()) {
      return linear;
    }
    if (t instanceof Term.Arith a && scaleSymbol != null && (a.isQuotient() || a.isProduct())) {
      return scaled(s, a, param, lhs);
    }
    String what = t instanceof Term.VarRef r
        ? model.variable(r.name()).role().word() + " " + r.name() + " as an argument (a regression)"
        : "arithmetic in an argument";
    diagnostics.error("unsupported", t.span(), "cannot fit `" + model.source().slice(s.span())
        + "`: " + what + " is not supported yet");
    return Optional.empty();
  }

  /**
   * dot(β, u) with β a parameter and u a covariate, in either order: a regression's linear
   * predictor, the coefficients' argument as the family sees it (the updates are β's).
   */
  private Optional<SiteArg> linearPredictor(Stochastic s, Term.Dot d) {
    Term.VarRef coefficients = null;
    Term.VarRef covariates = null;
    for (Term side : List.of(d.left(), d.right())) {
      if (side instanceof Term.VarRef r && params.containsKey(r.name())) {
        coefficients = coefficients == null ? r : coefficients;
      } else if (side instanceof Term.VarRef r && model.variable(r.name()).role() == Role.COVARIATE) {
        covariates = covariates == null ? r : covariates;
      }
    }
    if (coefficients == null || covariates == null) {
      diagnostics.error("unsupported", d.span(), "cannot fit `" + model.source().slice(s.span())
          + "`: a linear predictor is dot(coefficients, covariates), a parameter and a covariate");
      return Optional.empty();
    }
    ParamSlot beta = params.get(coefficients.name());
    Symbol covariate = dataSymbol(covariates.name());
    return Optional.of(new SiteArg(new Expr.Dot(new Expr.Sym(beta.symbol()), new Expr.Sym(covariate)),
        true, beta.perComponent(), beta.name()));
  }

  /**
   * logistic(dot(β, u)), a logistic regression's probability σ(βᵀu), or exp(dot(β, u)), a Poisson
   * regression's rate: a link of a linear predictor, whose updates are β's.
   */
  private Optional<SiteArg> link(Stochastic s, Term.Call c) {
    if (!(c.argument() instanceof Term.Dot d)) {
      diagnostics.error("unsupported", c.span(), "cannot fit `" + model.source().slice(s.span())
          + "`: " + c.function() + "(…) of anything but a linear predictor dot(coefficients, covariates)"
          + " is not supported yet");
      return Optional.empty();
    }
    Function f = LINKS.get(c.function());
    return linearPredictor(s, d).map(a -> new SiteArg(new Expr.Apply(f, a.value()), a.isFree(),
        a.perComponent(), a.params()));
  }

  /**
   * softmax(G * u) as the latent's own probabilities, a mixture of experts' weights: component k's
   * is softmax(g_kᵀu), with g_k the k-th row of G. G is stored row by row, which is how K vectors
   * of P are stored, so its slot becomes one vector per component (the updates are g_k's). Only
   * differences between rows change a probability: K − 1 rows are free, (K − 1)·P numbers.
   */
  private Optional<SiteArg> softmax(Stochastic s, Term.Call c, Expr lhs) {
    if (!s.lhs().equals(latent.name())) {
      diagnostics.error("unsupported", c.span(), "cannot fit `" + model.source().slice(s.span())
          + "`: softmax(…) gives the latent variable's own probabilities, as in `z ~ Categorical(softmax(G * u));`;"
          + " as the probabilities of data it is not supported yet");
      return Optional.empty();
    }
    Term.Arith product = (Term.Arith) c.argument();
    Term.VarRef g = (Term.VarRef) product.left();
    Term.VarRef u = (Term.VarRef) product.right();
    ParamSlot matrix = params.get(g.name());
    Symbol covariate = dataSymbol(u.name());
    int p = data.stream().filter(d -> d.name().equals(u.name())).findFirst().orElseThrow().width();
    int k = matrix.elements() / p;
    Symbol row = Symbol.param(matrix.name(), covariate.shape(), true);
    ParamSlot rows = new ParamSlot(matrix.name(), matrix.type(), row, true, p, (k - 1) * p,
        "(" + ParamSlot.size(matrix.type().dims().get(0)) + " - 1) * " + ParamSlot.size(matrix.type().dims().get(1)));
    params.put(matrix.name(), rows);
    Expr value = new Expr.Apply(Function.SOFTMAX, new Expr.Dot(new Expr.Sym(row), new Expr.Sym(covariate)));
    return Optional.of(new SiteArg(value, true, true, matrix.name()));
  }

  /** The row's value of a data variable or covariate. */
  private Symbol dataSymbol(String name) {
    return data.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow().symbol();
  }

  /**
   * {@code W * h + mu} (or {@code mu + W * h}), W and mu parameters and h the continuous latent: an
   * argument linear in h, W h + μ as the family sees it, whose updates are W's and μ's.
   */
  private Optional<SiteArg> linearInLatent(Term.Arith sum) {
    if (continuous == null || !sum.isSum()) {
      return Optional.empty();
    }
    Term product = sum.left() instanceof Term.Arith a && a.isProduct() ? sum.left() : sum.right();
    Term offset = product == sum.left() ? sum.right() : sum.left();
    if (product instanceof Term.Arith a && a.isProduct() && a.right() instanceof Term.VarRef h
        && h.name().equals(continuous.name()) && h.indices().isEmpty()) {
      ParamSlot w = shared(a.left());
      ParamSlot mu = shared(offset);
      if (w != null && mu != null) {
        Expr value = Expr.add(new Expr.MatMul(new Expr.Sym(w.symbol()), new Expr.Sym(continuous)),
            new Expr.Sym(mu.symbol()));
        return Optional.of(new SiteArg(value, true, w.perComponent() || mu.perComponent(),
            List.of(w.name(), mu.name())));
      }
    }
    return Optional.empty();
  }

  /**
   * An argument divided by the latent scale ({@code Sigma[z] / w}), or a positive multiple of a
   * parameter ({@code nu[z] / 2}): the same formula over the argument's, which a number folds into.
   */
  private Optional<SiteArg> scaled(Stochastic s, Term.Arith a, Param param, Expr lhs) {
    Optional<SiteArg> left = arg(s, a.left(), param, lhs);
    if (left.isEmpty()) {
      return Optional.empty();
    }
    if (a.right() instanceof Term.VarRef w && w.name().equals(scaleSymbol.name())) {
      SiteArg l = left.get();
      return Optional.of(new SiteArg(new Expr.Div(l.value(), new Expr.Sym(scaleSymbol)), l.isFree(),
          l.perComponent(), l.params()));
    }
    Optional<SiteArg> right = arg(s, a.right(), new Param(param.name(), Type.POSITIVE), lhs);
    if (right.isEmpty()) {
      return Optional.empty();
    }
    SiteArg l = left.get();
    SiteArg r = right.get();
    Expr value = Simplify.of(a.isQuotient() ? new Expr.Div(l.value(), r.value())
        : new Expr.Mul(l.value(), r.value()));
    List<String> both = new ArrayList<>(l.params());
    both.addAll(r.params());
    return Optional.of(new SiteArg(value, l.isFree() || r.isFree(), l.perComponent() || r.perComponent(), both));
  }

  /**
   * The parameter a term names, unindexed or indexed by the finite latent (a mixture of factor
   * analysers' W[z] and mu[z]).
   */
  private ParamSlot shared(Term t) {
    return t instanceof Term.VarRef r && (r.indices().isEmpty() || r.indices().equals(List.of(latent.name())))
        ? params.get(r.name()) : null;
  }

  /** The site a family builds its EM in; it records the statistics the family declares. */
  private final class Site implements FactorSite {
    private final Stochastic statement;
    private final Expr lhs;
    private final boolean lhsLatent;
    private final Map<String, SiteArg> args;
    private final boolean perComponent;
    private final Map<String, PriorSite> priors;
    final List<Statistic> statistics = new ArrayList<>();
    /** The priors the family asked about, in order. */
    final List<PriorSite> asked = new ArrayList<>();

    Site(Stochastic statement, Expr lhs, boolean lhsLatent, Map<String, SiteArg> args,
        boolean perComponent, Map<String, PriorSite> priors) {
      this.statement = statement;
      this.lhs = lhs;
      this.lhsLatent = lhsLatent;
      this.args = args;
      this.perComponent = perComponent;
      this.priors = priors;
    }

    @Override
    public Expr ownSymbol(String... candidates) {
      return new Expr.Sym(Symbol.name(CodeNames.unusedBy(model, candidates)));
    }

    @Override
    public Optional<Prior> prior(String name) {
      SiteArg a = (SiteArg) arg(name);
      PriorSite p = a.param() == null ? null : priors.get(a.param());
      if (p == null) {
        return Optional.empty();
      }
      p.consumed = true;
      asked.add(p);
      return Optional.of(p);
    }

    @Override
    public Signature signature() {
      return statement.signature();
    }

    @Override
    public Expr lhs() {
      return lhs;
    }

    @Override
    public boolean lhsIsLatent() {
      return lhsLatent;
    }

    @Override
    public Arg arg(String name) {
      SiteArg a = args.get(name);
      if (a == null) {
        throw new IllegalArgumentException(statement.family().name() + " has no argument " + name);
      }
      return a;
    }

    @Override
    public boolean perComponent() {
      return perComponent;
    }

    @Override
    public Expr count() {
      return perComponent ? new Expr.Sym(new Symbol("N", Symbol.Kind.COUNT, Shape.SCALAR, false, true))
          : total();
    }

    @Override
    public Expr total() {
      return new Expr.Sym(new Symbol("N", Symbol.Kind.TOTAL, Shape.SCALAR, false, false));
    }

    @Override
    public Expr counts() {
      Dim k = latent.type().dim();
      return new Expr.Sym(new Symbol("N", Symbol.Kind.COUNTS, Shape.vector(k), false, false));
    }

    @Override
    public Optional<Scale> scale(Expr w) {
      return scaleSymbol != null && w.equals(new Expr.Sym(scaleSymbol)) ? Optional.of(scale) : Optional.empty();
    }

    @Override
    public Optional<Moments> moments(Expr h) {
      return continuous != null && h.equals(new Expr.Sym(continuous)) ? Optional.of(moments) : Optional.empty();
    }

    @Override
    public Expr statistic(String name, Expr perRow) {
      // With a continuous latent the structure has this one statement: the family's own names
      // (S_h is the latent's as much as the data's).
      String unique = continuous != null ? name : name + "_" + statement.lhs();
      for (Statistic s : statistics) {
        if (s.symbol().name().equals(unique)) {
          throw new IllegalArgumentException(statement.family().name() + " declares " + name + " twice");
        }
      }
      Symbol symbol = Symbol.statistic(unique, perRow.shape(), perComponent);
      statistics.add(new Statistic(symbol, perRow));
      return new Expr.Sym(symbol);
    }

    @Override
    public Expr statisticOverRows(String name, Expr perRow) {
      if (!perComponent) {
        throw new IllegalArgumentException(statement.family().name() + " declares " + name
            + " per component in a statement that is not");
      }
      Expr symbol = statistic(name, perRow);
      Statistic declared = statistics.remove(statistics.size() - 1);
      statistics.add(Statistic.overRows(declared.symbol(), perRow));
      return symbol;
    }

    @Override
    public Expr regularization() {
      Shape shape = lhs.shape();
      String name = "Psi_" + statement.lhs();
      Symbol symbol = Symbol.setting(name, shape.isScalar() ? Shape.SCALAR : Shape.vector(shape.dim()));
      if (settings.stream().noneMatch(s -> s.symbol().equals(symbol))) {
        settings.add(new SettingSlot(symbol, statement.lhs(),
            "covariance regularization of " + statement.lhs()));
      }
      return new Expr.Sym(symbol);
    }
  }
}
