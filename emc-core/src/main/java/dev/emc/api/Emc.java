package dev.emc.api;

import dev.emc.diag.Diagnostic;
import dev.emc.diag.DiagnosticException;
import dev.emc.diag.Source;
import dev.emc.diag.Span;
import dev.emc.dist.Families;
import dev.emc.dist.Family;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.TextFile;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * emc from Java: load a model, bind it to data, compile it, fit it.
 *
 * <pre>{@code
 * Model model = Emc.builtIn().load(Path.of("examples/gmm.model"), Map.of());
 * FitResult fit = model.fit(Path.of("examples/data/faithful.csv"), BindOptions.defaults(), FitOptions.defaults());
 * double[][] mu = fit.param("mu", double[][].class);
 * }</pre>
 *
 * Every problem with the model is a {@link DiagnosticException}; with the data, a
 * {@link dev.emc.runtime.data.DataException}; with the fit, a {@link dev.emc.runtime.fit.FitException}.
 */
public final class Emc {
  private final Families families;
  private final ClassLoader loader;
  private final List<Path> classPath;
  private final Optional<CompileCache> cache;

  private Emc(Families families, ClassLoader loader, List<Path> classPath, Optional<CompileCache> cache) {
    this.families = families;
    this.loader = loader;
    this.classPath = List.copyOf(classPath);
    this.cache = cache;
  }

  /**
   * The families emc ships. Compiled models are kept in the user's compile cache
   * ({@code ~/.cache/emc}, or where {@code EMC_CACHE} or the {@code emc.cache} property says).
   */
  public static Emc builtIn() {
    ClassLoader loader = Emc.class.getClassLoader();
    return new Emc(Families.load(loader), loader, List.of(), CompileCache.user());
  }

  /**
   * The families visible to {@code loader} (emc's and a plugin's), with {@code classPath} the
   * plugin jars that generated code may need to compile against.
   */
  public static Emc withClassLoader(ClassLoader loader, List<Path> classPath) {
    return new Emc(Families.load(loader), loader, classPath, CompileCache.user());
  }

  /**
   * This emc with one more family, given as an object rather than found by its service file (and
   * taking the place of a family of the same name): so a plugin's tests check the very instance
   * they build. Generated code compiles against the jar or folder its class came from.
   */
  public Emc withFamily(Family family) {
    List<Path> path = new java.util.ArrayList<>(classPath);
    path.add(Path.of(InMemoryJavac.location(family.getClass())));
    return new Emc(families.with(family), family.getClass().getClassLoader(), path, cache);
  }

  /** The same emc, compiling every model with javac: no compile cache is read or written. */
  public Emc withoutCache() {
    return new Emc(families, loader, classPath, Optional.empty());
  }

  /** The same emc, with its compile cache in {@code dir}. */
  public Emc withCache(Path dir) {
    return new Emc(families, loader, classPath, Optional.of(CompileCache.in(dir)));
  }

  public Families families() {
    return families;
  }

  /** Reads and checks a model file; {@code settings} are like {@code --set}. */
  public Model load(Path file, Map<String, Double> settings) {
    return parse(file.toString(), read(file).text(), settings);
  }

  /**
   * A model file's text: UTF-8, without the byte-order mark some editors write. Bytes that are not
   * UTF-8 are an error at their line and column.
   */
  public static Source read(Path file) {
    try {
      return new Source(file.toString(), TextFile.read(file));
    } catch (NoSuchFileException e) {
      throw new DiagnosticException(Diagnostic.error("io", "cannot read " + file + ": no such file"));
    } catch (IOException e) {
      throw new DiagnosticException(Diagnostic.error("io", "cannot read " + file + ": " + e.getMessage()));
    } catch (DataException e) {
      if (e.line() == 0 || e.lineText() == null) {
        throw new DiagnosticException(Diagnostic.error("encoding", file + ": " + e.getMessage()));
      }
      Source line = new Source(file.toString(), e.lineText(), e.line());
      throw new DiagnosticException(
          Diagnostic.error("encoding", line, new Span(e.column() - 1, e.column()), e.getMessage()));
    }
  }

  /** Checks a model given as text; {@code name} is what messages call it. */
  public Model parse(String name, String text, Map<String, Double> settings) {
    Source source = new Source(name, text);
    Frontend.Result r = Frontend.check(source, families, settings);
    if (r.model().isEmpty()) {
      throw new DiagnosticException(r.diagnostics());
    }
    return new Model(this, source, settings, r.model().get(), r.diagnostics());
  }

  Frontend.Result recheck(Source source, Map<String, Double> settings) {
    return Frontend.check(source, families, settings);
  }

  ClassLoader loader() {
    return loader;
  }

  List<Path> classPath() {
    return classPath;
  }

  Optional<CompileCache> cache() {
    return cache;
  }

  /** emc's version, as Maven wrote it into the jar. */
  public static String version() {
    java.util.Properties p = new java.util.Properties();
    try (var in = Emc.class.getResourceAsStream("/emc.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return p.getProperty("version", "unknown");
  }
}
