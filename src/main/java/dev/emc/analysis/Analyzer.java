package dev.emc.analysis;

import dev.emc.analysis.EmPlan.DataSlot;
import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.analysis.EmPlan.ParamSlot;
import dev.emc.analysis.EmPlan.SettingSlot;
import dev.emc.analysis.EmPlan.Statistic;
import dev.emc.analysis.latent.Enumerated;
import dev.emc.analysis.latent.LatentStructure;
import dev.emc.analysis.latent.MarkovChain;
import dev.emc.diag.Diagnostics;
import dev.emc.diag.Span;
import dev.emc.dist.Arg;
import dev.emc.dist.FactorModel;
import dev.emc.dist.FactorSite;
import dev.emc.dist.Prior;
import dev.emc.dist.Signature;
import dev.emc.dist.Unsupported;
import dev.emc.dist.Update;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.math.Simplify;
import dev.emc.math.Symbol;
import dev.emc.semantics.CheckedModel;
import dev.emc.semantics.Role;
import dev.emc.semantics.Size;
import dev.emc.semantics.Stochastic;
import dev.emc.semantics.Term;
import dev.emc.semantics.Variable;
import dev.emc.types.Dim;
import dev.emc.types.Kind;
import dev.emc.types.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The analysis stage: a checked model, with every size known, to its {@link EmPlan}.
 *
 * <p>It decides the latent space and the E-step kind, lays out the data, turns each statement's
 * arguments into formulas, and asks each statement's family for its log-density, statistics and
 * updates. What it cannot turn into EM is a located error naming the statement and the reason.
 */
public final class Analyzer {
  private final CheckedModel model;
  private final Diagnostics diagnostics;
  private final Map<String, Integer> sizes = new LinkedHashMap<>();

  private Analyzer(CheckedModel model, Diagnostics diagnostics) {
    this.model = model;
    this.diagnostics = diagnostics;
  }

  public static Optional<EmPlan> plan(CheckedModel model, Diagnostics diagnostics) {
    return new Analyzer(model, diagnostics).run();
  }

