package dev.emc.semantics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.api.Frontend;
import dev.emc.diag.DiagnosticPrinter;
import dev.emc.diag.Source;
import dev.emc.dist.Families;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Each wrong model under src/test/resources/bad sits beside the exact messages it must produce
 * (stanc3's bad/*.stan + .expected). To accept new output after reading it:
 * {@code mvn test -Dtest=GoldenDiagnosticsTest -Demc.golden.update=true}.
 */
class GoldenDiagnosticsTest {
  private static final Path DIR = Path.of("emc-core/src/test/resources/bad");
  private static final boolean UPDATE = Boolean.getBoolean("emc.golden.update");

  @TestFactory
  Stream<DynamicTest> eachBadModelGivesItsExpectedMessages() throws IOException {
    List<Path> models;
    try (Stream<Path> files = Files.list(DIR)) {
      models = files.filter(p -> p.toString().endsWith(".model")).sorted().toList();
    }
    return models.stream().map(model -> DynamicTest.dynamicTest(model.getFileName().toString(), () -> {
      String name = "bad/" + model.getFileName();
      Source source = new Source(name, Files.readString(model));
      Frontend.Result result = Frontend.check(source, Families.builtIn(), Map.of());
      assertTrue(result.model().isEmpty(), name + " should not check");
      String actual = DiagnosticPrinter.render(result.diagnostics());
      Path expected = Path.of(model.toString().replace(".model", ".expected"));
      if (UPDATE) {
        Files.writeString(expected, actual);
      }
      assertEquals(Files.readString(expected), actual, name);
    }));
  }

  @Test
  void thereAreAtLeastTwentyFiveDistinctMessages() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      long distinct = files.filter(p -> p.toString().endsWith(".expected"))
          .map(p -> {
            try {
              return Files.readString(p).lines().findFirst().orElse("")
                  .replaceFirst("^[^ ]* ", "");
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          })
          .distinct().count();
      assertTrue(distinct >= 25, "distinct first messages: " + distinct);
    }
  }

  @Test
  void everyExpectedFileHasAModel() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      files.filter(p -> p.toString().endsWith(".expected")).forEach(p ->
          assertTrue(Files.exists(Path.of(p.toString().replace(".expected", ".model"))), p.toString()));
    }
  }
}
