package dev.emc.types;

/**
 * A size in a type: a number written in the model ({@code vector[3]}) or a name ({@code K},
 * {@code D}) whose value is a constant of the model, a `--set`, or the width of the data.
 */
public sealed interface Dim {
  record Known(int value) implements Dim {
    @Override
    public String toString() {
      return Integer.toString(value);
    }
  }

  record Named(String name) implements Dim {
    @Override
    public String toString() {
      return name;
    }
  }

  static Dim of(int value) {
    return new Known(value);
  }

  static Dim of(String name) {
    return new Named(name);
  }
}
