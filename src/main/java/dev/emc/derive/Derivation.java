package dev.emc.derive;

import dev.emc.analysis.CodeNames;
import dev.emc.analysis.EmPlan;
import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.analysis.EmPlan.ParamSlot;
import dev.emc.analysis.EmPlan.Statistic;
import dev.emc.analysis.EquationNumbers;
import dev.emc.analysis.latent.LatentStructure;
import dev.emc.analysis.latent.LinearGaussian;
import dev.emc.math.Expr.Relation.Op;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.math.Symbol;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The derivation of a model's EM, as a document made of prose and numbered formulas: the model,
 * its likelihood, the bound and Q, the E-step, each parameter's M-step from its terms of Q and its
 * stationarity condition, the one-pass statistics, why the objective never falls, and the symbols.
 *
 * <p>It is built from the {@link EmPlan} alone: the formulas are the families' own (their
 * densities, log-densities and update steps), arranged the same way for every model. The
 * equations' numbers are part of it so that the generated code can cite them; the printers of
 * {@link Documents} only typeset it.
 */
public record Derivation(String title, List<Section> sections, Map<String, Integer> numbers)
    implements EquationNumbers {
  public Derivation {
    sections = List.copyOf(sections);
    numbers = Collections.unmodifiableMap(new LinkedHashMap<>(numbers));
  }

  public record Section(String title, List<Block> blocks) {
    public Section {
      blocks = List.copyOf(blocks);
    }
  }

  public sealed interface Block permits Prose, Equation, Table, Listing {}

  /** A paragraph: words with formulas inline. */
  public record Prose(List<Part> parts) implements Block {
    public Prose {
      parts = List.copyOf(parts);
    }
  }

  public sealed interface Part permits Words, Math, Code {}

  public record Words(String text) implements Part {}

  /** Text from the model or the code, set in a fixed-width font. */
  public record Code(String text) implements Part {}

  public record Math(Expr expr) implements Part {}

  /** A displayed formula with its number. */
  public record Equation(String key, int number, Expr math) implements Block {}

  /** A table whose cells are words and formulas. */
  public record Table(List<String> header, List<List<List<Part>>> rows) implements Block {
    public Table {
      header = List.copyOf(header);
      rows = List.copyOf(rows);
    }
  }

  /** Text shown as it is: the model's statements. */
  public record Listing(String text) implements Block {}

  public static Derivation of(EmPlan plan) {
    return new Builder(plan).build();
  }

  // ------------------------------------------------------------------ the document

  private static final class Builder {
    private final EmPlan plan;
    private final CodeNames names;
    private final List<String> titles = new ArrayList<>();
    private final List<List<Block>> contents = new ArrayList<>();
    private final Map<String, Integer> numbers = new LinkedHashMap<>();
    private List<Block> blocks;
    private int next = 1;

    private final Expr theta = named("theta");
    private final Expr old = named("theta_old");
    private final Expr fresh = named("theta_new");
    private final Expr n = new Expr.Sym(new Symbol("N", Symbol.Kind.TOTAL, Shape.SCALAR, false, false));

    Builder(EmPlan plan) {
      this.plan = plan;
      this.names = new CodeNames(plan);
    }

    Derivation build() {
      if (plan.latent() instanceof LinearGaussian lg) {
        factorAnalysis(lg);
        monotonicity();
        return done();
      }
      if (chained()) {
        chainModel();
        chainLikelihood();
        chainEStep();
      } else {
        model();
        likelihood();
        bound();
        eStep();
      }
      mStep();
      statistics();
      if (!chained()) {
        plan.factors().stream().filter(f -> f.gaussian() != null).findFirst().ifPresent(this::emptyCells);
      }
      monotonicity();
      symbols();
      return done();
    }

    private Derivation done() {
      List<Section> sections = new ArrayList<>();
      for (int i = 0; i < titles.size(); i++) {
        sections.add(new Section(titles.get(i), contents.get(i)));
      }
      return new Derivation("EM for model " + plan.model(), sections, numbers);
    }

    private boolean chained() {
      return plan.latent().bySequence();
    }

    private void section(String title) {
      blocks = new ArrayList<>();
      titles.add(title);
      contents.add(blocks);
    }

    private void prose(Object... parts) {
      List<Part> out = new ArrayList<>();
      for (Object p : parts) {
        out.add(p instanceof Expr e ? new Math(e) : p instanceof Part part ? part : new Words((String) p));
      }
      blocks.add(new Prose(out));
    }

    private void equation(String key, Expr math) {
      int number = next++;
      if (key != null) {
        numbers.put(key, number);
      }
      blocks.add(new Equation(key, number, math));
    }

    // -------------------------------------------------------------- sections

    private void model() {
      section("The model");
      blocks.add(new Listing(String.join("\n", plan.statements())));
      LatentStructure latent = plan.latent();
      Expr z = latentAt();
      List<Object> intro = new ArrayList<>(List.of("For each row ",
          new Expr.Relation(Op.EQ, named("n"), named("1, …, N")),
          ", the latent variable ", z, " takes one of the values ", componentRange(),
          " and the data are observed: "));
      for (int i = 0; i < plan.data().size(); i++) {
        EmPlan.DataSlot d = plan.data().get(i);
        intro.add(new Expr.Sym(d.symbol()));
        intro.add(d.symbol().shape().isScalar() ? " (a number" : " (a vector of " + d.symbol().shape().dim() + " numbers");
        intro.add(d.covariate() ? ", a covariate: the model conditions on it and does not model it)" : ")");
        intro.add(i + 1 < plan.data().size() ? ", " : ". ");
      }
      intro.add("The components are the K values of " + latent.name()
          + ". Given its component, each part of the row has its family's density:");
      prose(intro.toArray());
      for (FactorPlan f : plan.rowFactors()) {
        Expr condition = new Expr.Relation(Op.EQ, z, component());
        Expr lhs = f.lhsIsLatent()
            ? probability(condition)
            : new Expr.Density(P, lhsOf(f), List.of(condition));
        equation("model:" + f.statement(), new Expr.Relation(Op.EQ, lhs, f.density()));
      }
      densities();
      prose("With ", indicator(), " = 1 when row n comes from component k and 0 otherwise, the"
          + " log-likelihood of the data together with the latent values, the complete-data"
          + " log-likelihood, is");
      equation("complete", new Expr.Relation(Op.EQ, completeLhs(),
          new Expr.RowSum(new Expr.SumK(Expr.mul(indicator(), logJoint())), false)));
    }

    /** log f = … for each of the row's families. */
    private void densities() {
      for (FactorPlan f : plan.rowFactors()) {
        if (f.density() instanceof Expr.Density) {
          equation("density:" + f.statement(), new Expr.Relation(Op.EQ, Expr.log(f.density()), f.logDensity()));
        }
      }
    }

    private Expr completeLhs() {
      return Expr.log(new Expr.Density(P, new Expr.Sym(Symbol.name("X, Z")), List.of(theta)));
    }

    private void likelihood() {
      section("The observed-data log-likelihood");
      prose("The latent values are not observed, so the likelihood sums them out:");
      equation("loglik", new Expr.Relation(Op.EQ, ell(theta),
          new Expr.RowSum(Expr.log(new Expr.SumK(joint())), false)));
      prose("The sum over the components sits inside the logarithm: setting derivatives to zero has "
          + "no closed-form solution. EM maximizes a lower bound instead, one that is easy to maximize.");
    }

    private void bound() {
      section("A lower bound, and Q");
      Expr q = perRowComponent("q");
      prose("For any probabilities ", q, " ≥ 0 with ", new Expr.Relation(Op.EQ, new Expr.SumK(q), Expr.num(1)),
          " for each row, the logarithm is concave, so Jensen's inequality gives");
      equation("jensen", new Expr.Relation(Op.GE,
          new Expr.Relation(Op.EQ, ell(theta),
              new Expr.RowSum(Expr.log(new Expr.SumK(Expr.mul(q, Expr.div(joint(), q)))), false)),
          new Expr.RowSum(new Expr.SumK(Expr.mul(q, Expr.log(Expr.div(joint(), q)))), false)));
      prose("with equality when ", q, " is the posterior ", posterior(), ". EM alternates two steps from the"
          + " current parameters ", old, ". The E-step sets ", q, " to that posterior at ", old, ", written ",
          responsibility(), ", which makes the bound touch the log-likelihood. The M-step maximizes the"
          + " bound over ", theta, "; the bound's entropy term, the sum of −r log r, does not depend on ",
          theta, ", so it maximizes");
      Expr qFunction = new Expr.RowSum(new Expr.SumK(Expr.mul(responsibility(), logJoint())), false);
      Expr penalty = penalty();
      equation("Q", new Expr.Relation(Op.EQ, new Expr.Density(new Expr.Notation("Q", "Q", "<mi>Q</mi>"),
          theta, List.of()), penalty == null ? qFunction : Expr.add(qFunction, penalty)));
      if (!plan.priors().isEmpty()) {
        List<Object> words = new ArrayList<>(List.of("With priors EM maximizes the log posterior: Q gains the"
            + " log density of "));
        for (int i = 0; i < plan.priors().size(); i++) {
          words.add(i == 0 ? "" : i + 1 == plan.priors().size() ? " and " : ", ");
          words.add(new Code(plan.priors().get(i).statement()));
        }
        words.add(", and each update below becomes the mode of its parameter's posterior.");
        prose(words.toArray());
      }
      if (plan.factors().stream().anyMatch(f -> f.logPenalty() != null)) {
        prose("The −½ tr(Ψ …) terms are emc's regularization (the log of an improper inverse-Wishart"
            + " prior, with Ψ = R · diag(the data's column variances) for --reg R): they keep a"
            + " covariance from collapsing onto a few rows. With --reg 0 they are zero.");
      }
    }

    private void eStep() {
      section("E-step");
      prose("The posterior of each row's component, by Bayes' rule, at the current parameters:");
      Expr joint = joint();
      equation("estep", new Expr.Relation(Op.EQ, new Expr.Relation(Op.EQ, responsibility(), posterior()),
          Expr.div(joint, new Expr.SumK(joint, "j"))));
      Expr l = perRowComponent("ell");
      Expr m = new Expr.Sym(new Symbol("m", Symbol.Kind.RESPONSIBILITY, Shape.SCALAR, true, false));
      prose("The code multiplies the densities in log space,");
      equation("joint", new Expr.Relation(Op.EQ, l, logJoint()));
      prose("and normalizes with the log-sum-exp: with ", m, " the largest of the row's ", l,
          ", no exponential overflows,");
      equation("lse", new Expr.Relation(Op.EQ, responsibility(),
          Expr.div(new Expr.Apply(dev.emc.math.Function.EXP, Expr.sub(l, m)),
              new Expr.SumK(new Expr.Apply(dev.emc.math.Function.EXP, Expr.sub(l, m)), "j"))));
      prose("and the same pass adds up the log-likelihood at the current parameters:");
      equation("loglik-lse", new Expr.Relation(Op.EQ, ell(theta), new Expr.RowSum(Expr.add(m,
          Expr.log(new Expr.SumK(new Expr.Apply(dev.emc.math.Function.EXP, Expr.sub(l, m)), "j"))), false)));
      prose("Each component's expected number of rows is");
      equation("count", new Expr.Relation(Op.EQ, count(), new Expr.RowSum(responsibility(), false)));
    }

    private void mStep() {
      section("M-step");
      prose("Q is a sum of terms, each involving one parameter's values, so each is maximized on its"
          + " own: set the derivative of its terms to zero and solve.");
      if (chained()) {
        prose("The emission parameters' updates are a mixture's, with ", responsibility(), " = ", gamma(), ".");
      }
      for (FactorPlan f : plan.factors()) {
        for (EmPlan.Update u : f.updates()) {
          if (f.chain()) {
            chainUpdate(f, u);
            continue;
          }
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
      }
    }

    private void statistics() {
      List<Statistic> stats = plan.statistics();
      section("Expected sufficient statistics: one pass per iteration");
      prose("Every update needs the rows only through responsibility-weighted sums over the rows. emc"
          + " computes them in the same pass as the E-step, and they add up across any split of the"
          + " rows: each thread (or machine) sums its own rows, and the results are added. Besides the"
          + " counts ",
          count(), stats.isEmpty() ? ", there are none." : ", they are");
      for (Statistic s : stats) {
        if (s.ofChain()) {
          continue;
        }
        equation("statistic:" + s.symbol().name(), new Expr.Relation(Op.EQ, new Expr.Sym(s.symbol()),
            new Expr.RowSum(s.perRow(), s.symbol().perComponent())));
      }
      if (chained()) {
        prose("The forward–backward pass adds up the chain's two, over the sequences s:");
        stats.stream().filter(Statistic::ofChain).forEach(this::chainStatistic);
      }
      boolean differs = plan.updates().stream().anyMatch(u -> u.textbook() != null);
      if (differs) {
        prose("Statistics that involve a mean are centred at its current value, so that a variance"
            + " comes out without subtracting two large, nearly equal numbers. In their terms the"
            + " updates above are computed as");
        for (EmPlan.Update u : plan.rowFactors().stream().flatMap(f -> f.updates().stream()).toList()) {
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
    private Expr elementOf(EmPlan.Update u) {
      return u.textbook() != null ? u.textbook() : u.value();
    }

    private void monotonicity() {
      section("Why EM never lowers the objective");
      Expr penalty = penalty();
      prose("After the E-step the bound equals the log-likelihood at ", old, ". The M-step raises Q, and"
          + " with it the bound (they differ by a term without ", theta, "). Since the bound is below the"
          + " log-likelihood everywhere, the log-likelihood at ", fresh, " is at least the bound at ",
          fresh, ", which is at least the bound at ", old, ", which is the log-likelihood at ", old, "."
          + (penalty == null ? "" : " With the regularization the same argument holds for the"
              + " objective that emc climbs,"));
      if (penalty != null) {
        equation("objective", Expr.add(ell(theta), penalty));
      }
      prose("emc checks this at every iteration and stops with an error if the objective falls by"
          + " more than rounding (10⁻⁹ of its size): a fall would mean a wrong update.");
    }

    private void symbols() {
      section("Symbols");
      prose("Where each symbol lives in the generated Java (emc compile): arrays are flat, components"
          + " first, then row-major; statistics live in one array that passes add up.");
      List<List<List<Part>>> rows = new ArrayList<>();
      for (EmPlan.DataSlot d : plan.data()) {
        boolean vector = !d.symbol().shape().isScalar();
        rows.add(row(new Expr.Sym(d.symbol()), d.name(), "data[n * COLUMNS + " + d.offset()
            + (vector ? " + i" : "") + "]", "row n's " + (vector ? "values" : "value") + " of " + d.name()));
      }
      List<String> chainParams = plan.chainFactors().stream().map(f -> f.updates().get(0).param()).toList();
      for (ParamSlot p : plan.params()) {
        Shape s = p.symbol().shape();
        if (chainParams.indexOf(p.name()) == 1) {
          // A transition matrix: row j, one per state, holds the probabilities out of j.
          rows.add(row(transitionAt("jk"), p.name() + "[prev(" + plan.latent().name() + ")]",
              names.field(p.name()) + "[j * K + k]", "parameter, " + p.type() + " per state"));
          continue;
        }
        if (s.isVector() && s.dim().toString().equals(plan.latent().size())) {
          // A vector over the components, such as the weights: element k is component k's.
          rows.add(row(new Expr.At(new Expr.Sym(p.symbol()), component()), p.name(),
              names.field(p.name()) + "[k]", "parameter, " + p.type()));
          continue;
        }
        String d = s.isScalar() ? "" : names.size(s.dim());
        String at = p.perComponent()
            ? (s.isScalar() ? "[k]" : s.isVector() ? "[k * " + d + " + i]" : "[k * " + d + " * " + d + " + i * " + d + " + j]")
            : (s.isScalar() ? "[0]" : s.isVector() ? "[i]" : "[i * " + d + " + j]");
        rows.add(row(new Expr.Sym(p.symbol()), p.name() + (p.perComponent() ? "[" + plan.latent().name() + "]" : ""),
            names.field(p.name()) + at, "parameter, " + p.type() + (p.perComponent() ? " per component" : "")));
      }
      rows.add(row(responsibility(), "", "r[k] in collect()", "the posterior of component k for row n"
          + (chained() ? " (γ_nk)" : "")));
      rows.add(row(count(), "", "stats[COUNT + k]", "the expected number of rows of component k"));
      rows.add(row(n, "", "stats[WEIGHT]", "the number of rows"));
      for (Statistic st : plan.statistics()) {
        if (st.ofChain()) {
          boolean first = firstStates(st);
          String offset = names.statOffset(st.symbol().name());
          rows.add(first
              ? row(sub("F", "k"), "", "stats[" + offset + " + k]", "the expected number of sequences that start in state k")
              : row(sub("T", "jk"), "", "stats[" + offset + " + j * K + k]", "the expected number of transitions from j to k"));
          continue;
        }
        rows.add(row(new Expr.Sym(st.symbol()), "", "stats[" + names.statOffset(st.symbol().name()) + " + …]",
            "an expected sufficient statistic"));
      }
      for (EmPlan.SettingSlot s : plan.settings()) {
        rows.add(row(new Expr.Sym(s.symbol()), "--reg", names.field(s.symbol().name()) + "[i]",
            "the " + s.meaning() + ": Ψ's diagonal"));
      }
      blocks.add(new Table(List.of("symbol", "in the model", "in the code", "meaning"), rows));
    }

    private static List<List<Part>> row(Expr symbol, String model, String code, String meaning) {
      return List.of(List.of(new Math(symbol)), List.of(new Code(model)), List.of(new Code(code)),
          List.of(new Words(meaning)));
    }

    /**
     * What `emc fit --missing marginalize` does with a row whose cells of normal data are partly
     * empty: the conditional Gaussian (Bishop §2.3.1–2), in the Schur-complement form the runtime
     * computes.
     */
    private void emptyCells(FactorPlan f) {
      EmPlan.Gaussian g = f.gaussian();
      Expr mu = new Expr.Sym(g.mean());
      Expr sigma = new Expr.Sym(g.covariance());
      Expr x = lhsOf(f);
      if (!x.shape().isVector()) {
        return;
      }
      dev.emc.types.Dim d = x.shape().dim();
      java.util.function.Function<String, Expr> vec =
          name -> new Expr.Sym(new Symbol(name, Symbol.Kind.NAME, Shape.vector(d), false, false));
      java.util.function.Function<String, Expr> mat =
          name -> new Expr.Sym(new Symbol(name, Symbol.Kind.NAME, Shape.matrix(d), false, false));
      section("Rows with empty cells (--missing marginalize)");
      Expr observed = vec.apply("x_o");
      prose("A row whose ", x, " has ", named("d_m"), " empty cells m and observed cells o keeps its other data. Given component"
          + " k, ", x, " is normal, so its empty cells are too, given the observed ones (Bishop §2.3.1–2). The"
          + " row's density is the marginal of the observed cells, ",
          new Expr.Density(NORMAL, observed, List.of(vec.apply("mu_o"), mat.apply("Sigma_oo"))),
          ", and the empty cells' posterior has mean and covariance");
      Expr e = Expr.sub(observed, vec.apply("mu_o"));
      equation("conditional-mean", new Expr.Relation(Op.EQ, vec.apply("mu_m|o"),
          Expr.add(vec.apply("mu_m"), new Expr.MatMul(mat.apply("Sigma_mo"), new Expr.Solve(mat.apply("Sigma_oo"), e)))));
      equation("conditional-cov", new Expr.Relation(Op.EQ, mat.apply("Sigma_m|o"), Expr.sub(mat.apply("Sigma_mm"),
          new Expr.MatMul(mat.apply("Sigma_mo"), new Expr.MatMul(new Expr.Inv(mat.apply("Sigma_oo")),
              mat.apply("Sigma_om"))))));
      prose("with ", mu, " and ", sigma, " component k's (a diagonal covariance leaves the empty cells independent"
          + " of the others: their means and variances). The statistics take their expectations under that"
          + " posterior: ", new Expr.Relation(Op.EQ, new Expr.Density(EXPECT, x, List.of(observed)),
              vec.apply("x̄_n")), ", the row with its empty cells set to ", vec.apply("mu_m|o"), ", and");
      Expr filled = vec.apply("x̄_n");
      equation("expected-second", new Expr.Relation(Op.EQ,
          new Expr.Density(EXPECT, Expr.outer(Expr.sub(x, mu), Expr.sub(x, mu)), List.of(observed)),
          Expr.add(Expr.outer(Expr.sub(filled, mu), Expr.sub(filled, mu)), mat.apply("C_n"))));
      prose("where ", mat.apply("C_n"), " is ", mat.apply("Sigma_m|o"), " in the empty cells' block and 0"
          + " elsewhere. At the filled row the log-density differs from the marginal only by a term of the row:"
          + " the quadratic forms agree, and the determinant of the covariance is that of the observed block times"
          + " that of the conditional one, so");
      equation("marginal", new Expr.Relation(Op.EQ,
          Expr.log(new Expr.Density(NORMAL, observed, List.of(vec.apply("mu_o"), mat.apply("Sigma_oo")))),
          Expr.add(Expr.log(new Expr.Density(NORMAL, filled, List.of(mu, sigma))),
              Expr.mul(0.5, Expr.add(Expr.mul(named("d_m"), Expr.log(Expr.num(2 * java.lang.Math.PI))),
                  new Expr.LogDet(mat.apply("Sigma_m|o")))))));
      prose("The updates are unchanged, and EM with these expectations still never lowers the likelihood of the"
          + " observed cells. emc's runtime (MissingCells) computes this for such rows; the generated code gives"
          + " the filled row's density and statistics.");
    }

    // -------------------------------------------------------------- factor analysis

    /*
     * Factor analysis as Bishop's Pattern Recognition and Machine Learning, §12.2.2 and §12.2.4,
     * and Ghahramani & Hinton (1996) derive its EM, with the mean estimated jointly with W.
     */
    private void factorAnalysis(LinearGaussian lg) {
      FactorPlan latent = plan.factors().get(0);
      FactorPlan child = plan.factors().get(1);
      Expr h = new Expr.Sym(lg.latent());
      Expr x = new Expr.Sym(lg.data());
      Expr w = new Expr.Sym(lg.loadings());
      Expr mu = new Expr.Sym(lg.mean());
      Expr psi = new Expr.Sym(lg.noise());
      dev.emc.types.Dim q = lg.latent().shape().dim();
      dev.emc.types.Dim d = lg.data().shape().dim();
      Expr wt = new Expr.Transpose(w);
      // Ψ as the matrix it stands for: diagonal, or σ²I.
      Expr psiMatrix = lg.spherical() ? Expr.mul(psi, new Expr.Identity(d))
          : new Expr.Sym(new Symbol(lg.noise().name(), Symbol.Kind.PARAM, Shape.matrix(d), false, false));
      Expr g = new Expr.Sym(new Symbol("G", Symbol.Kind.NAME, Shape.matrix(q), false, false));
      Expr e = new Expr.Sym(new Symbol("e", Symbol.Kind.DATA, Shape.vector(d), true, false));
      Expr b = new Expr.Sym(new Symbol("b", Symbol.Kind.DATA, Shape.vector(q), true, false));
      Expr m = new Expr.Sym(new Symbol("m", Symbol.Kind.DATA, Shape.vector(q), true, false));
      Expr identity = new Expr.Identity(q);
      Expr psiInv = new Expr.Inv(psiMatrix);

      section("The model");
      blocks.add(new Listing(String.join("\n", plan.statements())));
      prose("Each row n has ", named("Q"), " factors ", h, ", unobserved and standard normal; given them, its ",
          named("D"), " values ", x, " are normal about ", Expr.add(new Expr.MatMul(w, h), mu), ", with "
          + (lg.spherical() ? "one noise variance for every column (probabilistic PCA)" : "a noise variance of its own"
              + " in each column (Ψ is diagonal)") + ". The joint density of a row and its factors is");
      equation("joint", new Expr.Relation(Op.EQ, Expr.mul(new Expr.Density(P, h, List.of()),
          new Expr.Density(P, x, List.of(h))), Expr.mul(latent.density(), child.density())));

      section("The likelihood");
      prose("Integrating the factors out, each row is normal with a covariance of rank-", named("Q"),
          " structure plus the noise:");
      equation("fa-marginal", new Expr.Relation(Op.EQ, new Expr.Density(P, x, List.of()),
          new Expr.Density(NORMAL, x, List.of(mu, Expr.add(new Expr.MatMul(w, wt), psiMatrix)))));
      prose("The ", named("D"), "×", named("D"), " covariance is never formed. With ",
          new Expr.Relation(Op.EQ, e, Expr.sub(x, mu)), ", ",
          new Expr.Relation(Op.EQ, b, new Expr.MatMul(new Expr.MatMul(wt, psiInv), e)), ", ",
          new Expr.Relation(Op.EQ, m, new Expr.MatMul(g, b)), " and the ", named("Q"), "×", named("Q"), " matrix");
      equation("fa-posterior-cov", new Expr.Relation(Op.EQ, g,
          new Expr.Inv(Expr.add(identity, new Expr.MatMul(new Expr.MatMul(wt, psiInv), w)))));
      prose("the Woodbury identity, ", new Expr.Relation(Op.EQ, new Expr.Inv(Expr.add(new Expr.MatMul(w, wt), psiMatrix)),
          Expr.sub(psiInv, new Expr.MatMul(new Expr.MatMul(new Expr.MatMul(new Expr.MatMul(psiInv, w), g), wt),
              psiInv))), ", and the matrix determinant lemma, ",
          new Expr.Relation(Op.EQ, new Expr.LogDet(Expr.add(new Expr.MatMul(w, wt), psiMatrix)),
              Expr.sub(new Expr.LogDet(psiMatrix), new Expr.LogDet(g))),
          ", give each row's log-density in O(DQ) operations:");
      equation("fa-loglik", new Expr.Relation(Op.EQ, Expr.log(new Expr.Density(P, x, List.of())),
          Expr.mul(-0.5, Expr.add(Expr.sub(Expr.add(Expr.mul(Expr.size(d), Expr.log(Expr.num(2 * java.lang.Math.PI))),
              new Expr.LogDet(psiMatrix)), new Expr.LogDet(g)), Expr.add(new Expr.QuadInv(psiMatrix,
              Expr.sub(e, new Expr.MatMul(w, m))), new Expr.Dot(m, m))))));
      prose("The quadratic form is ", Expr.sub(new Expr.QuadInv(psiMatrix, e), new Expr.Dot(b, new Expr.MatMul(g, b))),
          " rearranged about the residual: that difference cancels two large numbers when a column's variance is far"
          + " above its noise, and the residual's form does not.");
      equation("loglik", new Expr.Relation(Op.EQ, ell(theta), new Expr.RowSum(Expr.log(new Expr.Density(P, x,
          List.of())), false)));

      section("E-step");
      prose("The factors enter the row's mean linearly and are normal, so their posterior is normal too"
          + " (Bishop §2.3.3). Its covariance is ", g, ", the same for every row, and its mean is (solved with the"
          + " Cholesky factor of ", new Expr.Inv(g), ", not multiplied by ", g, ")");
      equation("fa-posterior-mean", new Expr.Relation(Op.EQ, new Expr.Density(EXPECT, h, List.of(x)),
          new Expr.Relation(Op.EQ, m, new Expr.MatMul(g, b))));
      prose("The M-step needs the factors' first and second moments under it:");
      equation("fa-second-moment", new Expr.Relation(Op.EQ, new Expr.Density(EXPECT, Expr.outer(h, h), List.of(x)),
          Expr.add(g, Expr.outer(m, m))));
      prose("Q is the expected complete-data log-likelihood; only the data's term involves the parameters:");
      equation("fa-q", new Expr.Relation(Op.EQ, new Expr.Density(new Expr.Notation("Q", "Q", "<mi>Q</mi>"), theta,
          List.of()), Expr.add(new Expr.RowSum(new Expr.Density(EXPECT, Expr.log(child.density()), List.of(x)), false),
          named("const"))));

      section("M-step");
      Expr y = Expr.sub(Expr.sub(x, mu), new Expr.MatMul(w, h));
      Expr wg = new Expr.MatMul(w, g);
      Expr ones = new Expr.Sym(new Symbol("1_" + q, Symbol.Kind.NAME, Shape.vector(q), false, false));
      prose("Q is the log-likelihood of a least-squares regression of ", x, " on ", h, " and a constant, with"
          + " coefficients ", w, " and ", mu, ", and the factors' expected moments in place of their unknown values."
          + " Its gradients in ", w, " and ", mu, " vanish at the normal equations, which centring at the means of"
          + " the rows and of the factors solves; then the noise is the mean squared residual of each column. emc"
          + " regresses the current fit's residual ", y, " in place of ", x, ": the coefficients are then the changes"
          + " in ", w, " and ", mu, ", and a residual is of the noise's size where ", e, " may be orders of magnitude"
          + " larger, so that the noise's update does not cancel large numbers. With the statistics of the next"
          + " section, ", new Expr.Relation(Op.EQ, new Expr.RowSum(new Expr.Density(EXPECT, Expr.outer(y, h),
              List.of(x)), false), Expr.sub(new Expr.Sym(lg.srh()), Expr.mul(n, wg))), " and ",
          new Expr.Relation(Op.EQ, new Expr.RowSum(new Expr.Density(EXPECT, new Expr.Hadamard(y, y), List.of(x)), false),
              Expr.add(new Expr.Sym(lg.srr()), Expr.mul(n, new Expr.MatMul(new Expr.Hadamard(wg, w), ones)))), ":");
      for (EmPlan.Update u : child.updates()) {
        equation("update:" + u.param(), new Expr.Relation(Op.ASSIGN, u.written(), u.value()));
      }
      prose(named("ΔW"), " is the change in the loadings that the first update adds, and ", ones, " the vector of ",
          named("Q"), " ones: ", new Expr.MatMul(new Expr.Sym(new Symbol("M", Symbol.Kind.NAME, Shape.matrix(d, q), false, false)), ones), " adds up each row of a matrix M, and ",
          new Expr.MatMul(new Expr.Hadamard(wg, w), ones), " is the diagonal of ", new Expr.MatMul(wg, wt),
          ". emc's regularization (--reg R, with R > 0) is ", new Expr.Sym(lg.regularization()),
          ", R times each column's variance, added to the residual: it keeps every noise variance above 0 (the"
          + " Heywood case of factor analysis), and the objective is the log-likelihood plus ", child.logPenalty(), ".");

      section("Statistics");
      prose("One pass over the rows gives them all, from each row's ", m, " and its residual at them, ",
          Expr.sub(e, new Expr.MatMul(w, m)), ":");
      for (Statistic st : child.statistics()) {
        equation(st == child.statistics().get(0) ? "fa-statistics" : null, new Expr.Relation(Op.EQ,
            new Expr.Sym(st.symbol()), new Expr.RowSum(st.perRow(), false)));
      }
      if (lg.spherical()) {
        prose("The fit starts at probabilistic PCA's maximum (Tipping & Bishop 1999): the covariance matrix's ",
            named("Q"), " leading eigenvectors scaled by the square roots of their eigenvalues above the mean of the"
            + " others, which is the noise variance.");
      } else {
        prose("The fit starts from the data's principal components: on the correlation matrix, the ", named("Q"),
            " leading eigenvectors scaled by the square roots of their eigenvalues above the mean of the others,"
            + " back on each column's scale; the noise is what remains of each column's variance.");
      }
    }

    private static final Expr.Notation EXPECT = new Expr.Notation("E", "\\mathbb{E}", "<mi>𝔼</mi>");

    /** 𝒩, for the formulas of empty cells. */
    private static final Expr.Notation NORMAL = new Expr.Notation("𝒩", "\\mathcal{N}", "<mi>𝒩</mi>");

    // -------------------------------------------------------------- a latent chain (an HMM)

    /*
     * The chain's sections follow Bishop's Pattern Recognition and Machine Learning, §13.2, for one
     * sequence of N rows; several sequences add their terms. α, β, γ, ξ and c are his (scaled)
     * quantities; b_nk is the emission density of row n in state k.
     */

    private void chainModel() {
      section("The model");
      blocks.add(new Listing(String.join("\n", plan.statements())));
      FactorPlan first = plan.chainFactors().get(0);
      FactorPlan transition = plan.chainFactors().get(1);
      List<Object> intro = new ArrayList<>(List.of("The rows come in sequences (emc fit --sequence); the"
          + " formulas below are for one sequence of rows ",
          new Expr.Relation(Op.EQ, named("n"), named("1, …, N")),
          ", and several sequences add their terms. Row n's latent state ", latentAt(),
          " takes one of the values ", componentRange(), " and depends on the state of the row before it:"
          + " the states form a Markov chain, and each row's data depend only on its own state. The data"
          + " are "));
      for (int i = 0; i < plan.data().size(); i++) {
        EmPlan.DataSlot d = plan.data().get(i);
        intro.add(new Expr.Sym(d.symbol()));
        intro.add(d.symbol().shape().isScalar() ? " (a number)" : " (a vector of " + d.symbol().shape().dim() + " numbers)");
        intro.add(i + 1 < plan.data().size() ? ", " : ".");
      }
      prose(intro.toArray());
      equation("model:" + first.statement(), new Expr.Relation(Op.EQ,
          probability(new Expr.Relation(Op.EQ, sub(plan.latent().name(), "1"), component())), initial("k")));
      equation("model:" + transition.statement(), new Expr.Relation(Op.EQ,
          new Expr.Density(P, new Expr.Relation(Op.EQ, latentAt(), component()),
              List.of(new Expr.Relation(Op.EQ, sub(plan.latent().name(), "n−1"), named("j")))),
          transitionAt("jk")));
      prose("for rows ", new Expr.Relation(Op.EQ, named("n"), named("2, …, N")), ". Given its state, each"
          + " part of the row has its family's density, the emission density ", emission(), ":");
      for (FactorPlan f : plan.rowFactors()) {
        equation("model:" + f.statement(), new Expr.Relation(Op.EQ,
            new Expr.Density(P, lhsOf(f), List.of(new Expr.Relation(Op.EQ, latentAt(), component()))), f.density()));
      }
      densities();
      prose("With ", indicator(), " = 1 when row n is in state k and 0 otherwise, the complete-data"
          + " log-likelihood is");
      equation("complete", new Expr.Relation(Op.EQ, completeLhs(), chainSum(sub(plan.latent().name(), "1k"),
          Expr.mul(sub(plan.latent().name(), "n−1,j"), indicator()), indicator())));
    }

    private void chainLikelihood() {
      section("The observed-data log-likelihood");
      prose("The states are not observed, so the likelihood sums the complete-data likelihood over all"
          + " K^N paths Z of the chain:");
      equation("loglik", new Expr.Relation(Op.EQ, ell(theta), Expr.log(new Expr.Sum("Z", null, null,
          new Expr.Density(P, named("X, Z"), List.of(theta))))));
      prose("That sum has too many terms to add up one by one, and the logarithm of a sum has no"
          + " closed-form maximum. As for a mixture, Jensen's inequality gives a lower bound that touches"
          + " the log-likelihood when its weights are the posterior of the states at the current"
          + " parameters ", old, ": of one state, ", gamma(), ", and of two consecutive ones, ", xi("n", "jk"),
          ". The M-step maximizes");
      Expr penalty = penalty();
      Expr q = chainSum(gammaAt("1k"), xi("n", "jk"), gamma());
      equation("Q", new Expr.Relation(Op.EQ, new Expr.Density(new Expr.Notation("Q", "Q", "<mi>Q</mi>"),
          theta, List.of()), penalty == null ? q : Expr.add(q, penalty)));
      if (plan.factors().stream().anyMatch(f -> f.logPenalty() != null)) {
        prose("The −½ tr(Ψ …) terms are emc's regularization (the log of an improper inverse-Wishart"
            + " prior, with Ψ = R · diag(the data's column variances) for --reg R): they keep a"
            + " covariance from collapsing onto a few rows. With --reg 0 they are zero.");
      }
    }

    private void chainEStep() {
      section("E-step: the forward–backward recursions");
      prose("The emission densities, in log space, as the generated code computes them for every row"
          + " and state:");
      equation("joint", new Expr.Relation(Op.EQ, Expr.log(emission()), logJoint()));
      prose("The forward pass carries ", alpha(), ", the probability of state k at row n given the rows up"
          + " to n; ", sub("c", "n"), " is what makes each row's α sum to 1, so nothing underflows however long"
          + " the sequence:");
      equation("forward-first", new Expr.Relation(Op.EQ, sub("alpha", "1k"),
          Expr.div(Expr.mul(initial("k"), sub("b", "1k")), sub("c", "1"))));
      equation("forward", new Expr.Relation(Op.EQ, alpha(), Expr.div(Expr.mul(emission(),
          new Expr.SumK(Expr.mul(sub("alpha", "n−1,j"), transitionAt("jk")), "j")), sub("c", "n"))));
      prose("The normalizers are the conditional densities of each row given those before it, so their"
          + " logarithms add up to the log-likelihood:");
      equation("loglik-chain", new Expr.Relation(Op.EQ, ell(theta), new Expr.RowSum(Expr.log(sub("c", "n")), false)));
      prose("The backward pass, from the last row, carries the rows after n:");
      equation("backward-last", new Expr.Relation(Op.EQ, sub("beta", "Nk"), Expr.num(1)));
      equation("backward", new Expr.Relation(Op.EQ, sub("beta", "n−1,j"), Expr.div(new Expr.SumK(
          Expr.mul(Expr.mul(transitionAt("jk"), emission()), beta())), sub("c", "n"))));
      prose("Together they give the posteriors that weight Q:");
      equation("gamma", new Expr.Relation(Op.EQ, new Expr.Relation(Op.EQ, gamma(),
          new Expr.Density(P, new Expr.Relation(Op.EQ, latentAt(), component()), List.of(named("X"), theta))),
          Expr.mul(alpha(), beta())));
      prose("and ", xi("n", "jk"), ", the posterior probability that rows n − 1 and n are in states j and k:");
      equation("xi", new Expr.Relation(Op.EQ, xi("n", "jk"),
          Expr.div(Expr.mul(Expr.mul(Expr.mul(sub("alpha", "n−1,j"), transitionAt("jk")), emission()), beta()),
              sub("c", "n"))));
      prose("The emission updates below are the mixture's with ", responsibility(), " = ", gamma(),
          "; each state's expected number of rows is");
      equation("count", new Expr.Relation(Op.EQ, count(), new Expr.RowSum(gamma(), false)));
      prose("emc's runtime (ForwardBackward) runs both passes one sequence per thread; the generated code"
          + " supplies the emission densities and the updates.");
    }

    /** Σ_k w1_k log π_k + Σ_{n=2}^N Σ_j Σ_k w_n,jk log A_jk + Σ_n Σ_k w_nk log b_nk. */
    private Expr chainSum(Expr firstWeight, Expr pairWeight, Expr rowWeight) {
      Expr first = new Expr.SumK(Expr.mul(firstWeight, Expr.log(initial("k"))));
      Expr transitions = new Expr.Sum("n", "2", "N", new Expr.SumK(new Expr.SumK(
          Expr.mul(pairWeight, Expr.log(transitionAt("jk")))), "j"));
      Expr emissions = new Expr.RowSum(new Expr.SumK(Expr.mul(rowWeight, logJoint())), false);
      return Expr.add(Expr.add(first, transitions), emissions);
    }

    /** The chain's M-step: the Lagrange-multiplier solution, as for a mixture's weights. */
    private void chainUpdate(FactorPlan f, EmPlan.Update u) {
      boolean first = f == plan.chainFactors().get(0);
      Expr lambda = named("lambda");
      if (first) {
        prose("The update of ", initial("k"), ", from ", new Code(f.statement()), ". Its terms of Q, with the"
            + " constraint that the probabilities sum to 1 (a Lagrange multiplier ", lambda, "):");
        equation("terms:" + u.param(), Expr.add(new Expr.SumK(Expr.mul(gammaAt("1k"), Expr.log(initial("k")))),
            Expr.mul(lambda, Expr.sub(Expr.num(1), new Expr.SumK(initial("k"))))));
        prose("At the maximum the derivative in each ", initial("k"), " vanishes:");
        equation("stationary:" + u.param(), new Expr.Relation(Op.EQ,
            Expr.sub(Expr.div(gammaAt("1k"), initial("k")), lambda), Expr.num(0)));
        prose("so each is proportional to its γ, and summing to 1 fixes ", lambda, ". Over the sequences the"
            + " first rows' γ add up to the statistic F (Σ_s: over the sequences):");
        equation("update:" + u.param(), new Expr.Relation(Op.EQ, initial("k"),
            Expr.div(sub("F", "k"), new Expr.SumK(sub("F", "j"), "j"))));
      } else {
        prose("The update of ", transitionAt("jk"), ", from ", new Code(f.statement()), ". Each row j of the"
            + " transition matrix is a probability vector of its own, with its own multiplier ", sub("lambda", "j"),
            ":");
        equation("terms:" + u.param(), Expr.add(new Expr.Sum("n", "2", "N", new Expr.SumK(
            Expr.mul(xi("n", "jk"), Expr.log(transitionAt("jk"))))),
            Expr.mul(sub("lambda", "j"), Expr.sub(Expr.num(1), new Expr.SumK(transitionAt("jk"))))));
        prose("At the maximum the derivative in each ", transitionAt("jk"), " vanishes:");
        equation("stationary:" + u.param(), new Expr.Relation(Op.EQ, Expr.sub(Expr.div(
            new Expr.Sum("n", "2", "N", xi("n", "jk")), transitionAt("jk")), sub("lambda", "j")), Expr.num(0)));
        prose("so the new transition probabilities are the expected transitions out of j, normalized; T"
            + " adds them up over the rows of every sequence:");
        equation("update:" + u.param(), new Expr.Relation(Op.EQ, transitionAt("jk"),
            Expr.div(sub("T", "jk"), new Expr.SumK(sub("T", "jl"), "l"))));
      }
    }

    /** Whether a chain's statistic is its first states' (F), not its transitions' (T). */
    private boolean firstStates(Statistic s) {
      return plan.chainFactors().get(0).statistics().contains(s);
    }

    private void chainStatistic(Statistic s) {
      boolean first = firstStates(s);
      equation("statistic:" + s.symbol().name(), first
          ? new Expr.Relation(Op.EQ, sub("F", "k"), new Expr.Sum("s", null, null, gammaAt("1k")))
          : new Expr.Relation(Op.EQ, sub("T", "jk"), new Expr.Sum("s", null, null,
              new Expr.Sum("n", "2", "N", xi("n", "jk")))));
    }

    /** π_k, the first row's probabilities as the model names them. */
    private Expr initial(String index) {
      return sub(plan.chainFactors().get(0).updates().get(0).param(), index);
    }

    private Expr transitionAt(String index) {
      return sub(plan.chainFactors().get(1).updates().get(0).param(), index);
    }

    /** b_nk = p(x_n | z_n = k). */
    private static Expr emission() {
      return perRowComponent("b");
    }

    private static Expr alpha() {
      return perRowComponent("alpha");
    }

    private static Expr beta() {
      return perRowComponent("beta");
    }

    private static Expr gamma() {
      return perRowComponent("gamma");
    }

    private static Expr gammaAt(String index) {
      return sub("gamma", index);
    }

    private static Expr xi(String row, String pair) {
      return sub("xi", row + "," + pair);
    }

    /** A name with a subscript of the derivation's own: α_{n−1,j}. */
    private static Expr sub(String name, String subscript) {
      return named(name + "_" + subscript);
    }

    // -------------------------------------------------------------- formulas

    private static final Expr.Notation P = new Expr.Notation("p", "p", "<mi>p</mi>");

    /** Π_f f(lhs_f | args_f) at component k: φ_k 𝒩(x_n | μ_k, Σ_k). */
    private Expr joint() {
      Expr product = null;
      for (FactorPlan f : plan.rowFactors()) {
        product = product == null ? f.density() : Expr.mul(product, f.density());
      }
      return product;
    }

    /** Σ_f log f(lhs_f | args_f) at component k. */
    private Expr logJoint() {
      Expr sum = null;
      for (FactorPlan f : plan.rowFactors()) {
        Expr term = Expr.log(f.density());
        sum = sum == null ? term : Expr.add(sum, term);
      }
      return sum;
    }

    /** What the objective adds to the log-likelihood: regularization terms and log priors. */
    private Expr penalty() {
      Expr sum = null;
      for (FactorPlan f : plan.factors()) {
        if (f.logPenalty() != null) {
          sum = sum == null ? f.logPenalty() : Expr.add(sum, f.logPenalty());
        }
      }
      for (EmPlan.PriorPlan p : plan.priors()) {
        sum = sum == null ? p.logDensity() : Expr.add(sum, p.logDensity());
      }
      return sum;
    }

    private Expr lhsOf(FactorPlan f) {
      return plan.data().stream().filter(d -> d.name().equals(f.lhs())).findFirst()
          .map(d -> (Expr) new Expr.Sym(d.symbol())).orElseThrow();
    }

    /** p(z_n = k | x_n, θ). */
    private Expr posterior() {
      List<Expr> given = new ArrayList<>();
      for (EmPlan.DataSlot d : plan.data()) {
        given.add(new Expr.Sym(d.symbol()));
      }
      given.add(theta);
      return new Expr.Density(P, new Expr.Relation(Op.EQ, latentAt(), component()), given);
    }

    private Expr probability(Expr event) {
      return new Expr.Density(P, event, List.of());
    }

    private Expr latentAt() {
      return new Expr.Sym(new Symbol(plan.latent().name(), Symbol.Kind.DATA, Shape.SCALAR, true, false));
    }

    private Expr componentRange() {
      return new Expr.Sym(Symbol.name("1, …, K"));
    }

    private static Expr component() {
      return new Expr.Sym(new Symbol("k", Symbol.Kind.COMPONENT, Shape.SCALAR, false, true));
    }

    private Expr indicator() {
      return new Expr.Sym(new Symbol(plan.latent().name(), Symbol.Kind.INDICATOR, Shape.SCALAR, true, true));
    }

    private static Expr responsibility() {
      return perRowComponent("r");
    }

    private static Expr perRowComponent(String name) {
      return new Expr.Sym(new Symbol(name, Symbol.Kind.RESPONSIBILITY, Shape.SCALAR, true, true));
    }

    private static Expr count() {
      return new Expr.Sym(new Symbol("N", Symbol.Kind.COUNT, Shape.SCALAR, false, true));
    }

    private static Expr ell(Expr argument) {
      return new Expr.Density(new Expr.Notation("ℓ", "\\ell", "<mi>ℓ</mi>"), argument, List.of());
    }

    private static Expr named(String name) {
      return new Expr.Sym(Symbol.name(name));
    }
  }
}
