package dev.emc.dist;

import java.util.ArrayList;
import java.util.Collections;
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

  /** The families emc ships, plus any a plugin on this loader's class path registers. */
  public static Families load(ClassLoader loader) {
    Map<String, Family> byName = new TreeMap<>();
    List<String> clashes = new ArrayList<>();
    try {
      for (Family f : ServiceLoader.load(Family.class, loader)) {
        Family before = byName.putIfAbsent(f.name(), f);
        if (before != null && before.getClass() != f.getClass()) {
          clashes.add(f.name() + " (" + before.getClass().getName() + " and "
              + f.getClass().getName() + ")");
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

  public static Families builtIn() {
    return load(Families.class.getClassLoader());
  }

  public Optional<Family> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** All names, sorted. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }
}
