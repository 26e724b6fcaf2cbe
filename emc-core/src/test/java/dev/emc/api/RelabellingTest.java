package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Fitter;
import dev.emc.runtime.fit.Prediction;
import dev.emc.runtime.fit.Relabelling;
import dev.emc.runtime.fit.Relabelling.Order;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Renaming components ({@code --order-by}) for each kind of model with components: a mixture, a
 * hidden Markov model (π0's entries, A's rows and columns), a mixture of factor analysers, a t
 * mixture, a mixture of regressions, a mixture of experts (G's rows) and a latent class model with a
 * shared categorical answer of K levels (which is not a distribution over the components and
 * must not move). What a renaming must do is known without looking at how it is done: the model
 * is unchanged, so the log-likelihood is the same, and each row's posterior of new component j is
 * its posterior of old component from[j].
 */
class RelabellingTest {
  private record Case(Bound bound, Compiled compiled, FitResult fit) {
    DataMatrix data() {
      return bound.data().orElseThrow();
    }
  }

  private static Case fit(String model, String data, BindOptions bind, Map<String, Double> settings)
      throws Exception {
    String text = model.endsWith(".model") ? Files.readString(Path.of(model)) : model;
    Bound bound = Fits.model(text, settings).bind(Table.read(Path.of(data)), bind);
    Compiled compiled = bound.compile();
    // A few iterations: any usable parameters with distinct components will do.
    FitResult fit = compiled.fit(FitOptions.defaults().withTol(0).withMaxIter(25).withThreads(1));
    return new Case(bound, compiled, fit);
  }

  private static double logLikelihood(Compiled c, Map<String, double[]> params, DataMatrix data) throws Exception {
    try (Fitter f = new Fitter(1)) {
      return f.statistics(c.model(params), data)[EmModel.LOGLIK];
    }
  }

  /** A permutation that moves every component: j ← j + 1 mod K. */
  private static int[] rotation(int k) {
    int[] from = new int[k];
    for (int j = 0; j < k; j++) {
      from[j] = (j + 1) % k;
    }
    return from;
  }

  private static void assertRenamingKeepsTheModel(Case c) throws Exception {
    EmModel m = c.fit().model();
    int k = m.components();
    int[] from = rotation(k);
    Relabelling relabelling = c.bound().relabelling();
    Map<String, double[]> renamed = relabelling.permute(m.params(), c.fit().params(), k, from);
    double before = logLikelihood(c.compiled(), c.fit().params(), c.data());
    double after = logLikelihood(c.compiled(), renamed, c.data());
    assertEquals(before, after, 1e-12 * Math.abs(before), m.name() + ": the log-likelihood");
    Prediction p = c.compiled().predict(c.fit().params(), c.data());
    Prediction q = c.compiled().predict(renamed, c.data());
    for (int n = 0; n < p.rows(); n++) {
      for (int j = 0; j < k; j++) {
        assertEquals(p.responsibilities()[n * k + from[j]], q.responsibilities()[n * k + j], 1e-12,
            m.name() + ": row " + n + "'s posterior of component " + j);
      }
    }
  }

  /** The order asked for: weights descending, or the parameter's number ascending; the model unchanged. */
  private static void assertOrdered(Case c, Order order) throws Exception {
    Relabelling.Ordered o = c.bound().relabelling().order(c.fit(), c.data(), order, 1);
    for (int j = 1; j < o.keys().length; j++) {
      assertTrue(order.byWeight() ? o.keys()[j - 1] >= o.keys()[j] : o.keys()[j - 1] <= o.keys()[j],
          order + ": " + java.util.Arrays.toString(o.keys()));
    }
    double ll = logLikelihood(c.compiled(), o.fit().params(), c.data());
    assertEquals(c.fit().logLikelihood(), ll, 1e-9 * Math.abs(ll));
    if (!order.byWeight()) {
      // The key is the parameter's number itself, read from the renamed parameters.
      String name = order.param();
      int k = c.fit().model().components();
      double[] v = o.fit().params().get(name);
      int each = v.length / k;
      int at = order.index().length == 0 ? 0 : order.index()[0] - 1;
      for (int j = 0; j < k; j++) {
        assertEquals(o.keys()[j], v[j * each + at], 0.0, name + " of component " + j);
      }
    }
  }

  @Test
  void aGaussianMixturesWeightsMoveWithItsComponents() throws Exception {
    Case c = fit("examples/gmm.model", "examples/data/faithful.csv", BindOptions.defaults(), Map.of("K", 3.0));
    assertEquals(Set.of("phi"), c.bound().relabelling().overComponents());
    assertRenamingKeepsTheModel(c);
    assertOrdered(c, Order.WEIGHT);
    assertOrdered(c, Order.parse("mu[2]"));
    // Permuting the components' own values without their weights is another model: the check can fail.
    Relabelling copiesOnly = new Relabelling(Set.of(), null);
    Map<String, double[]> wrong = copiesOnly.permute(c.fit().model().params(), c.fit().params(), 3, rotation(3));
    double before = logLikelihood(c.compiled(), c.fit().params(), c.data());
    assertTrue(Math.abs(before - logLikelihood(c.compiled(), wrong, c.data())) > 1e-6);
  }

  @Test
  void aHiddenMarkovModelsStatesPermuteTheFirstStateAndBothSidesOfTheTransitions() throws Exception {
    Case c = fit("examples/hmm.model", "examples/data/hmm.csv", BindOptions.defaults().withSequence("seq"),
        Map.of("K", 3.0));
    assertEquals(Set.of("pi0", "A"), c.bound().relabelling().overComponents());
    assertRenamingKeepsTheModel(c);
    assertOrdered(c, Order.WEIGHT);
    assertOrdered(c, Order.parse("mu"));
    // A's rows alone (its columns left) is another chain.
    Relabelling rowsOnly = new Relabelling(Set.of("pi0"), null);
    Map<String, double[]> wrong = rowsOnly.permute(c.fit().model().params(), c.fit().params(), 3, rotation(3));
    double before = logLikelihood(c.compiled(), c.fit().params(), c.data());
    assertTrue(Math.abs(before - logLikelihood(c.compiled(), wrong, c.data())) > 1e-6);
  }

  @Test
  void aMixtureOfFactorAnalysersPermutesLoadingsMeansAndNoises() throws Exception {
    Case c = fit("examples/mfa.model", "examples/data/mfa.csv", BindOptions.defaults(), Map.of());
    assertRenamingKeepsTheModel(c);
    assertOrdered(c, Order.parse("mu[1]"));
  }

  @Test
  void aTMixturePermutesItsDegreesOfFreedom() throws Exception {
    Case c = fit("examples/t-mixture.model", "examples/data/t-mixture.csv", BindOptions.defaults(), Map.of());
    assertRenamingKeepsTheModel(c);
    assertOrdered(c, Order.parse("nu"));
    assertOrdered(c, Order.WEIGHT);
  }

  @Test
  void aMixtureOfRegressionsPermutesItsLines() throws Exception {
    Case c = fit("examples/regression.model", "examples/data/regression.csv", BindOptions.defaults(),
        Map.of("K", 3.0));
    assertRenamingKeepsTheModel(c);
    assertOrdered(c, Order.parse("beta[2]"));
  }

  @Test
  void aMixtureOfExpertsPermutesTheRowsOfItsGatingMatrix() throws Exception {
    Case c = fit("examples/experts.model", "examples/data/experts.csv", BindOptions.defaults(), Map.of());
    assertEquals(Set.of(), c.bound().relabelling().overComponents());
    assertNull(c.bound().relabelling().refusal());
    assertRenamingKeepsTheModel(c);
    assertOrdered(c, Order.parse("s2"));
  }

  @Test
  void aSharedAnswerOfKLevelsIsNotTheComponentsDistribution() throws Exception {
    // c has 2 levels and K = 2: its shared probabilities tc are a simplex of K numbers, as phi is,
    // but renaming the components must not touch them.
    String text = "model shared;\nK = 2;\ndata a : 1..3;\ndata b : 1..4;\ndata c : 1..2;\n"
        + "z ~ Categorical(phi);\na ~ Categorical(ta[z]);\nb ~ Categorical(tb[z]);\nc ~ Categorical(tc);\n";
    Case c = fit(text, "examples/data/survey.csv", BindOptions.defaults(), Map.of());
    assertEquals(Set.of("phi"), c.bound().relabelling().overComponents());
    assertRenamingKeepsTheModel(c);
    Map<String, double[]> renamed = c.bound().relabelling().permute(c.fit().model().params(), c.fit().params(), 2,
        new int[] {1, 0});
    assertEquals(c.fit().params().get("tc")[0], renamed.get("tc")[0], 0.0);
  }

  @Test
  void modelsWithoutComponentsOrParametersThatAreNotEachComponentsAreRefused() throws Exception {
    Case factor = fit("examples/factor.model", "examples/data/wine.csv", BindOptions.defaults(), Map.of());
    String none = factor.bound().relabelling().problem(factor.fit().model(), Order.WEIGHT);
    assertNotNull(none);
    assertTrue(none.contains("no components to order"), none);
    assertNull(factor.bound().relabelling().problem(factor.fit().model(), Order.NONE));
    Case hmm = fit("examples/hmm.model", "examples/data/hmm.csv", BindOptions.defaults().withSequence("seq"),
        Map.of());
    Relabelling r = hmm.bound().relabelling();
    assertTrue(r.problem(hmm.fit().model(), Order.parse("A")).contains("its entries are components too"));
    assertTrue(r.problem(hmm.fit().model(), Order.parse("mu[1]")).contains("without an index"));
    assertTrue(r.problem(hmm.fit().model(), Order.parse("nu")).contains("has no parameter nu"));
    Case gmm = fit("examples/gmm.model", "examples/data/faithful.csv", BindOptions.defaults(), Map.of());
    assertTrue(gmm.bound().relabelling().problem(gmm.fit().model(), Order.parse("mu[3]"))
        .contains("runs from 1 to 2"));
    assertNull(gmm.bound().relabelling().problem(gmm.fit().model(), Order.parse("Sigma[2,2]")));
    assertFalse(Order.parse("Sigma[2][1]").byWeight());
  }

  @Test
  void orderByParsesWhatTheCommandLineTakes() {
    assertEquals(Order.WEIGHT, Order.parse("weight"));
    assertEquals(Order.NONE, Order.parse("none"));
    assertEquals(new Order("mu", new int[] {2}), Order.parse("mu[2]"));
    assertEquals(new Order("Sigma", new int[] {1, 2}), Order.parse("Sigma[1,2]"));
    assertEquals(new Order("Sigma", new int[] {1, 2}), Order.parse("Sigma[1][2]"));
    assertEquals("Sigma[1,2]", Order.parse("Sigma[1][2]").toString());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Order.parse("mu[x]"));
  }
}
