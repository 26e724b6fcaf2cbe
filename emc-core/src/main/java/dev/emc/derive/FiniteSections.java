package dev.emc.derive;

import dev.emc.analysis.CodeNames;
import dev.emc.analysis.EmPlan;
import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.analysis.EmPlan.ParamSlot;
import dev.emc.analysis.EmPlan.Statistic;
import dev.emc.derive.Derivation.Code;
import dev.emc.derive.Derivation.Math;
import dev.emc.derive.Derivation.Part;
import dev.emc.derive.Derivation.Table;
import dev.emc.derive.Derivation.Words;
import dev.emc.math.Expr.Relation.Op;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.math.Symbol;
import java.util.ArrayList;
import java.util.List;

/**
 * What the derivations of a finite latent share, a mixture's and a chain's: the families' updates
 * in the M-step, the one-pass statistics, the table of symbols, and the notation of components and
 * responsibilities. A structure's own parameters and statistics (a chain's π and A, F and T) come
 * in through the hooks below, after the families': the plan lists a structure's own statements
 * after the families'.
 */
abstract class FiniteSections extends DerivationBuilder {
  final CodeNames names;

  FiniteSections(EmPlan plan) {
    super(plan);
    this.names = new CodeNames(plan);
  }

  // -------------------------------------------------------------- what a structure adds

  /** Words at the start of the M-step, before the families' updates. */
  void beforeUpdates() {}

  /** The updates of the structure's own parameters. */
  void ownUpdates() {}

  /** The structure's own statistics. */
  void ownStatistics() {}

  /** What r_nk is, in the table of symbols. */
  String responsibilityMeaning() {
    return "the posterior of component k for row n";
  }

  /** The rows of the table of symbols for the structure's own statistics. */
  List<List<List<Part>>> ownStatisticRows() {
    return List.of();
  }

  /** A parameter's row of the table of symbols; a structure writes its own parameters'. */
  List<List<Part>> paramRow(ParamSlot p) {
    Shape s = p.symbol().shape();
    if (s.isVector() && s.dim().toString().equals(plan.latent().size())) {
      // A vector over the components, such as the weights: element k is component k's.
      return row(new Expr.At(new Expr.Sym(p.symbol()), component()), p.name(),
          names.field(p.name()) + "[k]", "parameter, " + p.type());
    }
    String d = s.isScalar() ? "" : names.size(s.dim());
    String at = p.perComponent()
        ? (s.isScalar() ? "[k]" : s.isVector() ? "[k * " + d + " + i]" : "[k * " + d + " * " + d + " + i * " + d + " + j]")
        : (s.isScalar() ? "[0]" : s.isVector() ? "[i]" : "[i * " + d + " + j]");
    // A matrix whose rows are the components' (a mixture of experts' G) is written without an index.
    boolean rows = p.perComponent() && p.type().kind() == dev.emc.types.Kind.MATRIX;
    return row(new Expr.Sym(p.symbol()), p.name() + (p.perComponent() && !rows ? "[" + plan.latent().name() + "]" : ""),
        names.field(p.name()) + at, "parameter, " + p.type()
            + (rows ? ", row k the component's" : p.perComponent() ? " per component" : ""));
  }

  // -------------------------------------------------------------- pieces of the first sections

  /** log f = … for each of the row's families. */
  void densities() {
    for (FactorPlan f : plan.factors()) {
      if (f.density() instanceof Expr.Density) {
        equation("density:" + f.statement(), new Expr.Relation(Op.EQ, Expr.log(f.density()), f.logDensity()));
      }
    }
  }

  /** Q(θ) = q, plus what the objective adds to the log-likelihood. */
  void qEquation(Expr q) {
    Expr penalty = penalty();
    equation("Q", new Expr.Relation(Op.EQ, new Expr.Density(Q, theta, List.of()),
        penalty == null ? q : Expr.add(q, penalty)));
  }

  void regularizationNote() {
    if (plan.factors().stream().anyMatch(f -> f.logPenalty() != null)) {
      prose("The −½ tr(Ψ …) terms are emc's regularization (the log of an improper inverse-Wishart"
          + " prior, with Ψ = R · diag(the data's column variances) for --reg R): they keep a"
          + " covariance from collapsing onto a few rows. With --reg 0 they are zero.");
    }
  }

