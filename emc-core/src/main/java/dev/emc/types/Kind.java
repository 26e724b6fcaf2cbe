package dev.emc.types;

/**
 * The kinds of value a model talks about, with how many sizes each takes. The names are the ones
 * the language uses; {@code CATEGORY} is written as a range, {@code 1..K}. A kind of number may
 * also take one size, for a vector of them: {@code positive[D]}, {@code count[D]}; {@code
 * vector[D]} is a vector of reals.
 */
public enum Kind {
  REAL("real", 0),
  POSITIVE("positive", 0),
  PROBABILITY("probability", 0),
  INT("int", 0),
  COUNT("count", 0),
  BINARY("binary", 0),
  CATEGORY("1..", 1),
  SIMPLEX("simplex", 1),
  VECTOR("vector", 1),
  COV("cov", 1),
  /** {@code matrix[R, C]}: R×C reals, a factor analysis' loadings. */
  MATRIX("matrix", 2);

  private final String word;
  private final int dims;

  Kind(String word, int dims) {
    this.word = word;
    this.dims = dims;
  }

  /** The type's name in the language; for a range, its prefix. */
  public String word() {
    return word;
  }

  public int dims() {
    return dims;
  }

  /** Whether {@code kind[D]} is a vector of this kind's numbers. */
  public boolean vectorizable() {
    return this == POSITIVE || this == PROBABILITY || this == INT || this == COUNT || this == BINARY;
  }

  /**
   * What one data value of this kind must be, in the words the runtime checks data with: real,
   * positive, probability, int, count, binary or category.
   */
  public String valueSet() {
    return switch (this) {
      case POSITIVE -> "positive";
      case PROBABILITY -> "probability";
      case INT -> "int";
      case COUNT -> "count";
      case BINARY -> "binary";
      case CATEGORY -> "category";
      default -> "real";
    };
  }

  /** The named kinds a declaration may write, in the order the language documents them. */
  public static Kind byWord(String word) {
    for (Kind k : values()) {
      if (k != CATEGORY && k.word.equals(word)) {
        return k;
      }
    }
    return null;
  }
}
