package dev.emc.dist;

import dev.emc.diag.DiagnosticException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The families visible to a class loader, by name. Built-ins and plugins alike. */
public final class Families {
  private final Map<String, Family> byName;

  private Families(Map<String, Family> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /**
   * The families emc ships, plus any a plugin on this loader's class path registers. A plugin's
   * family is wrapped so that its failures name it (see {@link PluginFamily}).
   */
  public static Families load(ClassLoader loader) {
    Map<String, Family> byName = new TreeMap<>();
    Map<String, Class<?>> types = new HashMap<>();
    List<String> clashes = new ArrayList<>();
    try {
      for (ServiceLoader.Provider<Family> p : ServiceLoader.load(Family.class, loader).stream().toList()) {
        Family f = builtIn(p.type()) ? p.get() : new PluginFamily(make(p));
        Class<?> before = types.putIfAbsent(f.name(), p.type());
        byName.putIfAbsent(f.name(), f);
        if (before != null && before != p.type()) {
          clashes.add(f.name() + " (" + before.getName() + " and " + p.type().getName() + ")");
        }
      }
    } catch (ServiceConfigurationError e) {
      throw new IllegalStateException("a distribution family could not be loaded: " + e.getMessage(), e);
    }
    if (!clashes.isEmpty()) {
      throw new IllegalStateException("two families share a name: " + String.join(", ", clashes));
    }
    return new Families(byName);
  }

  /** Whether a family is one of emc's own, whose failures are emc's bugs. */
  private static boolean builtIn(Class<?> type) {
    return type.getClassLoader() == Families.class.getClassLoader()
        && type.getPackageName().equals(Family.class.getPackageName() + ".families");
  }

  /** A plugin's family, made by its constructor; one that throws is the plugin's failure. */
  private static Family make(ServiceLoader.Provider<Family> p) {
    try {
      return p.get();
    } catch (ServiceConfigurationError e) {
      throw PluginFamily.broken(p.type(), null, "it could not be made: "
          + (e.getCause() == null ? e.getMessage() : e.getCause().toString()));
    }
  }

  /**
   * These families and {@code family}, which takes the place of one of the same name; wrapped as a
   * plugin's, so that its failures name it, unless it is one of emc's own.
   */
  public Families with(Family family) {
    Family f = builtIn(family.getClass()) ? family : new PluginFamily(family);
    Map<String, Family> all = new TreeMap<>(byName);
    all.put(f.name(), f);
    return new Families(all);
  }

  public static Families builtIn() {
    return load(Families.class.getClassLoader());
  }

  public Optional<Family> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * The failure of the plugin family whose code {@code javaCode} calls, or empty when it calls no
   * plugin's. A plugin's formulas name Java methods (its {@link dev.emc.math.Function}s), which
   * javac checks only when generated code calls them, so a misspelt one is found there, and is the
   * plugin's bug, not emc's.
   */
  public Optional<DiagnosticException> pluginCalledIn(String javaCode, String what, String detail) {
    for (Family f : byName.values()) {
      if (f instanceof PluginFamily p && javaCode.contains(p.codePackage() + ".")) {
        return Optional.of(p.broken(what, detail));
      }
    }
    return Optional.empty();
  }

  /** All names, sorted. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }
}
