package dev.emc.analysis;

import dev.emc.types.Dim;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Java names of one generated class, decided in one place so that the generated code and the
 * derivation's symbol table say the same, and so that no two things share a name.
 *
 * <p>A model's names are the user's, so none is used unchecked: a name that is a Java keyword, a
 * type of {@code java.lang}, a type the class imports, the first part of a qualified name it
 * writes, or a name the generator declares itself gets a trailing underscore; so does one that
 * looks like a temporary. Every name, the model's and the generator's temporaries alike, is then
 * taken from one pool: a name already given gets another underscore. Distinct names can so never
 * meet, whatever their case ({@code x} and {@code X} give statistics whose offsets differ only
 * in case, {@code S_X} and {@code S_X_}).
 */
public final class CodeNames {
  /** Names that no model name may take: Java's, and what the generated code declares itself. */
  static final Set<String> RESERVED = Stream.of(
      Set.of(
          // Java's keywords, literals and restricted identifiers
          "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const",
          "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float",
          "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long",
          "native", "new", "package", "private", "protected", "public", "return", "short", "static",
          "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
          "void", "volatile", "while", "true", "false", "null", "var", "record", "yield", "sealed",
          "permits", "_",
          // the first parts of the qualified names generated code writes
          "java", "javax", "dev", "com", "org", "net",
          // the types the generated class imports
          "Linalg", "List", "Map", "EmModel", "ParamInfo", "DataInfo", "SettingInfo", "Arrays",
          "Override", "Special", "ForwardBackward", "Latent",
          "FactorScores", "Moments"),
      Set.of(
          // what generated code declares
          "data", "from", "to", "n", "row", "k", "i", "j", "s", "lp", "max", "sum", "inv", "r", "rk",
          "resp", "out", "stats", "ll", "name", "K", "COLUMNS", "STATS", "COUNT", "WEIGHT", "LOGLIK",
          "EMPTY", "logConst", "v", "m", "base", "penalty", "N", "Nk", "w0", "w1", "w2", "normalize",
          "collect", "logJoint", "prepare", "maximize", "e", "prod", "b", "nb", "BLOCK", "quadForms",
          "b0", "b1", "bn", "chh", "column", "delta", "l", "mn", "src", "logDetPsi", "quadN", "vq", "rows",
          "logB", "gamma", "xi", "pass", "score", "hessian", "shift", "moments", "outer", "cross", "gap"),
      javaLang())
      .flatMap(Set::stream).collect(Collectors.toUnmodifiableSet());

  /** Model names shaped like the generator's temporaries, locals and derived fields. */
  private static final Pattern GENERATED = Pattern.compile(
      "(v|c|q|t|i|j|k|a|b|w|m|dot|sum|acc|quad|vq|dv|tot|tr|vec|inv)[0-9]+|.*_[0-9]+|chol.*|next_.*|inv_.*"
          + "|.*_rows");

  private final EmPlan plan;
  private final Set<String> taken = new HashSet<>();
  private final Map<String, String> fields = new HashMap<>();
  private final Map<String, String> constants = new HashMap<>();
  private final Map<String, String> statOffsets = new HashMap<>();
  private final Map<String, String> offsets = new HashMap<>();
  private final Map<String, String> widths = new HashMap<>();
  /** The sizes a class generic in them reads at construction (none for a specialized class). */
  private final Set<String> open;
  private String columns;

  public CodeNames(EmPlan plan) {
    this(plan, Set.of());
  }

