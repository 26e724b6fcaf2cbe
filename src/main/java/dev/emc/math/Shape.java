package dev.emc.math;

import dev.emc.types.Dim;
import java.util.Objects;

/** A value's shape: a scalar, a vector of {@code dim}, or a {@code dim}×{@code dim} matrix. */
public record Shape(int rank, Dim dim) {
  public static final Shape SCALAR = new Shape(0, null);

  public Shape {
    if (rank < 0 || rank > 2 || (rank == 0) != (dim == null)) {
      throw new IllegalArgumentException("bad shape: rank " + rank + ", dim " + dim);
    }
  }

  public static Shape vector(Dim d) {
    return new Shape(1, Objects.requireNonNull(d));
  }

  public static Shape matrix(Dim d) {
    return new Shape(2, Objects.requireNonNull(d));
  }

  public boolean isScalar() {
    return rank == 0;
  }

  public boolean isVector() {
    return rank == 1;
  }

  public boolean isMatrix() {
    return rank == 2;
  }

  @Override
  public String toString() {
    return switch (rank) {
      case 0 -> "scalar";
      case 1 -> "vector[" + dim + "]";
      default -> "matrix[" + dim + "," + dim + "]";
    };
  }
}
