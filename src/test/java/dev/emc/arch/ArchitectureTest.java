package dev.emc.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's shape (DESIGN.md §2), checked rather than hoped for: ANTLR stays in the syntax
 * package; no stage knows a later one; the runtime knows nothing of the compiler; only the
 * command line exits the JVM.
 */
class ArchitectureTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.emc");

  @Test
  void onlyTheSyntaxPackageImportsAntlr() {
    noClasses().that().resideOutsideOfPackages("dev.emc.syntax..")
        .should().dependOnClassesThat().resideInAPackage("org.antlr..")
        .check(CLASSES);
  }

  @Test
  void noStageKnowsALaterOne() {
    Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("diag").definedBy("dev.emc.diag..")
        .layer("types").definedBy("dev.emc.types..")
        .layer("dist").definedBy("dev.emc.dist..")
        .layer("syntax").definedBy("dev.emc.syntax..")
        .layer("semantics").definedBy("dev.emc.semantics..")
        .layer("api").definedBy("dev.emc.api..")
        .layer("cli").definedBy("dev.emc.cli..")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .whereLayer("api").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("semantics").mayOnlyBeAccessedByLayers("api", "cli")
        .whereLayer("syntax").mayOnlyBeAccessedByLayers("semantics", "api", "cli")
        .whereLayer("dist").mayOnlyBeAccessedByLayers("semantics", "api", "cli")
        .whereLayer("types").mayOnlyBeAccessedByLayers("dist", "semantics", "api", "cli")
        .check(CLASSES);
  }

  @Test
  void builtInFamiliesUseOnlyWhatAPluginCouldUse() {
    noClasses().that().resideInAPackage("dev.emc.dist.families..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "dev.emc.syntax..", "dev.emc.semantics..", "dev.emc.api..", "dev.emc.cli..")
        .check(CLASSES);
  }

  @Test
  void onlyTheCommandLineExits() {
    noClasses().that().resideOutsideOfPackage("dev.emc.cli..")
        .should().callMethod(System.class, "exit", int.class)
        .check(CLASSES);
  }
}
