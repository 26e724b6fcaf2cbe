package dev.emc.types;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** A value's type: a kind with its sizes, such as {@code simplex[K]}, {@code cov[D]}, {@code 1..K}. */
public record Type(Kind kind, List<Dim> dims) {
  public Type {
    dims = List.copyOf(dims);
    if (dims.size() != kind.dims() && !(kind.vectorizable() && dims.size() == 1)) {
      throw new IllegalArgumentException(kind + " takes " + kind.dims() + " sizes, not " + dims);
    }
  }

  public static final Type REAL = new Type(Kind.REAL, List.of());
  public static final Type POSITIVE = new Type(Kind.POSITIVE, List.of());
  public static final Type PROBABILITY = new Type(Kind.PROBABILITY, List.of());
  public static final Type INT = new Type(Kind.INT, List.of());
  public static final Type COUNT = new Type(Kind.COUNT, List.of());
  public static final Type BINARY = new Type(Kind.BINARY, List.of());

  public static Type category(Dim k) {
    return new Type(Kind.CATEGORY, List.of(k));
  }

  public static Type simplex(Dim k) {
    return new Type(Kind.SIMPLEX, List.of(k));
  }

  public static Type vector(Dim d) {
    return new Type(Kind.VECTOR, List.of(d));
  }

  public static Type cov(Dim d) {
    return new Type(Kind.COV, List.of(d));
  }

  public static Type matrix(Dim rows, Dim cols) {
    return new Type(Kind.MATRIX, List.of(rows, cols));
  }

  public static Type of(Kind kind, Dim... dims) {
    return new Type(kind, List.of(dims));
  }

  /** One number per value: not a vector or a matrix (a category is its one value). */
  public boolean isScalar() {
    return kind == Kind.CATEGORY || dims.isEmpty();
  }

  /** A vector of this kind's numbers, {@code positive[D]}; a vector is already one. */
  public Type vectorOf(Dim d) {
    return kind == Kind.REAL ? vector(d) : new Type(kind, List.of(d));
  }

  /** The one size of a sized kind. */
  public Dim dim() {
    if (dims.size() != 1) {
      throw new IllegalStateException(this + " has no single size");
    }
    return dims.get(0);
  }

  /**
   * Whether a value of this type may stand where {@code wanted} is expected: the same kind, or a
   * narrower one (a count is an int is a real; a probability or a positive is a real; a simplex is
   * a vector), with the same sizes.
   */
  public boolean fits(Type wanted) {
    if (kind == Kind.CATEGORY) {
      // A category's values 1..K are counts, whatever K is.
      return wanted.equals(this) || wanted.dims.isEmpty()
          && (wanted.kind == Kind.COUNT || wanted.kind == Kind.INT || wanted.kind == Kind.REAL);
    }
    if (!dims.equals(wanted.dims) || wanted.kind == Kind.CATEGORY) {
      return false;
    }
    // Vectors compare their elements: a vector[D] is a real[D], a simplex a probability[K].
    Kind have = elementOf(kind);
    Kind want = elementOf(wanted.kind);
    return have == want || narrows(have, want);
  }

  private static Kind elementOf(Kind k) {
    return k == Kind.VECTOR ? Kind.REAL : k;
  }

  private static boolean narrows(Kind from, Kind to) {
    return switch (from) {
      case BINARY -> to == Kind.COUNT || to == Kind.INT || to == Kind.REAL;
      case COUNT -> to == Kind.INT || to == Kind.REAL;
      case INT, POSITIVE, PROBABILITY -> to == Kind.REAL;
      case SIMPLEX -> to == Kind.REAL || to == Kind.PROBABILITY;
      default -> false;
    };
  }

  /**
   * Matches a signature's pattern against this actual type, binding the pattern's named sizes
   * (its variables) in {@code bindings}. Returns false, leaving bindings as they were, on a
   * mismatch of kind or of an already-bound size.
   */
  public boolean unify(Type pattern, Map<String, Dim> bindings) {
    Map<String, Dim> tentative = new HashMap<>(bindings);
    Type bound = pattern.bindInto(dims, tentative);
    if (bound == null || !fits(bound)) {
      return false;
    }
    bindings.putAll(tentative);
    return true;
  }

  /** This pattern with its variables bound to the given actual sizes (null if they clash). */
  private Type bindInto(List<Dim> actual, Map<String, Dim> bindings) {
    if (actual.size() != dims.size()) {
      // Kinds with different numbers of sizes never fit; let fits() say so.
      return substitute(bindings);
    }
    for (int i = 0; i < dims.size(); i++) {
      if (dims.get(i) instanceof Dim.Named n) {
        Dim have = bindings.get(n.name());
        if (have == null) {
          bindings.put(n.name(), actual.get(i));
        } else if (!have.equals(actual.get(i))) {
          return null;
        }
      }
    }
    return substitute(bindings);
  }

  /** Replaces the named sizes that {@code bindings} maps. */
  public Type substitute(Map<String, Dim> bindings) {
    return new Type(kind, dims.stream()
        .map(d -> d instanceof Dim.Named n && bindings.containsKey(n.name()) ? bindings.get(n.name()) : d)
        .toList());
  }

  @Override
  public String toString() {
    if (kind == Kind.CATEGORY) {
      return "1.." + dims.get(0);
    }
    if (dims.isEmpty()) {
      return kind.word();
    }
    return kind.word() + dims.stream().map(Objects::toString).collect(Collectors.joining(", ", "[", "]"));
  }
}
