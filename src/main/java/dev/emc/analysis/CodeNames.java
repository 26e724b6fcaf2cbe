package dev.emc.analysis;

import dev.emc.types.Dim;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Java names for the model's names, decided once so that the generated code and the derivation's
 * symbol table say the same. A model may call a parameter {@code n} or {@code class}; those get a
 * trailing underscore so that they clash with neither Java nor the generated locals.
 */
public final class CodeNames {
  private static final Set<String> RESERVED = Set.of(
      // Java
      "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const",
      "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float",
      "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long",
      "native", "new", "package", "private", "protected", "public", "return", "short", "static",
      "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
      "void", "volatile", "while", "true", "false", "null", "var", "record", "yield", "sealed",
      "permits",
      // what generated code declares
      "data", "from", "to", "n", "row", "k", "i", "j", "s", "lp", "max", "sum", "inv", "r", "rk",
      "resp", "out", "stats", "ll", "name", "Linalg", "Math", "List", "Map", "EmModel", "ParamInfo",
      "DataInfo", "SettingInfo", "K", "COLUMNS", "STATS", "COUNT", "WEIGHT", "LOGLIK", "EMPTY",
      "logConst", "v", "m", "base", "penalty", "N", "Nk", "w0", "w1", "w2", "normalize",
      "collect", "logJoint", "prepare", "maximize", "e", "prod", "b", "nb", "BLOCK", "quadForms");

  private final EmPlan plan;
  private final Map<String, String> offsets = new HashMap<>();

  public CodeNames(EmPlan plan) {
    this.plan = plan;
    for (EmPlan.DataSlot d : plan.data()) {
      offsets.put(d.name(), Integer.toString(d.offset()));
    }
  }

  /** A field or local for a model name. */
  public String field(String name) {
    return RESERVED.contains(name) || name.startsWith("chol") || name.startsWith("next_")
        || name.matches("(v|c|q|t|i|j|k|a|b|w|dot|sum|acc|quad|vq|dv)[0-9]+|.*_[0-9]+") ? name + "_" : name;
  }

  /** A size as generated code spells it: its constant, or a number. */
  public String size(Dim d) {
    if (d instanceof Dim.Known k) {
      return Integer.toString(k.value());
    }
    String name = ((Dim.Named) d).name();
    return name.equals(plan.latent().size()) ? "K" : constant(name);
  }

  /** The constant for a named size: its own name where that is safe. */
  public String constant(String size) {
    if (size.equals(plan.latent().size())) {
      return "K";
    }
    boolean clashes = RESERVED.contains(size) || plan.params().stream().anyMatch(p -> p.name().equals(size))
        || plan.statistics().stream().anyMatch(st -> statOffset(st.symbol().name()).equals(size));
    return clashes ? "SIZE_" + size : size;
  }

  public String dataOffset(String data) {
    return offsets.get(data);
  }

  /** The offset constant of a statistic in the statistics array. */
  public String statOffset(String statistic) {
    return statistic.toUpperCase(Locale.ROOT);
  }
}
