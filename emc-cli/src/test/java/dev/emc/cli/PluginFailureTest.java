package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.diag.DiagnosticException;
import dev.emc.dist.FactorModel;
import dev.emc.dist.FactorSite;
import dev.emc.dist.Families;
import dev.emc.dist.Formulas;
import dev.emc.dist.Family;
import dev.emc.dist.Param;
import dev.emc.dist.Signature;
import dev.emc.dist.Update;
import dev.emc.dist.Use;
import dev.emc.math.Expr;
import dev.emc.math.Function;
import dev.emc.types.Type;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin family that throws or answers null is named, with its class and where the class came
 * from, and the exit code is 2: the plugin is broken, not emc. Each plugin here is a jar holding
 * only the service file; the families are the classes below, so they come from the test classes.
 */
class PluginFailureTest {
  private static final String MODEL = "K = 2;\ndata x : real;\nz ~ Categorical(phi);\n";

  /** A family whose M-step throws, and whose sampler does too. */
  public static class Throws implements Family {
    @Override
    public String name() {
      return "Throws";
    }

    @Override
    public List<Signature> signatures() {
      return List.of(Signature.of("throwing", Type.REAL, new Param("mean", Type.REAL)));
    }

    @Override
    public Set<Use> uses() {
      return Set.of(Use.DATA);
    }

    @Override
    public FactorModel factor(FactorSite site) {
      throw new IllegalStateException("boom");
    }

    @Override
    public void sample(Signature form, List<double[]> args, RandomGenerator rng, double[] out) {
      throw new ArithmeticException("no luck");
    }
  }

  public static final class NullSignatures extends Throws {
    @Override
    public String name() {
      return "NullSignatures";
    }

    @Override
    public List<Signature> signatures() {
      return null;
    }
  }

  public static final class NoName extends Throws {
    @Override
    public String name() {
      return null;
    }
  }

  public static final class CannotBeMade extends Throws {
    public CannotBeMade() {
      throw new IllegalStateException("no configuration");
    }
  }

  /**
   * An exponential family whose log-density calls a method its class does not have: javac finds
   * the misspelling only when generated code calls it.
   */
  public static final class Misspelt extends Throws {
    private static final Function LOG = new Function("log", PluginFailureTest.class.getName() + ".logg", "\\log", "log");

    @Override
    public String name() {
      return "Misspelt";
    }

    @Override
    public List<Signature> signatures() {
      return List.of(Signature.of("exponential", Type.POSITIVE, new Param("rate", Type.POSITIVE)));
    }

    @Override
    public FactorModel factor(FactorSite site) {
      Expr x = site.lhs();
      Expr rate = site.arg("rate").value();
      Expr logDensity = Expr.sub(new Expr.Apply(LOG, rate), Expr.mul(rate, x));
      Expr sum = site.statistic("S", x);
      return new FactorModel(new Expr.Density(Formulas.named("Misspelt"), x, List.of(rate)), logDensity,
          List.of(Update.of("rate", Expr.div(site.count(), sum), "closed form")), null);
    }
  }

  public static double log(double x) {
    return Math.log(x);
  }

  @Test
  void aMisspeltMethodInAFamilysFormulasIsThePluginsBug(@TempDir Path dir) throws Exception {
    Path model = dir.resolve("m.model");
    Files.writeString(model, "K = 2;\nz ~ Categorical(phi);\nx ~ Misspelt(rate[z]);\n");
    Path data = dir.resolve("x.csv");
    Files.writeString(data, "x\n0.5\n1.5\n0.2\n3.1\n0.7\n");
    CliTest.Run r = CliTest.emc("fit", "--no-cache", "--plugin", plugin(dir, Misspelt.class).toString(),
        model.toString(), "--data", data.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("emc: error: the distribution family Misspelt (class " + Misspelt.class.getName()
        + " in " + classes() + ") failed: the Java its formulas name does not compile"), r.err());
    assertTrue(r.err().contains("this is a bug in the plugin, not in emc; javac says:\n  line "), r.err());
    assertTrue(r.err().contains(".logg("), r.err());
  }

