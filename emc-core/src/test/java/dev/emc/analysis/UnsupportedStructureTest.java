package dev.emc.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.emc.api.Emc;
import dev.emc.api.Internals;
import dev.emc.diag.DiagnosticException;
import dev.emc.diag.DiagnosticPrinter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Models that check but that emc cannot turn into EM (yet), each beside the located message that
 * says which statement and why. Update after reading: {@code -Demc.golden.update=true}.
 */
class UnsupportedStructureTest {
  private static final Path DIR = Path.of("emc-core/src/test/resources/unsupported");
  private static final boolean UPDATE = Boolean.getBoolean("emc.golden.update");

  @TestFactory
  Stream<DynamicTest> eachModelSaysWhatItCannotFit() throws IOException {
    List<Path> models;
    try (Stream<Path> files = Files.list(DIR)) {
      models = files.filter(p -> p.toString().endsWith(".model")).sorted().toList();
    }
    return models.stream().map(model -> DynamicTest.dynamicTest(model.getFileName().toString(), () -> {
      String name = "unsupported/" + model.getFileName();
      var checked = Emc.builtIn().parse(name, Files.readString(model), Map.of());
      DiagnosticException e = assertThrows(DiagnosticException.class, () -> Internals.structure(checked));
      String actual = DiagnosticPrinter.render(e.diagnostics());
      Path expected = Path.of(model.toString().replace(".model", ".expected"));
      if (UPDATE) {
        Files.writeString(expected, actual);
      }
      assertEquals(Files.readString(expected), actual, name);
    }));
  }
}
