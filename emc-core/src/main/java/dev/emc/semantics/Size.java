package dev.emc.semantics;

import java.util.OptionalInt;

/**
 * A named size used in a type, with its value where it is known already.
 *
 * @param origin what the size is, in words for the summary: "constant", "set on the command line",
 *     "columns of x", "number of components"
 */
public record Size(String name, OptionalInt value, String origin) {
  public Size withValue(int v, String newOrigin) {
    return new Size(name, OptionalInt.of(v), newOrigin);
  }
}