  @Test
  void aFamilyThatThrowsInItsMStepIsNamedWithItsClassAndJar(@TempDir Path dir) throws Exception {
    assertFails(dir, Throws.class, "x ~ Throws(m[z]);\n", "the distribution family Throws (class"
        + " dev.emc.cli.PluginFailureTest$Throws in " + classes() + ") failed: its factor() threw"
        + " java.lang.IllegalStateException: boom");
  }

  @Test
  void aFamilyThatAnswersNullIsNamed(@TempDir Path dir) throws Exception {
    assertFails(dir, NullSignatures.class, "x ~ NullSignatures(m[z]);\n", "the distribution family"
        + " NullSignatures (class dev.emc.cli.PluginFailureTest$NullSignatures in " + classes() + ") failed: its"
        + " signatures() returned null");
  }

  @Test
  void aFamilyWithoutANameIsNamedByItsClass(@TempDir Path dir) throws Exception {
    assertFails(dir, NoName.class, "x ~ Normal(m[z], v[z]);\n", "the distribution family (class"
        + " dev.emc.cli.PluginFailureTest$NoName in " + classes() + ") failed: its name() returned null");
  }

  @Test
  void aFamilyWhoseConstructorThrowsIsNamed(@TempDir Path dir) throws Exception {
    assertFails(dir, CannotBeMade.class, "x ~ Normal(m[z], v[z]);\n", "the distribution family (class"
        + " dev.emc.cli.PluginFailureTest$CannotBeMade in " + classes() + ") failed: it could not be made:"
        + " java.lang.IllegalStateException: no configuration");
  }

  @Test
  void aSamplerThatThrowsIsNamedAndBuiltInFamiliesAreNotWrapped(@TempDir Path dir) throws Exception {
    try (URLClassLoader loader = new URLClassLoader(new URL[] {plugin(dir, Throws.class).toUri().toURL()},
        getClass().getClassLoader())) {
      Families families = Families.load(loader);
      Family f = families.find("Throws").orElseThrow();
      DiagnosticException e = assertThrows(DiagnosticException.class,
          () -> f.sample(f.signatures().get(0), List.of(new double[] {0}), RandomGenerator.of("L64X128MixRandom"),
              new double[1]));
      assertEquals("emc: error: the distribution family Throws (class dev.emc.cli.PluginFailureTest$Throws in "
          + classes() + ") failed: its sample() threw java.lang.ArithmeticException: no luck; this is a bug in"
          + " the plugin, not in emc", e.getMessage());
      // A built-in family that fails is emc's bug (exit 70): it is not wrapped.
      assertFalse(families.find("Normal").orElseThrow().getClass().getSimpleName().contains("Plugin"));
    }
  }

  /** `emc check` of the model ending in {@code statement} with the plugin fails, exit 2, with this message. */
  private static void assertFails(Path dir, Class<? extends Family> family, String statement, String message)
      throws IOException {
    Path model = dir.resolve("m.model");
    Files.writeString(model, MODEL + statement);
    CliTest.Run r = CliTest.emc("check", "--plugin", plugin(dir, family).toString(), model.toString());
    assertEquals(2, r.code(), r.err());
    assertEquals("emc: error: " + message + "; this is a bug in the plugin, not in emc\n", r.err());
  }

  /** A jar that registers one family class by its service file. */
  private static Path plugin(Path dir, Class<? extends Family> family) throws IOException {
    Path jar = dir.resolve(family.getSimpleName() + ".jar");
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
      out.putNextEntry(new JarEntry("META-INF/services/" + Family.class.getName()));
      out.write((family.getName() + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return jar;
  }

  /** Where the test classes, and so these families, are loaded from. */
  private static String classes() throws Exception {
    return Path.of(Throws.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