  private Optional<EmPlan> run() {
    for (Size s : model.sizes().values()) {
      if (s.value().isEmpty()) {
        diagnostics.error("size", s.name() + " (" + s.origin() + ") is not set; give it in the model ("
            + s.name() + " = …;), with --set " + s.name() + "=…, or from the data");
      } else {
        sizes.put(s.name(), s.value().getAsInt());
      }
    }
    List<Variable> latents = model.withRole(Role.LATENT);
    if (latents.isEmpty()) {
      diagnostics.errorInFile("structure",
          "the model has no latent variable, so it needs no EM; a mixture has one, as in"
          + " `z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);`");
    } else if (latents.size() > 1) {
      diagnostics.error("structure", latents.get(1).span(), "a second latent variable, "
          + latents.get(1).name() + ": emc fits one latent variable per row: finite and independent across"
          + " rows (mixtures, mixtures of regressions), a chain over each sequence's rows (hidden Markov"
          + " models: `first(z) ~ Categorical(pi0); z ~ Categorical(A[prev(z)]);`), or a continuous vector"
          + " (factor analysis: `h ~ Normal(0, 1); x ~ Normal(W * h + mu, Psi);`); several latents, mixtures"
          + " of factor analysers among them, are not supported yet");
    }
    if (diagnostics.hasErrors()) {
      return Optional.empty();
    }
    Variable latent = latents.get(0);
    boolean continuous = latent.type().kind() == Kind.VECTOR;
    Dim kDim = continuous ? Dim.of(1) : latent.type().dim();
    int k = value(kDim);
    List<Stochastic> chain = model.distributions().stream()
        .filter(s -> s.lhs().equals(latent.name()) && (s.firstRow() || s.isTransition())).toList();
    if (!chain.isEmpty() && !checkChain(latent.name(), chain)) {
      return Optional.empty();
    }
    LatentStructure space = chain.isEmpty() ? new Enumerated(latent.name(), kDim.toString(), k)
        : new MarkovChain(latent.name(), kDim.toString(), k);

    List<DataSlot> data = new ArrayList<>();
    int columns = 0;
    for (Variable v : model.observed()) {
      Shape shape = shapeOf(v.type());
      int width = shape.isScalar() ? 1 : value(shape.dim());
      data.add(new DataSlot(v.name(), v.type(), Symbol.data(v.name(), shape), columns, width,
          v.role() == Role.COVARIATE));
      columns += width;
    }

    Map<String, ParamSlot> params = new LinkedHashMap<>();
    for (Variable v : model.withRole(Role.PARAM)) {
      params.put(v.name(), paramSlot(v, latent.name(), k));
    }
    if (continuous) {
      return new FactorAnalysis(model, diagnostics).plan(latent, sizes, data, columns, params);
    }
    Map<String, Span> usedBy = new HashMap<>();
    List<SettingSlot> settings = new ArrayList<>();
    List<FactorPlan> factors = new ArrayList<>();
    for (Stochastic s : model.distributions()) {
      List<Term> uses = new ArrayList<>();
      for (Term t : s.args()) {
        // A regression's coefficients are used inside its dot(β, u).
        uses.addAll(t instanceof Term.Dot d ? List.of(d.left(), d.right()) : List.of(t));
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
    if (diagnostics.hasErrors()) {
      return Optional.empty();
    }
    Map<String, PriorSite> priors = new LinkedHashMap<>();
    for (Stochastic p : model.priors()) {
      priorSite(p, params).ifPresent(site -> site.targets.forEach(t -> priors.put(t, site)));
    }
    if (diagnostics.hasErrors()) {
      return Optional.empty();
    }
    for (Stochastic s : model.distributions()) {
      if (!chain.contains(s)) {
        factor(s, latent, params, data, settings, priors).ifPresent(factors::add);
      }
    }
    chain.stream().filter(Stochastic::firstRow).forEach(s -> factors.add(chainFactor(s, latent, params)));
    chain.stream().filter(Stochastic::isTransition).forEach(s -> factors.add(chainFactor(s, latent, params)));
    List<EmPlan.PriorPlan> priorPlans = new ArrayList<>();
    for (PriorSite p : new java.util.LinkedHashSet<>(priors.values())) {
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
    if (diagnostics.hasErrors()) {
      return Optional.empty();
    }
    List<String> statements = new ArrayList<>();
    for (Stochastic s : model.distributions()) {
      statements.add(model.source().slice(s.span()));
    }
    return Optional.of(new EmPlan(model.name(), statements, sizes, List.of(space), data, columns,
        List.copyOf(params.values()), settings, factors, priorPlans));
  }

  private int value(Dim d) {
    if (d instanceof Dim.Known k) {
      return k.value();
    }
    Integer v = sizes.get(((Dim.Named) d).name());
    if (v == null) {
      throw new IllegalStateException("size " + d + " has no value");
    }
    return v;
  }

  static Shape shapeOf(Type t) {
    if (t.kind() == Kind.COV) {
      return Shape.matrix(t.dim());
    }
    if (t.kind() == Kind.MATRIX) {
      return Shape.matrix(t.dims().get(0), t.dims().get(1));
    }
    return t.isScalar() ? Shape.SCALAR : Shape.vector(t.dim());
  }

  private ParamSlot paramSlot(Variable v, String latent, int k) {
    Shape shape = shapeOf(v.type());
    boolean perComponent = v.index().contains(latent);
    int d = shape.isScalar() ? 1 : value(shape.dim());
    int cols = shape.isMatrix() ? value(shape.cols()) : 1;
    int elements = shape.isScalar() ? 1 : shape.isVector() ? d : d * cols;
    int free = switch (v.type().kind()) {
      case SIMPLEX -> d - 1;
      case COV -> d * (d + 1) / 2;
      // Loadings W and W R fit alike for any rotation R: Q(Q − 1)/2 of their numbers are not free.
      case MATRIX -> d * cols - cols * (cols - 1) / 2;
      default -> elements;
    };
    int copies = perComponent ? k : 1;
    return new ParamSlot(v.name(), v.type(), Symbol.param(v.name(), shape, perComponent),
        perComponent, elements, free * copies);
  }

  // ---------------------------------------------------------------- one statement

  /** A prior statement, with its hyperparameters as formulas, waiting for its family to use it. */
  private final class PriorSite implements Prior {
    final Stochastic statement;
    final List<String> targets;
    final Map<String, Expr> args = new LinkedHashMap<>();
    final List<Expr> argList = new ArrayList<>();
    final List<Expr> targetSymbols = new ArrayList<>();
    boolean consumed;

    PriorSite(Stochastic statement, List<String> targets) {
      this.statement = statement;
      this.targets = targets;
    }

    @Override
    public String family() {
      return statement.family().name();
    }

    @Override
    public Expr arg(String name) {
      Expr e = args.get(name);
      if (e == null) {
        throw new IllegalArgumentException(family() + " has no argument " + name);
      }
      return e;
    }

    @Override
    public List<Expr> args() {
      return argList;
    }

    @Override
    public List<Expr> targets() {
      return targetSymbols;
    }
  }

  private Optional<PriorSite> priorSite(Stochastic p, Map<String, ParamSlot> params) {
    PriorSite site = new PriorSite(p, p.targets());
    for (String t : p.targets()) {
      site.targetSymbols.add(new Expr.Sym(params.get(t).symbol()));
    }
    Shape shape = params.get(p.targets().get(0)).symbol().shape();
    for (int i = 0; i < p.args().size(); i++) {
      var param = p.signature().params().get(i);
      Term t = p.args().get(i);
      if (!(t instanceof Term.Number || t instanceof Term.ConstRef)) {
        diagnostics.error("unsupported", t.span(), "a prior whose arguments are parameters (a hierarchy)"
            + " is not supported yet; give numbers or constants");
        return Optional.empty();
      }
      double v = t instanceof Term.Number n ? n.value() : ((Term.ConstRef) t).value();
      Expr number = new Expr.Num(v);
      Type wanted = param.type();
      Expr value = wanted.kind() == Kind.COV ? new Expr.Mul(number, new Expr.Identity(shape.dim()))
          : wanted.isScalar() || shape.isScalar() ? number
          : new Expr.Fill(number, shape.dim());
      site.args.put(param.name(), value);
      site.argList.add(value);
    }
    return Optional.of(site);
  }

  private Optional<FactorPlan> factor(Stochastic s, Variable latent, Map<String, ParamSlot> params,
      List<DataSlot> data, List<SettingSlot> settings, Map<String, PriorSite> priors) {
    String text = model.source().slice(s.span());
    boolean lhsLatent = s.lhs().equals(latent.name());
    Expr lhs = lhsLatent
        ? new Expr.Sym(new Symbol(latent.name(), Symbol.Kind.COMPONENT, Shape.SCALAR, false, true))
        : new Expr.Sym(data.stream().filter(d -> d.name().equals(s.lhs())).findFirst().orElseThrow().symbol());
    Map<String, SiteArg> args = new LinkedHashMap<>();
    for (int i = 0; i < s.args().size(); i++) {
      var p = s.signature().params().get(i);
      Optional<SiteArg> a = arg(s, s.args().get(i), p.type(), lhs, params, data);
      if (a.isEmpty()) {
        return Optional.empty();
      }
      args.put(p.name(), a.get());
    }
    // The latent variable's own distribution is per component too: its value is the component.
    boolean perComponent = lhsLatent || args.values().stream().anyMatch(SiteArg::perComponent);
    Site site = new Site(s, lhs, lhsLatent, args, perComponent, settings, priors);
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
    List<EmPlan.Update> updates = new ArrayList<>();
    for (Update u : fm.updates()) {
      SiteArg a = args.get(u.param());
      if (a == null || !a.isFree()) {
        throw new IllegalStateException(s.family().name() + " updates " + u.param()
            + ", which is not a free argument here");
      }
      ParamSlot target = params.get(a.param);
      if (a.value() instanceof Expr.Dot && !u.value().shape().equals(target.symbol().shape())) {
        // The family updated the argument as a plain value: it knows no regression form.
        return noRegression(s, text);
      }
      if (!u.value().shape().equals(target.symbol().shape())) {
        throw new IllegalStateException(s.family().name() + "'s update of " + u.param() + " is "
            + u.value().shape() + ", but " + target.name() + " is " + target.symbol().shape());
      }
      updates.add(new EmPlan.Update(target.name(), target.symbol(), Simplify.of(u.value()), u.method(),
          Simplify.of(u.textbook()), u.target() != null ? u.target() : new Expr.Sym(target.symbol()),
          Simplify.of(u.qTerms()), Simplify.of(u.stationarity()), u.note()));
    }
    for (Map.Entry<String, SiteArg> e : args.entrySet()) {
      if (e.getValue().isFree() && updates.stream().noneMatch(u -> u.param().equals(e.getValue().param))) {
        diagnostics.error("unsupported", s.span(), "cannot fit `" + text + "`: " + s.family().name()
            + " has no update for its " + e.getKey() + " " + e.getValue().param + " here");
        return Optional.empty();
      }
    }
    EmPlan.Gaussian gaussian = null;
    if (fm.gaussian() != null && !lhsLatent) {
      FactorModel.Gaussian g = fm.gaussian();
      gaussian = new EmPlan.Gaussian(s.lhs(), ((Expr.Sym) g.mean()).symbol(), ((Expr.Sym) g.covariance()).symbol(),
          g.scatter() == null ? null : ((Expr.Sym) g.scatter()).symbol());
    }
    return Optional.of(new FactorPlan(text, s.lhs(), s.family().name(), s.signature().label(), perComponent,
        lhsLatent, fm.density(), Simplify.of(fm.logDensity()), site.statistics, updates,
        Simplify.of(fm.logPenalty()), fm.support(), false, gaussian,
        args.values().stream().map(SiteArg::value).toList()));
  }

  private static boolean hasLinearPredictor(Map<String, SiteArg> args) {
    return args.values().stream().anyMatch(a -> a.value() instanceof Expr.Dot);
  }

  private Optional<FactorPlan> noRegression(Stochastic s, String text) {
    diagnostics.error("unsupported", s.span(), "cannot fit `" + text + "`: " + s.family().name()
        + " has no regression form; a linear predictor dot(coefficients, covariates) can be the mean of a"
        + " Normal, as in `y ~ Normal(dot(beta[z], u), s2[z]);`");
    return Optional.empty();
  }

  // ---------------------------------------------------------------- a latent chain (HMM)

  /**
   * A latent chain is two Categorical statements: {@code first(z) ~ Categorical(pi0)} for each
   * sequence's first row and {@code z ~ Categorical(A[prev(z)])} for every later row.
   */
  private boolean checkChain(String z, List<Stochastic> chain) {
    Optional<Stochastic> first = chain.stream().filter(Stochastic::firstRow).findFirst();
    Optional<Stochastic> transition = chain.stream().filter(Stochastic::isTransition).findFirst();
    String example = "`first(" + z + ") ~ Categorical(pi0); " + z + " ~ Categorical(A[prev(" + z + ")]);`";
    if (first.isEmpty()) {
      diagnostics.error("structure", transition.get().span(), "a latent chain needs the distribution of each"
          + " sequence's first row too: " + example);
      return false;
    }
    if (transition.isEmpty()) {
      diagnostics.error("structure", first.get().span(), "first(" + z + ") is the first row of a latent chain,"
          + " which needs its transition too: " + example);
      return false;
    }
    for (Stochastic s : chain) {
      Term arg = s.args().get(0);
      boolean ok = s.family().name().equals("Categorical") && s.args().size() == 1
          && arg instanceof Term.VarRef r && model.variable(r.name()).role() == Role.PARAM
          && (s.firstRow() ? r.indices().isEmpty() : r.previous() && r.indices().equals(List.of(z)));
      if (!ok) {
        diagnostics.error("structure", s.span(), "a latent chain is written " + example
            + ": probabilities that are parameters, one row of A for each previous value");
        return false;
      }
    }
    return true;
  }

  /**
   * A chain statement as EM sees it. The forward–backward pass adds up its statistics: for the first
   * row, F = Σ_s γ_s1 (expected first states over the sequences); for the transition, T_j = Σ_t ξ_t(j, ·)
   * (expected transitions out of j). The Lagrange multiplier for each simplex gives the updates.
   */
  private FactorPlan chainFactor(Stochastic s, Variable latent, Map<String, ParamSlot> params) {
    ParamSlot p = params.get(((Term.VarRef) s.args().get(0)).name());
    Expr probabilities = new Expr.Sym(p.symbol());
    Expr k = new Expr.Sym(new Symbol(latent.name(), Symbol.Kind.COMPONENT, Shape.SCALAR, false, true));
    Expr probability = new Expr.At(probabilities, k);
    boolean first = s.firstRow();
    Symbol stat = Symbol.statistic((first ? "F_" : "T_") + latent.name(), p.symbol().shape(), !first);
    Expr counts = new Expr.Sym(stat);
    EmPlan.Update update = new EmPlan.Update(p.name(), p.symbol(), Simplify.of(Expr.div(counts, new Expr.Total(counts))),
        first ? "expected first states over the sequences" : "expected transitions out of each state",
        null, probabilities, null, null, null);
    return new FactorPlan(model.source().slice(s.span()), s.lhs(), "Categorical", s.signature().label(), !first, true,
        probability, Expr.log(probability), List.of(new Statistic(stat, null)), List.of(update), null, List.of(), true,
        null, List.of(probabilities));
  }

  /** An argument as the family sees it, and which parameter (if any) it is. */
  private record SiteArg(Expr value, boolean isFree, boolean perComponent, String param) implements Arg {}

  private Optional<SiteArg> arg(Stochastic s, Term t, Type wanted, Expr lhs,
      Map<String, ParamSlot> params, List<DataSlot> data) {
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
      return Optional.of(new SiteArg(value, false, false, null));
    }
    if (t instanceof Term.Dot d) {
      return linearPredictor(s, d, params, data);
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
  private Optional<SiteArg> linearPredictor(Stochastic s, Term.Dot d, Map<String, ParamSlot> params,
      List<DataSlot> data) {
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
    String u = covariates.name();
    Symbol covariate = data.stream().filter(x -> x.name().equals(u)).findFirst().orElseThrow().symbol();
    return Optional.of(new SiteArg(new Expr.Dot(new Expr.Sym(beta.symbol()), new Expr.Sym(covariate)),
        true, beta.perComponent(), beta.name()));
  }

  /** The site a family builds its EM in; it records the statistics the family declares. */
  private final class Site implements FactorSite {
    private final Stochastic statement;
    private final Expr lhs;
    private final boolean lhsLatent;
    private final Map<String, SiteArg> args;
    private final boolean perComponent;
    private final List<SettingSlot> settings;
    private final Map<String, PriorSite> priors;
    final List<Statistic> statistics = new ArrayList<>();
    /** The priors the family asked about, in order. */
    final List<PriorSite> asked = new ArrayList<>();

    Site(Stochastic statement, Expr lhs, boolean lhsLatent, Map<String, SiteArg> args,
        boolean perComponent, List<SettingSlot> settings, Map<String, PriorSite> priors) {
      this.statement = statement;
      this.lhs = lhs;
      this.lhsLatent = lhsLatent;
      this.args = args;
      this.perComponent = perComponent;
      this.settings = settings;
      this.priors = priors;
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
      Dim k = model.variable(latentName()).type().dim();
      return new Expr.Sym(new Symbol("N", Symbol.Kind.COUNTS, Shape.vector(k), false, false));
    }

    private String latentName() {
      return model.withRole(Role.LATENT).get(0).name();
    }

    @Override
    public Expr statistic(String name, Expr perRow) {
      String unique = name + "_" + statement.lhs();
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
