package dev.emc.math;

import dev.emc.types.Dim;
import java.util.Objects;

/**
 * A value's shape: a scalar, a vector of {@code dim}, or a {@code dim}×{@code cols} matrix —
 * square ({@code cols} = {@code dim}) except for a factor analysis' loadings.
 */
public record Shape(int rank, Dim dim, Dim cols) {
  public static final Shape SCALAR = new Shape(0, null, null);

  public Shape {
    if (rank < 0 || rank > 2 || (rank == 0) != (dim == null) || (rank == 2) != (cols != null)) {
      throw new IllegalArgumentException("bad shape: rank " + rank + ", dim " + dim + ", cols " + cols);
    }
  }

  public Shape(int rank, Dim dim) {
    this(rank, dim, rank == 2 ? dim : null);
  }

  public static Shape vector(Dim d) {
    return new Shape(1, Objects.requireNonNull(d));
  }

  public static Shape matrix(Dim d) {
    return new Shape(2, Objects.requireNonNull(d));
  }

  public static Shape matrix(Dim rows, Dim cols) {
    return new Shape(2, Objects.requireNonNull(rows), Objects.requireNonNull(cols));
  }

  public boolean isSquare() {
    return rank == 2 && dim.equals(cols);
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
      default -> "matrix[" + dim + "," + cols + "]";
    };
  }
}
