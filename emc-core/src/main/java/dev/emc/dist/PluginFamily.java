package dev.emc.dist;

import dev.emc.diag.Diagnostic;
import dev.emc.diag.DiagnosticException;
import dev.emc.math.Expr;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * A plugin's family as the compiler sees it. Every call into the plugin goes through here, so a
 * plugin that throws, or answers null, is reported by its class and the jar it came from, as bad
 * input (exit 2), not as a bug in emc. {@link Unsupported} is the plugin's answer, not a failure,
 * and passes through, as does the "no sampler" of {@link Family#sample}.
 */
final class PluginFamily implements Family {
  private final Family plugin;
  private final String name;

  PluginFamily(Family plugin) {
    this.plugin = plugin;
    this.name = call("name()", plugin::name);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Signature> signatures() {
    return call("signatures()", plugin::signatures);
  }

  @Override
  public Set<Use> uses() {
    return call("uses()", plugin::uses);
  }

  @Override
  public FactorModel factor(FactorSite site) throws Unsupported {
    return call("factor()", () -> plugin.factor(site));
  }

  @Override
  public Expr priorLogDensity(Signature form, List<Expr> values, List<Expr> args) throws Unsupported {
    return call("priorLogDensity()", () -> plugin.priorLogDensity(form, values, args));
  }

  @Override
  public void sample(Signature form, List<double[]> args, RandomGenerator rng, double[] out) {
    try {
      plugin.sample(form, args, rng, out);
    } catch (UnsupportedOperationException e) {
      throw e;
    } catch (RuntimeException | LinkageError e) {
      throw broken(plugin.getClass(), name, "its sample() threw " + e);
    }
  }

  /** The package of the plugin's class, which the Java its formulas name is expected to share. */
  String codePackage() {
    return plugin.getClass().getPackageName();
  }

  /** This plugin's failure: {@code what} went wrong, and {@code detail}'s lines show where. */
  DiagnosticException broken(String what, String detail) {
    return new DiagnosticException(Diagnostic.error("plugin", blame(plugin.getClass(), name, what) + detail));
  }

  /** A call into the plugin, which may throw {@code E} as its own answer. */
  private interface Call<T, E extends Exception> {
    T get() throws E;
  }

  private <T, E extends Exception> T call(String method, Call<T, E> call) throws E {
    T answer;
    try {
      answer = call.get();
    } catch (RuntimeException | LinkageError e) {
      throw broken(plugin.getClass(), name, "its " + method + " threw " + e);
    }
    if (answer == null) {
      throw broken(plugin.getClass(), name, "its " + method + " returned null");
    }
    return answer;
  }

  /**
   * The error for a plugin family that failed: which family, its class and the jar (or folder) the
   * class came from, and what went wrong.
   */
  static DiagnosticException broken(Class<?> type, String name, String what) {
    return new DiagnosticException(Diagnostic.error("plugin", blame(type, name, what)));
  }

  private static String blame(Class<?> type, String name, String what) {
    return "the distribution family " + (name == null ? "" : name + " ") + "(class " + type.getName() + " in "
        + origin(type) + ") failed: " + what + "; this is a bug in the plugin, not in emc";
  }

  /** Where a class was loaded from: its jar or folder, as a path when it is a file. */
  private static String origin(Class<?> type) {
    CodeSource source = type.getProtectionDomain().getCodeSource();
    URL location = source == null ? null : source.getLocation();
    if (location == null) {
      return "an unknown place";
    }
    try {
      return "file".equals(location.getProtocol()) ? Path.of(location.toURI()).toString() : location.toString();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return location.toString();
    }
  }
}
