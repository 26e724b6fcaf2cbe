package dev.emc.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link Model#bind(dev.emc.runtime.data.Table, BindOptions)} reads a table. The defaults: each
 * variable takes its columns by the binder's rules, all rows are one sequence, each of weight 1,
 * none is labelled, and an empty cell is an error.
 *
 * @param columns the columns the model's one data variable takes, in order ({@code --columns})
 * @param fitted the columns a fit was made with, each found by its name wherever it is in the
 *     table, the others left alone: how predict reads new rows
 * @param sequence the column saying which sequence each row belongs to, for a latent chain: rows of
 *     one sequence are consecutive, in order. That column is not the model's.
 * @param weights the column holding each row's weight: a row of weight w counts as w copies of it.
 *     That column is not the model's either.
 * @param labels the column holding each row's known component, 1..K, or an empty cell where it is
 *     not known: a labelled row belongs to its component alone (semi-supervised fitting). That
 *     column is not the model's either.
 * @param marginalize whether cells of data variables may be empty: the fit integrates them out
 *     where the model's density allows (a normal one) and says where not
 */
public record BindOptions(Optional<List<String>> columns, Optional<Fitted> fitted, Optional<String> sequence,
    Optional<String> weights, Optional<String> labels, boolean marginalize) {

  /** The columns a fit was made with, in the model's layout, as the fit in file {@code fit} records them. */
  public record Fitted(List<String> columns, String fit) {
    public Fitted {
      columns = List.copyOf(columns);
      Objects.requireNonNull(fit);
    }
  }

  public BindOptions {
    columns = columns.map(List::copyOf);
    if (columns.isPresent() && fitted.isPresent()) {
      // Both pick the data variables' columns; neither could say which wins.
      throw new IllegalArgumentException("columns " + columns.get() + " are given as well as the fitted ones "
          + fitted.get().columns() + "; give one");
    }
  }

  public static BindOptions defaults() {
    return new BindOptions(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);
  }

  public BindOptions withColumns(List<String> v) {
    return new BindOptions(Optional.of(v), fitted, sequence, weights, labels, marginalize);
  }

  public BindOptions withFitted(List<String> columns, String fit) {
    return new BindOptions(this.columns, Optional.of(new Fitted(columns, fit)), sequence, weights, labels, marginalize);
  }

  public BindOptions withSequence(String v) {
    return new BindOptions(columns, fitted, Optional.of(v), weights, labels, marginalize);
  }

  public BindOptions withWeights(String v) {
    return new BindOptions(columns, fitted, sequence, Optional.of(v), labels, marginalize);
  }

  public BindOptions withLabels(String v) {
    return new BindOptions(columns, fitted, sequence, weights, Optional.of(v), marginalize);
  }

  public BindOptions withMarginalize(boolean v) {
    return new BindOptions(columns, fitted, sequence, weights, labels, v);
  }
}