  // -------------------------------------------------------------- the shared sections

  void mStep() {
    section("M-step");
    prose("Q is a sum of terms, each involving one parameter's values, so each is maximized on its"
        + " own: set the derivative of its terms to zero and solve.");
    beforeUpdates();
    for (FactorPlan f : plan.factors()) {
      for (EmPlan.Update u : f.updates()) {
        familyUpdate(f, u);
      }
    }
    ownUpdates();
  }

  /** A family's update, as its family derives it: its terms of Q, the condition, the solution. */
  private void familyUpdate(FactorPlan f, EmPlan.Update u) {
    prose("The update of ", u.written(), ", from ", new Code(f.statement()), ".",
        u.qTerms() == null ? "" : " Its terms of Q:");
    if (u.qTerms() != null) {
      equation("terms:" + u.param(), u.qTerms());
    }
    if (u.stationarity() != null) {
      prose("At the maximum the derivative vanishes:");
      equation("stationary:" + u.param(), u.stationarity());
    }
    if (u.note() != null) {
      prose(u.note());
    }
    Expr solution = u.textbook() != null ? u.textbook() : u.value();
    Expr unregularized = withoutSettings(solution);
    if (!unregularized.equals(solution)) {
      equation("ml:" + u.param(), new Expr.Relation(Op.EQ, u.written(), unregularized));
      prose("That is the maximum-likelihood update. emc's regularization (--reg R, with R > 0)"
          + " adds ", settingsOf(solution), ", and the update it computes is");
    }
    equation("update:" + u.param(), new Expr.Relation(Op.EQ, u.written(), solution));
  }

  void statistics() {
    section("Expected sufficient statistics: one pass per iteration");
    prose("Every update needs the rows only through responsibility-weighted sums over the rows. emc"
        + " computes them in the same pass as the E-step, and they add up across any split of the"
        + " rows: each thread (or machine) sums its own rows, and the results are added. Besides the"
        + " counts ",
        count(), plan.statistics().isEmpty() ? ", there are none." : ", they are");
    for (Statistic s : plan.rowStatistics()) {
      equation("statistic:" + s.symbol().name(), new Expr.Relation(Op.EQ, new Expr.Sym(s.symbol()),
          new Expr.RowSum(s.perRow(), s.atResponsibility())));
    }
    if (plan.rowStatistics().stream().anyMatch(s -> s.symbol().perComponent() && !s.atResponsibility())) {
      prose("A statistic summed without r_nk is kept per component all the same: every row adds to it"
          + " in full, at the component's current parameters.");
    }
    ownStatistics();
    boolean differs = plan.updates().stream().anyMatch(u -> u.textbook() != null);
    if (differs) {
      prose("Statistics that involve a mean are centred at its current value, so that a variance"
          + " comes out without subtracting two large, nearly equal numbers. In their terms the"
          + " updates above are computed as");
      for (EmPlan.Update u : plan.factors().stream().flatMap(f -> f.updates().stream()).toList()) {
        equation("compute:" + u.param(), new Expr.Relation(Op.ASSIGN, u.written(),
            u.written().equals(new Expr.Sym(u.target())) ? u.value() : elementOf(u)));
      }
    }
  }

  /**
   * The formula without its regularization: every term that reads a setting (Ψ) dropped, as
   * --reg 0 makes it. The families write the regularized update; the textbook one is this.
   */
  private static Expr withoutSettings(Expr e) {
    if (e instanceof Expr.Add a) {
      if (readsSetting(a.right())) {
        return withoutSettings(a.left());
      }
      if (readsSetting(a.left())) {
        return withoutSettings(a.right());
      }
      return new Expr.Add(withoutSettings(a.left()), withoutSettings(a.right()));
    }
    if (e instanceof Expr.Div d) {
      return new Expr.Div(withoutSettings(d.left()), d.right());
    }
    return e;
  }

