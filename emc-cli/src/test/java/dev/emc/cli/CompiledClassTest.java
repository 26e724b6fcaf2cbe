package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emc.runtime.data.Binder;
import dev.emc.runtime.DataInfo;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Fitter;
import dev.emc.runtime.data.Table;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What `emc compile` writes compiles on its own with javac against emc's classes, and the class
 * fits Old Faithful to the published optimum (−1130.26396, mclust 6.0 VVV).
 */
class CompiledClassTest {
  @Test
  void theCompiledSourceBuildsWithJavacAndFitsFaithful(@TempDir Path dir) throws Exception {
    CliTest.Run r = CliTest.emc("compile", "examples/gmm.model", "--set", "D=2", "-o", dir.toString());
    assertEquals(0, r.code(), r.err());
    Path source = dir.resolve("GmmModel.java");
    Path classes = Path.of(EmModel.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    int javac = ToolProvider.getSystemJavaCompiler().run(null, null, null,
        "-cp", classes.toString(), "-d", dir.toString(), "-Xlint:all", "-Werror", source.toString());
    assertEquals(0, javac, "javac exit code");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, EmModel.class.getClassLoader())) {
      Class<? extends EmModel> type = loader.loadClass("GmmModel").asSubclass(EmModel.class);
      EmModel probe = type.getDeclaredConstructor().newInstance();
      List<Binder.Spec> specs = probe.data().stream()
          .map((DataInfo d) -> new Binder.Spec(d.name(), d.values(), d.width(), d.categories())).toList();
      Table table = Table.read(Path.of("examples/data/faithful.csv"));
      var data = Binder.select(table, specs, Binder.bind(specs, table, Optional.empty()));
      try (Fitter fitter = new Fitter(2)) {
        FitResult fit = fitter.fit(() -> {
          try {
            return type.getDeclaredConstructor().newInstance();
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
          }
        }, data, FitOptions.defaults().withTol(1e-14));
        assertEquals(-1130.26396, fit.logLikelihood(), 1e-5);
      }
    }
  }
}
