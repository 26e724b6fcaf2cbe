package dev.emc.derive;

import dev.emc.analysis.EmPlan;
import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.analysis.latent.Conditional;
import dev.emc.analysis.latent.Enumerated;
import dev.emc.analysis.latent.GammaScale;
import dev.emc.derive.Derivation.Code;
import dev.emc.math.Expr.Relation.Op;
import dev.emc.math.Expr;
import dev.emc.math.Shape;
import dev.emc.math.Symbol;
import java.util.ArrayList;
import java.util.List;

/**
 * The derivation of EM for a finite latent that is independent across rows, a mixture ({@link
 * dev.emc.analysis.latent.Enumerated}): the model, the likelihood with its sum inside the
 * logarithm, Jensen's bound and Q, the E-step by Bayes' rule, then the shared M-step and
 * statistics, and rows with empty cells.
 */
final class EnumeratedSection extends FiniteSections {
  private static final Expr.Notation GAMMA = new Expr.Notation("Gamma", "\\operatorname{Gamma}",
      "<mi>Gamma</mi>");
  private final List<Conditional> given;

  EnumeratedSection(EmPlan plan, Enumerated e) {
    super(plan);
    this.given = e.given();
  }

  @Override
  void sections() {
    model();
    likelihood();
    bound();
    eStep();
    for (Conditional c : given) {
      c.accept(new Conditional.Visitor<Void>() {
        @Override
        public Void visitGammaScale(GammaScale g) {
          scale(g);
          return null;
        }
      });
    }
    mStep();
    statistics();
    plan.factors().stream().filter(f -> f.gaussian() != null).findFirst().ifPresent(this::emptyCells);
    monotonicity();
    information();
    symbols();
  }

  private void model() {
    section("The model");
    listing();
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
    intro.add("The components are the K values of " + plan.latent().name()
        + ". Given its component, each part of the row has its family's density:");
    prose(intro.toArray());
    for (FactorPlan f : plan.factors()) {
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
    qEquation(qFunction);
    for (Conditional c : given) {
      prose("Each row's ", c.name(), " is not observed either: in Q its terms stand for their expectations"
          + " under its posterior given the row and the component, which the section on ", c.name(), " below"
          + " derives.");
    }
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
    regularizationNote();
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
    equation("joint", new Expr.Relation(Op.EQ, l, given.isEmpty() ? logJoint() : sumOfLogs(rowDensities())));
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

  /**
   * A latent scale given the component (a t mixture): its conjugate Gamma posterior, the marginal the
   * E-step weighs the components by, and the posterior moments the statistics read.
   */
  private void scale(GammaScale g) {
    section("The scale " + g.name() + " given the component");
    Expr w = new Expr.Sym(g.latent());
    Expr x = new Expr.Sym(plan.data().stream().filter(d -> d.name().equals(g.data())).findFirst().orElseThrow()
        .symbol());
    Expr given = new Expr.Relation(Op.EQ, latentAt(), component());
    Expr a = g.posteriorShape();
    Expr b = g.posteriorRate();
    prose("Each row has its own ", w, ", unobserved, with the prior ", new Code(g.prior()), ", and ",
        new Code(g.child()), " depends on it as ", new Expr.Apply(dev.emc.math.Function.EXP,
            Expr.sub(Expr.mul(g.shapeGain(), Expr.log(w)), Expr.mul(w, g.rateGain()))),
        " times what does not involve it. That is a Gamma kernel, so given the row and its component the"
        + " posterior of ", w, " is Gamma too (conjugacy):");
    equation("scale-posterior", new Expr.Relation(Op.EQ, new Expr.Density(P, w, List.of(x, given)),
        new Expr.Density(GAMMA, w, List.of(a, b))));
    prose("The E-step integrates ", w, " out: by Bayes' rule at any value of ", w, ", p(x | z) = p(x | w, z)"
        + " p(w | z) / p(w | x, z); at ", new Expr.Relation(Op.EQ, w, Expr.num(1)), " the log-densities of the"
        + " two statements less the posterior's give the row's density given its component (for a normal, the"
        + " multivariate t), which replaces them in the E-step's log-joint:");
    equation("scale-marginal", new Expr.Relation(Op.EQ, Expr.log(new Expr.Density(P, x, List.of(given))),
        g.marginal()));
    prose("Q takes the expectation of the complete-data log-likelihood under this posterior, too: ", w,
        " and its log enter the statistics by their posterior means. For each row and component the E-step"
        + " computes " + String.join(", ", g.moments().stream().map(m -> m.meaning() + " as "
            + dev.emc.math.Text.of(new Expr.Sym(m.symbol()))).toList()) + ":");
    for (Conditional.Moment m : g.moments()) {
      equation("moment:" + m.symbol().name(), new Expr.Relation(Op.EQ, new Expr.Sym(m.symbol()), m.formula()));
    }
    prose("(Peel and McLachlan 2000). Every update then maximizes its terms of Q given these, so the"
        + " objective never falls.");
  }

  /** The information of a t mixture is its marginal's: w is integrated out before differentiating. */
  @Override
  void integratedOut() {
    for (Conditional c : given) {
      c.accept(new Conditional.Visitor<Void>() {
        @Override
        public Void visitGammaScale(GammaScale g) {
          Expr w = new Expr.Sym(g.latent());
          prose("Here ", w, " is integrated out given the component: log p(x_n, z = k) is log φ_k plus the"
              + " marginal log p(x_n | z_n = k) of equation (" + number("scale-marginal") + ") (for a normal, the"
              + " multivariate t), and ℓ(θ) = Σ_n"
              + " log Σ_k φ_k p(x_n | z_n = k) does not involve ", w, ". So Louis' identity over z alone is"
              + " exact with s_nk and H_nk the derivatives of that marginal, in the parameters of ",
              new Expr.Density(GAMMA, w, List.of(g.shape(), g.rate())), " too: its log Γ terms give ψ in the"
              + " score and ψ′ in the Hessian.");
          return null;
        }
      });
    }
  }

  /**
   * Π_f f(lhs_f | args_f) at component k: φ_k 𝒩(x_n | μ_k, Σ_k); with a latent given the component
   * integrated out, the marginal of its statements, φ_k p(x_n | z_n = k).
   */
  private Expr joint() {
    Expr product = null;
    for (Expr d : rowDensities()) {
      product = product == null ? d : Expr.mul(product, d);
    }
    return product;
  }

  /** Each statement's density at component k, a conditional's statements' as their marginal. */
  private List<Expr> rowDensities() {
    List<Expr> densities = new ArrayList<>();
    List<Conditional> placed = new ArrayList<>();
    for (FactorPlan f : plan.factors()) {
      Conditional c = given.stream().filter(g -> g.integrates().contains(f.lhs())).findFirst().orElse(null);
      if (c == null) {
        densities.add(f.density());
      } else if (!placed.contains(c)) {
        placed.add(c);
        Expr x = new Expr.Sym(plan.data().stream().filter(d -> d.name().equals(c.data())).findFirst().orElseThrow()
            .symbol());
        densities.add(new Expr.Density(P, x, List.of(new Expr.Relation(Op.EQ, latentAt(), component()))));
      }
    }
    return densities;
  }

  private static Expr sumOfLogs(List<Expr> densities) {
    Expr sum = null;
    for (Expr d : densities) {
      sum = sum == null ? Expr.log(d) : Expr.add(sum, Expr.log(d));
    }
    return sum;
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
}
