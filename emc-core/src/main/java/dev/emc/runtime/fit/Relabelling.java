package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the latent's values label a model's parameters, so that the components can be renamed
 * without changing the model: a mixture's likelihood is the same under any permutation of its
 * components, provided every parameter indexed by the component is permuted alike. Two ways of
 * being indexed by it exist: one value per component (μ_k, a row of an expert's G, a row of a
 * chain's transition A: {@link ParamInfo#copies} is K), and probabilities over the components
 * (φ, a chain's first state π0, the entries of each row of A), whose entries are permuted. The
 * first the runtime reads from {@link ParamInfo}; the second only the compiler's plan knows (a
 * shared simplex of K entries may as well be a categorical emission's), so it is given here.
 *
 * @param overComponents the parameters whose last dimension runs over the components
 * @param refusal why this model's components cannot be renamed safely, or null when they can
 */
public record Relabelling(Set<String> overComponents, String refusal) {
  public Relabelling {
    overComponents = Set.copyOf(overComponents);
  }

  /** What components are ordered by: their weights, descending, or one number of each component's value of a parameter, ascending. */
  public record Order(String param, int[] index) {
    public static final Order WEIGHT = new Order(null, new int[0]);
    /** The components as the fit left them. */
    public static final Order NONE = new Order("", new int[0]);

    public Order {
      index = index.clone();
    }

    public boolean byWeight() {
      return param == null;
    }

    /**
     * {@code weight}, {@code none}, {@code NAME} or {@code NAME[i]} / {@code NAME[i,j]} with 1-based
     * indices into one component's value.
     *
     * @throws IllegalArgumentException when the text is none of these
     */
    public static Order parse(String text) {
      String t = text.strip();
      if (t.equals("weight")) {
        return WEIGHT;
      }
      if (t.equals("none")) {
        return NONE;
      }
      java.util.regex.Matcher m = java.util.regex.Pattern
          .compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(?:\\[\\s*(\\d+)\\s*(?:(?:,|\\]\\s*\\[)\\s*(\\d+)\\s*)?\\])?").matcher(t);
      if (!m.matches()) {
        throw new IllegalArgumentException("--order-by is weight, none, a parameter (lambda) or one number of it"
            + " (mu[2], Sigma[1,2]; 1-based, within one component's value), not " + text);
      }
      int[] index = m.group(2) == null ? new int[0] : m.group(3) == null ? new int[] {Integer.parseInt(m.group(2))}
          : new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
      return new Order(m.group(1), index);
    }

    @Override
    public String toString() {
      if (byWeight()) {
        return "weight";
      }
      if (param.isEmpty()) {
        return "none";
      }
      return index.length == 0 ? param
          : param + Arrays.toString(index).replace(" ", "");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Order x && java.util.Objects.equals(x.param, param) && Arrays.equals(x.index, index);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hashCode(param) * 31 + Arrays.hashCode(index);
    }
  }

  /**
   * A fit with its components renamed.
   *
   * @param fit the fit, its parameters (and its model's) permuted
   * @param by what they were ordered by
   * @param from new component j is the fit's component {@code from[j]} (0-based)
   * @param keys the ordered quantity of each new component: its weight, or the parameter's number
   */
  public record Ordered(FitResult fit, Order by, int[] from, double[] keys) {}

  /**
   * Why {@code m}'s components cannot be ordered by {@code order}, or null when they can: the model
   * must have components, this relabelling must know how they index the parameters, and a
   * parameter to order by must have a number of its own in each component.
   */
  public String problem(EmModel m, Order order) {
    if (order.equals(Order.NONE)) {
      return null;
    }
    if (refusal != null) {
      return refusal;
    }
    if (m.components() < 2 || !LatentPass.of(m).finite()) {
      return "model " + m.name() + " has no components to order: " + LatentPass.of(m).counted();
    }
    if (order.byWeight()) {
      return null;
    }
    ParamInfo p = m.params().stream().filter(x -> x.name().equals(order.param())).findFirst().orElse(null);
    if (p == null) {
      return "model " + m.name() + " has no parameter " + order.param() + " (it has "
          + String.join(", ", m.params().stream().map(ParamInfo::name).toList()) + ")";
    }
    boolean perComponent = p.copies() == m.components();
    boolean entries = overComponents.contains(p.name());
    if (perComponent && entries || !perComponent && !entries) {
      return p.name() + " is not " + (entries ? "ordered by one number per component: its entries are components too"
          : "one value per component, but shared by them") + "; order by weight or by a parameter of each component";
    }
    int[] shape = entries ? new int[0] : p.shape();
    if (order.index().length != shape.length) {
      return shape.length == 0 ? p.name() + " has one number per component: order by " + p.name() + ", without an index"
          : p.name() + "'s value in each component has shape " + Arrays.toString(shape) + ": name one number of it, as "
              + p.name() + (shape.length == 1 ? "[1]" : "[1,1]") + " (1-based)";
    }
    for (int i = 0; i < shape.length; i++) {
      if (order.index()[i] < 1 || order.index()[i] > shape[i]) {
        return p.name() + "'s index " + (i + 1) + " runs from 1 to " + shape[i] + ", not " + order.index()[i];
      }
    }
    return null;
  }

  /** Each parameter with component j's values taken from component {@code from[j]}. */
  public Map<String, double[]> permute(List<ParamInfo> params, Map<String, double[]> values, int k, int[] from) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (ParamInfo p : params) {
      double[] v = values.get(p.name());
      double[] w = v.clone();
      int n = p.elements();
      if (p.copies() == k) {
        for (int j = 0; j < k; j++) {
          System.arraycopy(v, from[j] * n, w, j * n, n);
        }
      }
      if (overComponents.contains(p.name())) {
        // Every run of K entries (φ; each row of A) is a distribution over the components.
        double[] rows = w.clone();
        for (int b = 0; b < w.length; b += k) {
          for (int j = 0; j < k; j++) {
            w[b + j] = rows[b + from[j]];
          }
        }
      }
      out.put(p.name(), w);
    }
    return out;
  }

  /**
   * The fit with its components in {@code order}: by weight, Σ_n r_nk / N at the fitted
   * parameters (for a chain, each state's share of the rows), the largest first; or by one number
   * of a parameter, the smallest first. Ties keep the fit's order. One E-step pass finds the
   * weights, and one more checks that the renamed parameters give the same log-likelihood and the
   * same weights renamed: a renaming that changed the model would be a bug, not a relabelling.
   *
   * @throws IllegalArgumentException when {@link #problem} is not null
   */
  public Ordered order(FitResult fit, DataMatrix data, Order order, int threads) throws DataException {
    EmModel m = fit.model();
    int k = m.components();
    String problem = problem(m, order);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    if (order.equals(Order.NONE)) {
      int[] identity = new int[k];
      Arrays.setAll(identity, j -> j);
      return new Ordered(fit, order, identity, new double[k]);
    }
    double[] before;
    try (Fitter f = new Fitter(threads)) {
      before = f.statistics(m, data);
    }
    double[] keys = new double[k];
    if (order.byWeight()) {
      for (int j = 0; j < k; j++) {
        keys[j] = before[EmModel.COUNT + j] / before[EmModel.WEIGHT];
      }
    } else {
      ParamInfo p = m.params().stream().filter(x -> x.name().equals(order.param())).findFirst().orElseThrow();
      double[] v = fit.params().get(p.name());
      int at = 0;
      for (int i = 0; i < order.index().length; i++) {
        at = at * p.shape()[i] + order.index()[i] - 1;
      }
      for (int j = 0; j < k; j++) {
        keys[j] = p.copies() == k ? v[j * p.elements() + at] : v[j];
      }
    }
    Integer[] sorted = new Integer[k];
    Arrays.setAll(sorted, j -> j);
    double sign = order.byWeight() ? -1 : 1;
    Arrays.sort(sorted, (a, b) -> Double.compare(sign * keys[a], sign * keys[b]));
    int[] from = Arrays.stream(sorted).mapToInt(Integer::intValue).toArray();
    double[] orderedKeys = new double[k];
    for (int j = 0; j < k; j++) {
      orderedKeys[j] = keys[from[j]];
    }
    boolean identity = true;
    for (int j = 0; j < k; j++) {
      identity &= from[j] == j;
    }
    if (identity) {
      return new Ordered(fit, order, from, orderedKeys);
    }
    Map<String, double[]> params = permute(m.params(), fit.params(), k, from);
    for (ParamInfo p : m.params()) {
      System.arraycopy(params.get(p.name()), 0, m.param(p.name()), 0, params.get(p.name()).length);
    }
    String unusable = m.prepare();
    double[] after;
    try (Fitter f = new Fitter(threads)) {
      after = f.statistics(m, data);
    }
    double scale = 1e-9 * (1 + Math.abs(before[EmModel.LOGLIK]));
    boolean same = unusable == null && Math.abs(after[EmModel.LOGLIK] - before[EmModel.LOGLIK]) <= scale;
    for (int j = 0; j < k && same; j++) {
      same = Math.abs(after[EmModel.COUNT + j] - before[EmModel.COUNT + from[j]]) <= 1e-9 * before[EmModel.WEIGHT];
    }
    if (!same) {
      throw new IllegalStateException("renaming the components of model " + m.name() + " changed it (log-likelihood "
          + before[EmModel.LOGLIK] + " became " + after[EmModel.LOGLIK] + (unusable == null ? "" : "; " + unusable)
          + "): a parameter is indexed by the component in a way the relabelling does not know (a bug in emc)");
    }
    FitResult renamed = new FitResult(m, params, fit.logLikelihood(), fit.objective(), fit.iterations(),
        fit.converged(), fit.trace(), fit.halvings(), fit.restart(), fit.rows(), fit.weight(), fit.warnings(),
        fit.fitSeconds(), fit.secondsPerIteration(), fit.options());
    return new Ordered(renamed, order, from, orderedKeys);
  }
}
