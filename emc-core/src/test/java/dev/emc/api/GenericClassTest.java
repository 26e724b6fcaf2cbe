package dev.emc.api;

import static dev.emc.api.Fits.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Fitter;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code emc compile} without sizes writes a class generic in the sizes the data decide; built
 * with a data set's sizes, it fits as the class specialized to them does. The reference is that
 * specialized class ({@code emc compile --data}), fitted to the same rows from the same start (the
 * same seed's k-means): the log-likelihood, every parameter, the free parameters and the layout
 * agree to 1e-12 relative. The two differ only in the order of their sums (the specialized pass is
 * written out for small sizes), so nothing looser would be needed.
 */
class GenericClassTest {
  private static final FitOptions OPTIONS = FitOptions.defaults().withThreads(1).withMaxIter(200).withTol(1e-13);

  @ParameterizedTest
  @CsvSource({
      "gmm, faithful.csv",
      "gmm-diagonal, faithful.csv",
      "gmm-spherical, faithful.csv",
      "gmm-tied, faithful.csv",
      "gmm-niw, faithful.csv",
      "bernoulli, bernoulli.csv",
      "regression, regression.csv",
      "poisson-regression, poisson-regression.csv",
      "logistic-mixture, logistic-mixture.csv",
      "experts, experts.csv",
      "t-mixture, t-mixture.csv",
      "durations, durations.csv",
      "visits, visits.csv",
      "factor, wine.csv",
      "ppca, wine.csv",
      "mfa, mfa.csv",
  })
  void theGenericClassBuiltWithTheDatasSizesFitsAsTheSpecializedOne(String example, String csv) throws Exception {
    assertFitsAsSpecialized(example, Files.readString(Path.of("examples", example + ".model")), csv);
  }

  /** A hidden Markov model of Old Faithful's eruptions in their order, each a vector of D: the chain's pass. */
  @Test
  void aChainGenericInTheDataWidthFitsAsTheSpecializedOne() throws Exception {
    assertFitsAsSpecialized("hmm-faithful", "model hmmfaithful;\nK = 2;\nfirst(z) ~ Categorical(pi0);\n"
        + "z ~ Categorical(A[prev(z)]);\nx ~ Normal(mu[z], Sigma[z]);\n", "faithful.csv");
  }

  /**
   * The free parameters, which BIC counts, are a formula in the open sizes: at each width the
   * generic class counts what the analysis counts for the class specialized to it, on both sides
   * of the width past which factor analysis is a full covariance.
   */
  @ParameterizedTest
  @CsvSource({"gmm", "experts", "factor", "mfa", "gmm-tied"})
  void theGenericClassCountsTheFreeParametersTheAnalysisCounts(String example) throws Exception {
    Emc emc = Emc.builtIn();
    Model model = emc.parse(example + ".model", Files.readString(Path.of("examples", example + ".model")), Map.of());
    String size = model.openSizes(Map.of()).get(0);
    Class<? extends EmModel> type = InMemoryJavac.load(model.className(),
        InMemoryJavac.compile(model.className(), model.javaSource(Map.of()), emc.classPath()), emc.loader());
    for (int width : new int[] {2, 3, 4, 7}) {
      EmModel generic = type.getConstructor(int.class).newInstance(width);
      assertEquals(model.bind(Map.of(size, (double) width)).plan().freeParameters(), generic.freeParameters(),
          example + " at " + size + " = " + width);
    }
  }

  private static void assertFitsAsSpecialized(String example, String text, String csv) throws Exception {
    Emc emc = Emc.builtIn();
    Model model = emc.parse(example + ".model", text, Map.of());
    List<String> open = model.openSizes(Map.of());
    assertFalse(open.isEmpty(), example + " leaves a size to the data");
    String source = model.javaSource(Map.of());
    Bound bound = model.bind(Table.read(Path.of("examples/data", csv)), BindOptions.defaults());
    assertFalse(source.equals(bound.javaSource()));
    DataMatrix rows = bound.data().orElseThrow();
    FitResult specialized = bound.compile().fit(rows, OPTIONS);

    Class<? extends EmModel> type = InMemoryJavac.load(model.className(),
        InMemoryJavac.compile(model.className(), source, emc.classPath()), emc.loader());
    Constructor<?> constructor = type.getConstructor(open.stream().map(s -> int.class).toArray(Class<?>[]::new));
    Object[] sizes = open.stream().map(s -> bound.sizes().get(s)).toArray();
    FitResult generic;
    try (Fitter fitter = new Fitter(1)) {
      generic = fitter.fit(() -> {
        try {
          return (EmModel) constructor.newInstance(sizes);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }, rows, OPTIONS);
    }

    EmModel s = specialized.model();
    EmModel g = generic.model();
    assertEquals(s.columns(), g.columns());
    assertEquals(s.statisticsLength(), g.statisticsLength());
    assertEquals(s.freeParameters(), g.freeParameters());
    assertEquals(s.data(), g.data());
    assertEquals(s.settings(), g.settings());
    assertEquals(s.params().size(), g.params().size());
    assertEquals(specialized.iterations(), generic.iterations());
    assertClose(new double[] {specialized.logLikelihood()}, new double[] {generic.logLikelihood()}, 1e-12,
        example + " log-likelihood");
    for (ParamInfo p : s.params()) {
      assertClose(specialized.params().get(p.name()), generic.params().get(p.name()), 1e-12, example + " " + p.name());
    }
  }

  @ParameterizedTest
  @CsvSource({"poisson", "hmm"})
  void aModelThatSetsEverySizeGetsTheSpecializedClass(String example) throws Exception {
    Model model = Emc.builtIn().parse(example + ".model", Files.readString(Path.of("examples", example + ".model")),
        Map.of());
    assertTrue(model.openSizes(Map.of()).isEmpty());
    assertEquals(model.bind(Map.of()).javaSource(), model.javaSource(Map.of()));
  }

  @ParameterizedTest
  @CsvSource({"gmm", "regression", "factor"})
  void sizesGivenWithSetGiveTheSpecializedClass(String example) throws Exception {
    Model model = Emc.builtIn().parse(example + ".model", Files.readString(Path.of("examples", example + ".model")),
        Map.of());
    Map<String, Double> sizes = Map.of(model.openSizes(Map.of()).get(0), 3.0);
    assertTrue(model.openSizes(sizes).isEmpty());
    assertEquals(model.bind(sizes).javaSource(), model.javaSource(sizes));
  }
}
