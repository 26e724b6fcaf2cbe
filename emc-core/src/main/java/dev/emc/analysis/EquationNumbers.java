package dev.emc.analysis;

import java.util.Map;

/**
 * The numbers of a derivation's equations by key, which generated code cites in its comments.
 * The derivation comes after the code generator in the pipeline, so the generator is handed only
 * these, never the document.
 */
@FunctionalInterface
public interface EquationNumbers {
  /** Each numbered equation's key ("joint", "update:mu") and number. */
  Map<String, Integer> numbers();

  /** The number of the equation with this key. */
  default int number(String key) {
    Integer n = numbers().get(key);
    if (n == null) {
      throw new IllegalArgumentException("no equation " + key);
    }
    return n;
  }
}