  /**
   * The names of a class generic in the sizes {@code open}: a data variable's offset and width,
   * and the row's length, are then sums of size names rather than the plan's numbers for them.
   */
  public CodeNames(EmPlan plan, Set<String> open) {
    this.plan = plan;
    this.open = Set.copyOf(open);
    taken.addAll(RESERVED);
    // The model's names first, in a fixed order, so that every CodeNames of a plan agrees and no
    // temporary of the generator can take a name the model's needs.
    for (EmPlan.ParamSlot p : plan.params()) {
      field(p.name());
    }
    for (EmPlan.SettingSlot s : plan.settings()) {
      field(s.symbol().name());
    }
    for (EmPlan.DataSlot d : plan.data()) {
      field(d.name());
    }
    for (String size : plan.sizes().keySet()) {
      constant(size);
    }
    // After the sizes' constants, which the sums name.
    List<String> terms = new ArrayList<>();
    int number = 0;
    for (EmPlan.DataSlot d : plan.data()) {
      offsets.put(d.name(), open.isEmpty() ? Integer.toString(d.offset()) : sum(terms, number));
      boolean byNumber = open.isEmpty() || d.symbol().shape().isScalar();
      String width = byNumber ? Integer.toString(d.width()) : size(d.symbol().shape().dim());
      widths.put(d.name(), width);
      if (width.matches("[0-9]+")) {
        number += Integer.parseInt(width);
      } else {
        terms.add(width);
      }
    }
    columns = open.isEmpty() ? Integer.toString(plan.columns()) : sum(terms, number);
    for (EmPlan.Statistic st : plan.statistics()) {
      statOffset(st.symbol().name());
    }
  }

  /** A field or local for a model name. */
  public String field(String name) {
    return fields.computeIfAbsent(name, this::modelName);
  }

  /** A size as generated code spells it: its constant, or a number. */
  public String size(Dim d) {
    if (d instanceof Dim.Known k) {
      return Integer.toString(k.value());
    }
    return constant(((Dim.Named) d).name());
  }

  /** The constant for a named size: K for the latent's, else its own name where that is safe. */
  public String constant(String size) {
    if (size.equals(plan.latent().size())) {
      return "K";
    }
    return constants.computeIfAbsent(size, this::modelName);
  }

  public String dataOffset(String data) {
    return offsets.get(data);
  }

  /** How many values of a row a data variable takes. */
  public String dataWidth(String data) {
    return widths.get(data);
  }

  /** The values per row, all data variables side by side. */
  public String columns() {
    return columns;
  }

  /** Whether the class reads this size at construction rather than holding it as a constant. */
  public boolean isOpen(String size) {
    return open.contains(size);
  }

  /** Whether the class is generic in some size. */
  public boolean generic() {
    return !open.isEmpty();
  }

  private static String sum(List<String> terms, int number) {
    List<String> all = new ArrayList<>(terms);
    if (number != 0 || all.isEmpty()) {
      all.add(Integer.toString(number));
    }
    return String.join(" + ", all);
  }

  /** The offset constant of a statistic in the statistics array. */
  public String statOffset(String statistic) {
    return statOffsets.computeIfAbsent(statistic, s -> modelName(s.toUpperCase(Locale.ROOT)));
  }

  /**
   * A name for something the generator declares (a temporary, an unrolled local, a field derived
   * from a model name): {@code wanted} itself unless it is taken, else with underscores added.
   */
  public String fresh(String wanted) {
    String name = wanted;
    while (!taken.add(name)) {
      name += "_";
    }
    return name;
  }

  private String modelName(String name) {
    return fresh(RESERVED.contains(name) || GENERATED.matcher(name).matches() ? name + "_" : name);
  }

  /** The top-level types of java.lang, which a field's name would hide. */
  private static Set<String> javaLang() {
    try (Stream<Path> files = Files.list(FileSystems.getFileSystem(URI.create("jrt:/"))
        .getPath("/modules/java.base/java/lang"))) {
      return files.map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".class") && !f.contains("$"))
          .map(f -> f.substring(0, f.length() - ".class".length()))
          .collect(Collectors.toUnmodifiableSet());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The first of {@code candidates} that is not a name of the model (a size, constant or
   * variable): for the derivation's own symbols (a multiplier, an HMM's scaling constants), which
   * must not read as the model's. The last when every one is taken.
   */
  public static String unusedBy(dev.emc.semantics.CheckedModel model, String... candidates) {
    java.util.Set<String> taken = new java.util.HashSet<>(model.variables().keySet());
    taken.addAll(model.sizes().keySet());
    taken.addAll(model.constants().keySet());
    return firstNotIn(taken, candidates);
  }

  /** The first of {@code candidates} not in {@code taken}; the last when every one is. */
  public static String firstNotIn(java.util.Set<String> taken, String... candidates) {
    for (String c : candidates) {
      if (!taken.contains(c)) {
        return c;
      }
    }
    return candidates[candidates.length - 1];
  }
}
