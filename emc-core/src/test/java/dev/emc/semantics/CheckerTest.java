package dev.emc.semantics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.api.Frontend;
import dev.emc.diag.Diagnostic;
import dev.emc.diag.Source;
import dev.emc.dist.Families;
import dev.emc.types.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class CheckerTest {
  static CheckedModel check(String text, Map<String, Double> settings) {
    Frontend.Result r = Frontend.check(new Source("t.model", text), Families.builtIn(), settings);
    assertTrue(r.model().isPresent(), () -> r.diagnostics().toString());
    return r.model().get();
  }

  static CheckedModel check(String text) {
    return check(text, Map.of());
  }

  static List<Diagnostic> errors(String text, Map<String, Double> settings) {
    Frontend.Result r = Frontend.check(new Source("t.model", text), Families.builtIn(), settings);
    assertFalse(r.model().isPresent());
    return r.diagnostics();
  }

  @Test
  void theCardAloneIsAValidModelWithInferredRolesTypesAndShapes() {
    CheckedModel m = check("z ~ Categorical(phi);\nx ~ Normal(mu[z], Sigma[z]);");
    assertEquals(Role.LATENT, m.variable("z").role());
    assertEquals("1..K", m.variable("z").type().toString());
    assertEquals(Role.DATA, m.variable("x").role());
    assertEquals("vector[D]", m.variable("x").type().toString());
    assertEquals("simplex[K]", m.variable("phi").type().toString());
    assertEquals(List.of("z"), m.variable("mu").index());
    assertEquals("vector[D]", m.variable("mu").type().toString());
    assertEquals("cov[D]", m.variable("Sigma").type().toString());
    assertEquals(OptionalInt.empty(), m.sizes().get("K").value());
    assertEquals("multivariate normal, full covariance", m.distributionOf("x").orElseThrow().signature().label());
  }

  @Test
  void theReferenceExampleChecksWithKnownK() throws Exception {
    CheckedModel m = check(Files.readString(Path.of("examples/gmm.model")));
    assertEquals("gmm", m.name());
    assertEquals(OptionalInt.of(2), m.sizes().get("K").value());
    assertEquals(List.of("z", "phi", "x", "mu", "Sigma"), List.copyOf(m.variables().keySet()));
  }

  @Test
  void settingsOverrideConstantsAndSetImplicitSizes() {
    assertEquals(OptionalInt.of(3),
        check("K = 2; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);", Map.of("K", 3.0))
            .sizes().get("K").value());
    assertEquals(OptionalInt.of(4),
        check("z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);", Map.of("K", 4.0))
            .sizes().get("K").value());
  }

  @Test
  void anUnknownSettingIsAnErrorWithASuggestion() {
    List<Diagnostic> e = errors("K = 2; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);", Map.of("k", 3.0));
    assertEquals("--set k: the model has no constant or size named k; did you mean K?", e.get(0).message());
  }

  @Test
  void aSettingOfZeroComponentsIsAnError() {
    List<Diagnostic> e = errors("z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]);", Map.of("K", 0.0));
    assertTrue(e.get(0).message().contains("must be a positive integer"), e.toString());
  }

  @Test
  void aScalarDeclarationPicksTheUnivariateForm() {
    CheckedModel m = check("K = 2; data y : real; z ~ Categorical(phi); y ~ Normal(mu[z], s2[z]);");
    assertEquals(Type.REAL, m.variable("mu").type());
    assertEquals(Type.POSITIVE, m.variable("s2").type());
    assertEquals("univariate normal", m.distributionOf("y").orElseThrow().signature().label());
  }

  @Test
  void aTiedCovarianceIsNotIndexed() {
    CheckedModel m = check("K = 2; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma);");
    assertEquals(List.of(), m.variable("Sigma").index());
    assertEquals("cov[D]", m.variable("Sigma").type().toString());
  }

  @Test
  void aPriorIsRecognizedOnAParameter() {
    CheckedModel m = check("K = 2; alpha = 2.0; z ~ Categorical(phi); x ~ Normal(mu[z], Sigma[z]); phi ~ Dirichlet(alpha);");
    assertEquals(Role.PARAM, m.variable("phi").role());
    Stochastic prior = m.priorOf("phi").orElseThrow();
    assertEquals("Dirichlet", prior.family().name());
    assertEquals(new Term.ConstRef("alpha", 2.0, Type.POSITIVE, prior.span()), prior.args().get(0));
  }

  @Test
  void knownVarianceIsANumberArgument() {
    CheckedModel m = check("K = 3; data y : real; z ~ Categorical(phi); y ~ Normal(mu[z], 1.0);");
    assertEquals(2, m.variables().values().stream().filter(v -> v.role() == Role.PARAM).count());
  }

  @Test
  void regressionMeansTypeCheck() {
    CheckedModel m = check("K = 2; covariate u : vector[P]; data y : real;"
        + " z ~ Categorical(phi); y ~ Normal(dot(beta[z], u) + a[z], s2[z]);");
    assertEquals("vector[P]", m.variable("beta").type().toString());
    assertEquals(Type.REAL, m.variable("a").type());
    assertEquals(Role.COVARIATE, m.variable("u").role());
  }

  @Test
  void observedCategoricalDataGetsItsCategoriesFromTheData() {
    CheckedModel m = check("K = 2; z ~ Categorical(phi); y ~ Categorical(theta[z]);");
    assertEquals("1..K_y", m.variable("y").type().toString());
    assertEquals("simplex[K_y]", m.variable("theta").type().toString());
  }

  @Test
  void declaredTypesAreKept() {
    CheckedModel m = check("model m; K = 2; data x : vector[2]; latent z : 1..K;"
        + " param phi : simplex[K]; param mu[z] : vector[2]; param S[z] : cov[2];"
        + " z ~ Categorical(phi); x ~ Normal(mu[z], S[z]);");
    assertTrue(m.variable("mu").declared());
    assertEquals("vector[2]", m.variable("x").type().toString());
  }
}
