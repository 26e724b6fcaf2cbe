package dev.emc.derive;

import dev.emc.analysis.EmPlan;
import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.analysis.EmPlan.ParamSlot;
import dev.emc.analysis.EmPlan.Statistic;
import dev.emc.analysis.latent.MarkovChain;
import dev.emc.derive.Derivation.Code;
import dev.emc.derive.Derivation.Part;
import dev.emc.math.Expr.Relation.Op;
import dev.emc.math.Expr;
import java.util.ArrayList;
import java.util.List;

/**
 * The derivation of EM for a finite latent that is a Markov chain over each sequence's rows, a
 * hidden Markov model ({@link MarkovChain}): the model, the likelihood
 * over all paths, the forward–backward recursions, then the shared M-step and statistics with the
 * chain's own π, A, F and T.
 *
 * <p>The sections follow Bishop's Pattern Recognition and Machine Learning, §13.2, for one
 * sequence of N rows; several sequences add their terms. α, β, γ, ξ and c are his (scaled)
 * quantities; b_nk is the emission density of row n in state k.
 */
final class ChainSection extends FiniteSections {
  /** The chain, which holds its first-row and transition statements. */
  private final MarkovChain chain;

  /** The scaling constants' symbol, c_n unless the model has a c. */
  private final String scale;
  /** The Lagrange multipliers' symbol, λ unless the model has a lambda (a Poisson rate). */
  private final String multiplier;
  /**
   * The forward-backward quantities' symbols, α, β, γ, ξ and the emission density b, each giving
   * way to a model's name of the same spelling (a Beta prior's alpha, a data variable b).
   */
  private final String alpha;
  private final String beta;
  private final String gamma;
  private final String xi;
  private final String emission;

  ChainSection(EmPlan plan, MarkovChain chain) {
    super(plan);
    this.chain = chain;
    this.scale = own("c", "s", "kappa");
    this.multiplier = own("lambda", "kappa", "eta");
    this.alpha = own("alpha", "f", "u");
    this.beta = own("beta", "g", "v");
    this.gamma = own("gamma", "r", "w");
    this.xi = own("xi", "q", "zeta");
    this.emission = own("b", "e", "p");
  }

  @Override
  void sections() {
    model();
    likelihood();
    eStep();
    mStep();
    statistics();
    monotonicity();
    information();
    symbols();
  }

  private void model() {
    section("The model");
    listing();
    FactorPlan first = chain.initial();
    FactorPlan transition = chain.transition();
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
    for (FactorPlan f : plan.factors()) {
      equation("model:" + f.statement(), new Expr.Relation(Op.EQ,
          new Expr.Density(P, lhsOf(f), List.of(new Expr.Relation(Op.EQ, latentAt(), component()))), f.density()));
    }
    densities();
    prose("With ", indicator(), " = 1 when row n is in state k and 0 otherwise, the complete-data"
        + " log-likelihood is");
    equation("complete", new Expr.Relation(Op.EQ, completeLhs(), chainSum(sub(plan.latent().name(), "1k"),
        Expr.mul(sub(plan.latent().name(), "n−1,j"), indicator()), indicator())));
  }

  private void likelihood() {
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
    qEquation(chainSum(gammaAt("1k"), xi("n", "jk"), gamma()));
    regularizationNote();
  }

  private void eStep() {
    section("E-step: the forward–backward recursions");
    prose("The emission densities, in log space, as the generated code computes them for every row"
        + " and state:");
    equation("joint", new Expr.Relation(Op.EQ, Expr.log(emission()), logJoint()));
    prose("The forward pass carries ", alpha(), ", the probability of state k at row n given the rows up"
        + " to n; ", sub(scale, "n"), " is what makes each row's α sum to 1, so nothing underflows however long"
        + " the sequence:");
    equation("forward-first", new Expr.Relation(Op.EQ, sub(alpha, "1k"),
        Expr.div(Expr.mul(initial("k"), sub(emission, "1k")), sub(scale, "1"))));
    equation("forward", new Expr.Relation(Op.EQ, alpha(), Expr.div(Expr.mul(emission(),
        new Expr.SumK(Expr.mul(sub(alpha, "n−1,j"), transitionAt("jk")), "j")), sub(scale, "n"))));
    prose("The normalizers are the conditional densities of each row given those before it, so their"
        + " logarithms add up to the log-likelihood:");
    equation("loglik-chain", new Expr.Relation(Op.EQ, ell(theta), new Expr.RowSum(Expr.log(sub(scale, "n")), false)));
    prose("The backward pass, from the last row, carries the rows after n:");
    equation("backward-last", new Expr.Relation(Op.EQ, sub(beta, "Nk"), Expr.num(1)));
    equation("backward", new Expr.Relation(Op.EQ, sub(beta, "n−1,j"), Expr.div(new Expr.SumK(
        Expr.mul(Expr.mul(transitionAt("jk"), emission()), beta())), sub(scale, "n"))));
    prose("Together they give the posteriors that weight Q:");
    equation("gamma", new Expr.Relation(Op.EQ, new Expr.Relation(Op.EQ, gamma(),
        new Expr.Density(P, new Expr.Relation(Op.EQ, latentAt(), component()), List.of(named("X"), theta))),
        Expr.mul(alpha(), beta())));
    prose("and ", xi("n", "jk"), ", the posterior probability that rows n − 1 and n are in states j and k:");
    equation("xi", new Expr.Relation(Op.EQ, xi("n", "jk"),
        Expr.div(Expr.mul(Expr.mul(Expr.mul(sub(alpha, "n−1,j"), transitionAt("jk")), emission()), beta()),
            sub(scale, "n"))));
    prose("The emission updates below are the mixture's with ", responsibility(), " = ", gamma(),
        "; each state's expected number of rows is");
    equation("count", new Expr.Relation(Op.EQ, count(), new Expr.RowSum(gamma(), false)));
    prose("emc's runtime (ForwardBackward) runs both passes one sequence per thread; the generated code"
        + " supplies the emission densities and the updates.");
  }

