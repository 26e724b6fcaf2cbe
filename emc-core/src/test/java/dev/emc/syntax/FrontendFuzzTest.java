package dev.emc.syntax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.api.Frontend;
import dev.emc.diag.Diagnostic;
import dev.emc.diag.DiagnosticPrinter;
import dev.emc.diag.Source;
import dev.emc.dist.Families;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * Whatever the text, the front end ends in a checked model or in diagnostics that point into the
 * text — never in any other exception. 10,000 random token sequences and 10,000 mutations of the
 * example models per run.
 */
class FrontendFuzzTest {
  private static final Families FAMILIES = Families.builtIn();

  private static final List<String> TOKENS = List.of(
      "model", "data", "latent", "param", "covariate", "~", ";", ",", ":", "=", "(", ")", "[", "]",
      "+", "-", "*", "/", "..", "1", "2", "0", "2.5", "1e3", "-1", "K", "D", "z", "x", "y", "u",
      "mu", "Sigma", "phi", "s2", "beta", "Normal", "Categorical", "Dirichlet", "Normall", "dot",
      "real", "positive", "probability", "int", "count", "binary", "simplex", "vector", "cov",
      "// c\n", "/* c */", "/*", "#", "é", "\t", "\n", "𝜇");

  @Property(tries = 10_000)
  @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
  void randomTokenSequences(@ForAll("tokenSequences") String text) {
    assertWellBehaved(text);
    Statistics.coverage(c -> c.check("diagnostics").percentage(p -> p > 50));
  }

  /** Mutations must reach both outcomes, or they test only the parser's first line. */
  @Property(tries = 10_000)
  @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
  void mutationsOfTheExampleModels(@ForAll("mutatedModels") String text) {
    assertWellBehaved(text);
    Statistics.coverage(c -> {
      c.check("model").percentage(p -> p > 1);
      c.check("diagnostics").percentage(p -> p > 10);
    });
  }

  private static void assertWellBehaved(String text) {
    Source source = new Source("fuzz.model", text);
    Frontend.Result r = Frontend.check(source, FAMILIES, Map.of());
    boolean hasErrors = r.diagnostics().stream().anyMatch(Diagnostic::isError);
    assertEquals(r.model().isEmpty(), hasErrors, () -> text + "\n" + r.diagnostics());
    Statistics.collect(r.model().isPresent() ? "model" : "diagnostics");
    for (Diagnostic d : r.diagnostics()) {
      d.span().ifPresent(s -> assertTrue(s.end() <= source.length(), d::toString));
      assertFalse(d.message().isBlank());
      DiagnosticPrinter.render(d);
    }
  }

  @Provide
  Arbitrary<String> tokenSequences() {
    Arbitrary<String> token = Arbitraries.of(TOKENS);
    Arbitrary<String> gap = Arbitraries.of("", " ", "\n");
    return Combinators.combine(token, gap).as((t, g) -> t + g).list().ofMaxSize(40)
        .map(parts -> String.join("", parts));
  }

  @Provide
  Arbitrary<String> mutatedModels() {
    List<String> models = exampleModels();
    Arbitrary<String> model = Arbitraries.of(models);
    Arbitrary<List<Mutation>> mutations = mutation().list().ofMinSize(1).ofMaxSize(4);
    return Combinators.combine(model, mutations).as((m, ms) -> {
      String text = m;
      for (Mutation mu : ms) {
        text = mu.apply(text);
      }
      return text;
    });
  }

  /** A cut, an insertion of a token, or a duplication, at relative positions of the text. */
  private record Mutation(int kind, double at, double length, String token) {
    String apply(String text) {
      int n = text.length();
      int i = (int) (at * n);
      int j = Math.min(n, i + (int) (length * 12));
      return switch (kind) {
        case 0 -> text.substring(0, i) + text.substring(j);
        case 1 -> text.substring(0, i) + token + text.substring(i);
        case 2 -> text.substring(0, j) + text.substring(i, j) + text.substring(j);
        default -> text.substring(0, i) + token + text.substring(j);
      };
    }
  }

  private static Arbitrary<Mutation> mutation() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.doubles().between(0, 1),
            Arbitraries.doubles().between(0, 1),
            Arbitraries.of(TOKENS))
        .as(Mutation::new);
  }

  private static List<String> exampleModels() {
    List<String> texts = new ArrayList<>();
    for (Path dir : List.of(Path.of("examples"), Path.of("emc-core/src/test/resources/bad"))) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.filter(f -> f.toString().endsWith(".model")).toList()) {
          texts.add(Files.readString(p));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return texts;
  }
}
