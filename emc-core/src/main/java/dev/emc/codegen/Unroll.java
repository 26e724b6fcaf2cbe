package dev.emc.codegen;

import dev.emc.analysis.CodeNames;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The E-step written out in full for small models: every loop over components and elements
 * unrolled at generation time, every array element the row loop reads held in a local.
 *
 * <p>The JIT cannot do this itself. A store into the statistics may, for all it knows, change a
 * parameter array, so it reloads every parameter for every row; and a loop's statistics live in
 * memory, not registers. With K and D known here, the generated code names each element instead:
 * {@code mu_3} is loaded once before the rows, {@code x_1} once per row, and {@code S2_X_5} sums in
 * a register and is added to the statistics once, after the rows.
 *
 * <p>Lowering asks {@link #read} and {@link #sum} for an element; when its index is a constant,
 * the answer is a local and the load or the final addition is recorded here for the generator to
 * write; otherwise it is the array element itself.
 */
final class Unroll {
  /** The row loop's sizes: the constants K, D, … and their values. */
  private final Map<String, Integer> sizes;
  /** Locals loaded before the rows: name → array element. */
  final Map<String, String> before = new LinkedHashMap<>();
  /** Locals loaded at the top of each row: name → element of data. */
  final Map<String, String> perRow = new LinkedHashMap<>();
  /** Accumulators: name → the statistics element they are added to after the rows. */
  final Map<String, String> sums = new LinkedHashMap<>();
  /** Values the row has computed: their Java text → the local that holds it. */
  final Map<String, String> rowValues = new java.util.HashMap<>();

  private final CodeNames names;
  /** What each local holds → its name, so that one value is loaded once. */
  private final Map<String, String> locals = new java.util.HashMap<>();

  Unroll(Map<String, Integer> sizes, CodeNames names) {
    this.sizes = Map.copyOf(sizes);
    this.names = names;
  }

  /** The local that holds {@code value}, named like {@code wanted}, recorded in {@code where}. */
  private String local(Map<String, String> where, String wanted, String value) {
    return locals.computeIfAbsent(value, v -> {
      String name = names.fresh(wanted);
      where.put(name, v);
      return name;
    });
  }

  /** An element of an array that does not change during the pass: a local loaded before it. */
  String read(String array, String index) {
    Integer at = value(index);
    if (at == null) {
      return array + "[" + index + "]";
    }
    return local(before, array + "_" + at, array + "[" + at + "]");
  }

  /** The reciprocal of an element of such an array: a local computed before the rows. */
  String reciprocal(String array, String index) {
    Integer at = value(index);
    if (at == null) {
      return "(1.0 / " + array + "[" + index + "])";
    }
    return local(before, "inv_" + array + "_" + at, "1.0 / " + array + "[" + at + "]");
  }

  /** An element of the row's data: a local loaded once per row. */
  String data(String stem, String row, String index) {
    Integer at = value(index);
    if (at == null) {
      return "data[" + row + " + " + index + "]";
    }
    return local(perRow, stem + "_" + at, "data[" + row + (at == 0 ? "" : " + " + at) + "]");
  }

  /** An element of the statistics at {@code offset + index}: a local accumulator. */
  String sum(String offset, String index) {
    Integer at = value(index);
    if (at == null) {
      throw new IllegalStateException("an unrolled statistic at a computed index: " + offset + " + " + index);
    }
    return local(sums, offset + "_" + at, "stats[" + offset + " + " + at + "]");
  }

  int size(String name) {
    Integer v = value(name);
    if (v == null) {
      throw new IllegalStateException("not a known size: " + name);
    }
    return v;
  }

  /**
   * The value of an index as Lowering spells it — sums of products of numbers and size
   * constants, such as {@code 1 * D * D + 0 * D + 1} — or null when it reads a variable.
   */
  Integer value(String index) {
    int total = 0;
    for (String term : index.split(" \\+ ")) {
      int product = 1;
      for (String factor : term.split(" \\* ")) {
        String f = factor.trim();
        if (f.matches("[0-9]+")) {
          product *= Integer.parseInt(f);
        } else if (sizes.containsKey(f)) {
          product *= sizes.get(f);
        } else {
          return null;
        }
      }
      total += product;
    }
    return total;
  }
}