  /** The setting a formula reads, as the derivation writes it (Ψ_x). */
  private static Expr settingsOf(Expr e) {
    if (e instanceof Expr.Diag d && d.vector() instanceof Expr.Sym v
        && v.symbol().kind() == Symbol.Kind.SETTING) {
      return d;
    }
    if (e instanceof Expr.Sym s && s.symbol().kind() == Symbol.Kind.SETTING) {
      return e;
    }
    for (Expr c : Expr.children(e)) {
      Expr found = settingsOf(c);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static boolean readsSetting(Expr e) {
    return settingsOf(e) != null;
  }

  /** A vector update written per element: φ_k = N_k / N rather than φ = (N_1, …, N_K) / N. */
  private static Expr elementOf(EmPlan.Update u) {
    return u.textbook() != null ? u.textbook() : u.value();
  }

  void symbols() {
    section("Symbols");
    prose("Where each symbol lives in the generated Java (emc compile): arrays are flat, components"
        + " first, then row-major; statistics live in one array that passes add up.");
    List<List<List<Part>>> rows = new ArrayList<>();
    for (EmPlan.DataSlot d : plan.data()) {
      boolean vector = !d.symbol().shape().isScalar();
      rows.add(row(new Expr.Sym(d.symbol()), d.name(), "data[n * COLUMNS + " + d.offset()
          + (vector ? " + i" : "") + "]", "row n's " + (vector ? "values" : "value") + " of " + d.name()));
    }
    for (ParamSlot p : plan.params()) {
      rows.add(paramRow(p));
    }
    rows.add(row(responsibility(), "", "r[k] in collect()", responsibilityMeaning()));
    rows.add(row(count(), "", "stats[COUNT + k]", "the expected number of rows of component k"));
    rows.add(row(n, "", "stats[WEIGHT]", "the number of rows"));
    for (Statistic st : plan.rowStatistics()) {
      rows.add(row(new Expr.Sym(st.symbol()), "", "stats[" + names.statOffset(st.symbol().name()) + " + …]",
          "an expected sufficient statistic"));
    }
    rows.addAll(ownStatisticRows());
    for (EmPlan.SettingSlot s : plan.settings()) {
      rows.add(row(new Expr.Sym(s.symbol()), "--reg", names.field(s.symbol().name()) + "[i]",
          "the " + s.meaning() + ": Ψ's diagonal"));
    }
    block(new Table(List.of("symbol", "in the model", "in the code", "meaning"), rows));
  }

  static List<List<Part>> row(Expr symbol, String model, String code, String meaning) {
    return List.of(List.of(new Math(symbol)), List.of(new Code(model)), List.of(new Code(code)),
        List.of(new Words(meaning)));
  }

  // -------------------------------------------------------------- formulas

  /** Σ_f log f(lhs_f | args_f) at component k. */
  Expr logJoint() {
    Expr sum = null;
    for (FactorPlan f : plan.factors()) {
      Expr term = Expr.log(f.density());
      sum = sum == null ? term : Expr.add(sum, term);
    }
    return sum;
  }

  /** log p(X, Z | θ). */
  Expr completeLhs() {
    return Expr.log(new Expr.Density(P, new Expr.Sym(Symbol.name("X, Z")), List.of(theta)));
  }

  Expr lhsOf(FactorPlan f) {
    // A latent given the component (a t mixture's w) is not data: its density names it.
    return plan.data().stream().filter(d -> d.name().equals(f.lhs())).findFirst()
        .map(d -> (Expr) new Expr.Sym(d.symbol()))
        .orElseGet(() -> ((Expr.Density) f.density()).value());
  }

  static Expr probability(Expr event) {
    return new Expr.Density(P, event, List.of());
  }

  Expr latentAt() {
    return new Expr.Sym(new Symbol(plan.latent().name(), Symbol.Kind.DATA, Shape.SCALAR, true, false));
  }

  static Expr componentRange() {
    return new Expr.Sym(Symbol.name("1, …, K"));
  }

  static Expr component() {
    return new Expr.Sym(new Symbol("k", Symbol.Kind.COMPONENT, Shape.SCALAR, false, true));
  }

  Expr indicator() {
    return new Expr.Sym(new Symbol(plan.latent().name(), Symbol.Kind.INDICATOR, Shape.SCALAR, true, true));
  }

  static Expr responsibility() {
    return perRowComponent("r");
  }

  static Expr perRowComponent(String name) {
    return new Expr.Sym(new Symbol(name, Symbol.Kind.RESPONSIBILITY, Shape.SCALAR, true, true));
  }

  static Expr count() {
    return new Expr.Sym(new Symbol("N", Symbol.Kind.COUNT, Shape.SCALAR, false, true));
  }
}
