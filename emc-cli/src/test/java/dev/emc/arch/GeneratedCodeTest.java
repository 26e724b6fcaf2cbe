package dev.emc.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.emc.api.Emc;
import dev.emc.runtime.EmModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What generated code may use: the model contract ({@code dev.emc.runtime}, its classes and not
 * its subpackages) and the JDK. The fit driver and the data readers may change without a
 * generated class noticing, and a class compiled once runs against any emc with the same contract.
 * Checked on the compiled classes of examples that cover every latent structure.
 */
class GeneratedCodeTest {
  private static final Map<String, Map<String, Double>> EXAMPLES = Map.of(
      "gmm", Map.of("D", 2.0),
      "hmm", Map.of(),
      "regression", Map.of("P", 2.0),
      "factor", Map.of("D", 13.0),
      "ppca", Map.of("D", 13.0),
      "survey", Map.of());

  @Test
  void generatedCodeUsesOnlyTheModelContractAndTheJdk(@TempDir Path dir) throws Exception {
    List<String> sources = new ArrayList<>();
    for (var e : EXAMPLES.entrySet()) {
      Path model = Path.of("examples", e.getKey() + ".model");
      String source = Emc.builtIn().parse(model.toString(), Files.readString(model), Map.of())
          .bind(e.getValue()).javaSource();
      String name = source.split("public final class ", 2)[1].split(" ", 2)[0];
      Path file = dir.resolve(name + ".java");
      Files.writeString(file, source);
      sources.add(file.toString());
    }
    Path contract = Path.of(EmModel.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> args = new ArrayList<>(List.of("-cp", contract.toString(), "-d", dir.toString()));
    args.addAll(sources);
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)));

    JavaClasses generated = new ClassFileImporter().importPath(dir);
    assertEquals(EXAMPLES.size(), generated.size(), "one top-level class per model, nothing nested");
    classes().should().onlyDependOnClassesThat().resideInAnyPackage("dev.emc.runtime", "java..")
        .check(generated);
  }
}