  // -------------------------------------------------------------- the shared sections' hooks

  @Override
  void beforeUpdates() {
    prose("The emission parameters' updates are a mixture's, with ", responsibility(), " = ", gamma(), ".");
  }

  @Override
  void ownUpdates() {
    for (FactorPlan f : chain.ownFactors()) {
      for (EmPlan.Update u : f.updates()) {
        chainUpdate(f, u);
      }
    }
  }

  @Override
  void ownStatistics() {
    prose("The forward–backward pass adds up the chain's two, over the sequences s:");
    chainStatistics().forEach(this::chainStatistic);
  }

  @Override
  String responsibilityMeaning() {
    return super.responsibilityMeaning() + " (γ_nk)";
  }

  @Override
  List<List<Part>> paramRow(ParamSlot p) {
    if (!p.name().equals(transition())) {
      return super.paramRow(p);
    }
    // A transition matrix: row j, one per state, holds the probabilities out of j.
    return row(transitionAt("jk"), p.name() + "[prev(" + plan.latent().name() + ")]",
        names.field(p.name()) + "[j * K + k]", "parameter, " + p.type() + " per state");
  }

  @Override
  List<List<List<Part>>> ownStatisticRows() {
    List<List<List<Part>>> rows = new ArrayList<>();
    for (Statistic st : chainStatistics()) {
      String offset = names.statOffset(st.symbol().name());
      rows.add(firstStates(st)
          ? row(sub("F", "k"), "", "stats[" + offset + " + k]", "the expected number of sequences that start in state k")
          : row(sub("T", "jk"), "", "stats[" + offset + " + j * K + k]", "the expected number of transitions from j to k"));
    }
    return rows;
  }

  /** The statistics the forward–backward pass adds up: F, then T. */
  private List<Statistic> chainStatistics() {
    return chain.ownFactors().stream().flatMap(f -> f.statistics().stream()).toList();
  }

  // -------------------------------------------------------------- the chain's own formulas

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
    boolean first = f == chain.initial();
    Expr lambda = named(multiplier);
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
          + " transition matrix is a probability vector of its own, with its own multiplier ", sub(multiplier, "j"),
          ":");
      equation("terms:" + u.param(), Expr.add(new Expr.Sum("n", "2", "N", new Expr.SumK(
          Expr.mul(xi("n", "jk"), Expr.log(transitionAt("jk"))))),
          Expr.mul(sub(multiplier, "j"), Expr.sub(Expr.num(1), new Expr.SumK(transitionAt("jk"))))));
      prose("At the maximum the derivative in each ", transitionAt("jk"), " vanishes:");
      equation("stationary:" + u.param(), new Expr.Relation(Op.EQ, Expr.sub(Expr.div(
          new Expr.Sum("n", "2", "N", xi("n", "jk")), transitionAt("jk")), sub(multiplier, "j")), Expr.num(0)));
      prose("so the new transition probabilities are the expected transitions out of j, normalized; T"
          + " adds them up over the rows of every sequence:");
      equation("update:" + u.param(), new Expr.Relation(Op.EQ, transitionAt("jk"),
          Expr.div(sub("T", "jk"), new Expr.SumK(sub("T", "jl"), "l"))));
    }
  }

  /** Whether a chain's statistic is its first states' (F), not its transitions' (T). */
  private boolean firstStates(Statistic s) {
    return chain.initial().statistics().contains(s);
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
    return sub(chain.initial().updates().get(0).param(), index);
  }

  /** A, the transition matrix as the model names it. */
  private String transition() {
    return chain.transition().updates().get(0).param();
  }

  private Expr transitionAt(String index) {
    return sub(transition(), index);
  }

  /** b_nk = p(x_n | z_n = k). */
  private Expr emission() {
    return perRowComponent(emission);
  }

  private Expr alpha() {
    return perRowComponent(alpha);
  }

  private Expr beta() {
    return perRowComponent(beta);
  }

  private Expr gamma() {
    return perRowComponent(gamma);
  }

  private Expr gammaAt(String index) {
    return sub(gamma, index);
  }

  private Expr xi(String row, String pair) {
    return sub(xi, row + "," + pair);
  }

  /** A name with a subscript of the derivation's own: α_{n−1,j}. */
  private static Expr sub(String name, String subscript) {
    return named(name + "_" + subscript);
  }
}
