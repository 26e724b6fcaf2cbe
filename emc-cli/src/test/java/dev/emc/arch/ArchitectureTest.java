package dev.emc.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.Architectures;
import java.util.ArrayList;
import java.util.List;
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
        .layer("math").definedBy("dev.emc.math..")
        .layer("dist").definedBy("dev.emc.dist..")
        .layer("syntax").definedBy("dev.emc.syntax..")
        .layer("semantics").definedBy("dev.emc.semantics..")
        .layer("analysis").definedBy("dev.emc.analysis..")
        .layer("codegen").definedBy("dev.emc.codegen..")
        .layer("derive").definedBy("dev.emc.derive..")
        .layer("runtime").definedBy("dev.emc.runtime..")
        .layer("api").definedBy("dev.emc.api..")
        .layer("cli").definedBy("dev.emc.cli..")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .whereLayer("api").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("codegen").mayOnlyBeAccessedByLayers("api", "cli")
        .whereLayer("derive").mayOnlyBeAccessedByLayers("api", "cli")
        .whereLayer("analysis").mayOnlyBeAccessedByLayers("codegen", "derive", "api", "cli")
        .whereLayer("semantics").mayOnlyBeAccessedByLayers("analysis", "api", "cli")
        .whereLayer("syntax").mayOnlyBeAccessedByLayers("semantics", "api", "cli")
        .whereLayer("dist").mayOnlyBeAccessedByLayers("semantics", "analysis", "api", "cli")
        .whereLayer("math").mayOnlyBeAccessedByLayers("dist", "analysis", "codegen", "derive", "api", "cli")
        .whereLayer("types").mayOnlyBeAccessedByLayers(
            "math", "dist", "semantics", "analysis", "codegen", "derive", "api", "cli")
        // Generated code calls the runtime, so the code generator names its types; families may
        // use its numerics (a sampler its Cholesky factor), as a plugin may.
        .whereLayer("runtime").mayOnlyBeAccessedByLayers("dist", "codegen", "api", "cli")
        .check(CLASSES);
  }

  @Test
  void theRuntimeKnowsNothingOfTheCompiler() {
    noClasses().that().resideInAPackage("dev.emc.runtime..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "dev.emc.diag..", "dev.emc.types..", "dev.emc.math..", "dev.emc.dist..",
            "dev.emc.syntax..", "dev.emc.semantics..", "dev.emc.analysis..", "dev.emc.codegen..",
            "dev.emc.api..", "dev.emc.cli..")
        .check(CLASSES);
  }

  /**
   * The public surface, as small as JavaPoet's: what an embedding program sees ({@code api}, the
   * {@code runtime} and its results, {@code diag}) exposes no type of the compiler's stages, so
   * those stay free to change. (Plugins see {@code dist}, {@code math} and {@code types} too.)
   * The compiler's tests reach the plan through a test-only accessor.
   */
  @Test
  void thePublicSurfaceExposesNoCompilerType() {
    String[] internal = {"dev.emc.syntax..", "dev.emc.semantics..", "dev.emc.analysis..", "dev.emc.codegen..",
        "dev.emc.derive..", "dev.emc.cli.."};
    DescribedPredicate<JavaClass> compilerType = JavaClass.Predicates.resideInAnyPackage(internal);
    codeUnits().that().arePublic().and().areDeclaredInClassesThat().arePublic()
        .and().areDeclaredInClassesThat().resideInAnyPackage("dev.emc.api..", "dev.emc.runtime..", "dev.emc.diag..")
        .should(new ArchCondition<JavaCodeUnit>("take and return no compiler type") {
          @Override
          public void check(JavaCodeUnit unit, ConditionEvents events) {
            List<JavaClass> types = new ArrayList<>(unit.getRawParameterTypes());
            types.add(unit.getRawReturnType());
            for (JavaClass t : types) {
              if (compilerType.test(t)) {
                events.add(SimpleConditionEvent.violated(unit, unit.getFullName() + " exposes " + t.getName()));
              }
            }
          }
        })
        .check(CLASSES);
  }

  /**
   * The runtime in three parts: the model contract that generated code implements and calls
   * ({@code dev.emc.runtime}), the data readers ({@code data}) and the fit driver ({@code fit}).
   * The contract knows neither of the others, and the data know nothing of fitting.
   */
  @Test
  void theModelContractStandsAlone() {
    noClasses().that().resideInAPackage("dev.emc.runtime")
        .should().dependOnClassesThat().resideInAnyPackage("dev.emc.runtime.data..", "dev.emc.runtime.fit..")
        .check(CLASSES);
    noClasses().that().resideInAPackage("dev.emc.runtime.data..")
        .should().dependOnClassesThat().resideInAPackage("dev.emc.runtime.fit..")
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
  void nothingNamesABuiltInFamily() {
    // Families are found by ServiceLoader: the compiler, the code generator and the derivation
    // work for a plugin's family exactly as for a built-in one.
    noClasses().that().resideOutsideOfPackage("dev.emc.dist.families..")
        .should().dependOnClassesThat().resideInAPackage("dev.emc.dist.families..")
        .check(CLASSES);
  }

  @Test
  void theDerivationPrintersKnowNoFamily() {
    noClasses().that().resideInAPackage("dev.emc.derive..")
        .should().dependOnClassesThat().resideInAPackage("dev.emc.dist..")
        .check(CLASSES);
  }

  @Test
  void theCommandLineUsesOnlyThePublicSurface() {
    // The command line is a client like any other: what it prints, api computes; the compiler's
    // stages stay free to change behind it.
    classes().that().resideInAPackage("dev.emc.cli..")
        .should().onlyDependOnClassesThat(resideInAnyPackage(
            "dev.emc.cli..", "dev.emc.api..", "dev.emc.runtime..", "dev.emc.diag..")
            .or(resideOutsideOfPackage("dev.emc..")))
        .check(CLASSES);
  }

  @Test
  void onlyTheCommandLineExits() {
    noClasses().that().resideOutsideOfPackage("dev.emc.cli..")
        .should().callMethod(System.class, "exit", int.class)
        .check(CLASSES);
  }
}
