package dev.emc.api;

import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.analysis.EmPlan;
import dev.emc.dist.Families;
import dev.emc.dist.Family;
import dev.emc.dist.Signature;
import dev.emc.math.Expr;
import dev.emc.math.Symbol;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.types.Dim;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * Draws rows from a model's generative process, statement by statement in the order the model
 * implies: each row's latent value first (its component; for a chain, given the row before; for
 * factor analysis, its factors), then each data variable from its family's sampler, with the
 * arguments' formulas evaluated at that latent value.
 */
final class Simulator {
  private final EmPlan plan;
  private final Map<String, double[]> params;
  private final FactorPlan latent;
  private final FactorPlan transition;
  /** h ~ N(0, I), a continuous latent's statement; null without one. */
  private final FactorPlan factors;
  private final List<FactorPlan> data;
  private final Map<FactorPlan, Sampler> samplers = new HashMap<>();
  /** Whether arguments read the rows' covariates, so that they are evaluated row by row. */
  private final boolean perRow;
  /** The rows being drawn, their covariates already in place, and where the row being drawn starts. */
  private double[] row;
  private int rowOffset;

  /**
   * A statement's family and form, the data slot it draws into (null for the latent's), and its
   * arguments at each component, evaluated once: only factor analysis' depend on the row (on h).
   */
  private record Sampler(Family family, Signature form, EmPlan.DataSlot slot, List<List<double[]>> byComponent) {}

  Simulator(EmPlan plan, Families families, Map<String, double[]> params) {
    this.plan = plan;
    this.params = params;
    this.perRow = plan.data().stream().anyMatch(EmPlan.DataSlot::covariate);
    FactorPlan first = null;
    FactorPlan next = null;
    List<FactorPlan> observed = new ArrayList<>();
    FactorPlan factors = null;
    for (FactorPlan f : plan.factors()) {
      addSampler(families, f);
      if (f.lhsIsLatent() && plan.latent().finite() && f.lhs().equals(plan.latent().name())) {
        first = f;
      } else if (f.lhsIsLatent()) {
        // A continuous latent's (factors h), drawn after the finite one when there is one.
        factors = f;
      } else {
        observed.add(f);
      }
    }
    this.factors = factors;
    // The statements a latent structure accounts for itself (a chain's) draw the latent: the one
    // whose probabilities are per component given the row before's component, the other at the
    // first row of each sequence.
    for (FactorPlan f : plan.latent().ownFactors()) {
      addSampler(families, f);
      if (f.perComponent()) {
        next = f;
      } else {
        first = f;
      }
    }
    this.latent = first;
    this.transition = next;
    this.data = observed;
  }

  private void addSampler(Families families, FactorPlan f) {
    Family family = families.find(f.family()).orElseThrow();
    Signature form = family.signatures().stream().filter(s -> s.label().equals(f.form())).findFirst().orElseThrow();
    samplers.put(f, new Sampler(family, form, f.lhsIsLatent() ? null : slot(f), new ArrayList<>()));
  }

  /**
   * The values drawn so far in this row of the latents given the component (a t mixture's scale w),
   * which the statements after them read in their arguments.
   */
  private final Map<String, double[]> rowLatents = new HashMap<>();

  /**
   * {@code rows} rows in {@code sequences} sequences of (nearly) equal length, named {@code names}
   * (a fit's columns) when they fit the model's layout.
   */
  Simulation draw(int rows, int sequences, long seed, List<String> names) {
    int[] starts = new int[sequences];
    for (int s = 0; s < sequences; s++) {
      starts[s] = (int) ((long) rows * s / sequences);
    }
    return draw(rows, starts, seed, names, null);
  }

  /**
   * A data set like {@code data}: as many rows, in sequences of the same lengths, each keeping its
   * row's covariates; every other column drawn (the parametric bootstrap's replicate).
   */
  Simulation like(DataMatrix data, long seed) {
    List<EmPlan.DataSlot> given = covariateSlots();
    int width = given.stream().mapToInt(EmPlan.DataSlot::width).sum();
    double[] covariates = null;
    if (width > 0) {
      if (data.values() == null) {
        throw new IllegalArgumentException("drawing rows like the data needs their covariates in memory (not --stream)");
      }
      covariates = new double[data.rows() * width];
      for (int n = 0; n < data.rows(); n++) {
        int at = n * width;
        for (EmPlan.DataSlot d : given) {
          System.arraycopy(data.values(), n * data.columns() + d.offset(), covariates, at, d.width());
          at += d.width();
        }
      }
    }
    int[] bounds = data.sequenceBounds();
    return draw(data.rows(), java.util.Arrays.copyOf(bounds, bounds.length - 1), seed, data.names(), covariates);
  }

  /**
   * One row drawn for each row of {@code covariates} (flat: the covariates' values side by side, in
   * the model's order), which the drawn rows keep: the model conditions on them.
   */
  Simulation draw(double[] covariates, long seed, List<String> names) {
    int width = covariateSlots().stream().mapToInt(EmPlan.DataSlot::width).sum();
    if (width == 0) {
      throw new IllegalArgumentException("model " + plan.model() + " has no covariates to simulate at");
    }
    return draw(covariates.length / width, new int[] {0}, seed, names, covariates);
  }

  private List<EmPlan.DataSlot> covariateSlots() {
    return plan.data().stream().filter(EmPlan.DataSlot::covariate).toList();
  }

  /** {@code rows} rows, a sequence starting at each of {@code starts} (the first at 0). */
  private Simulation draw(int rows, int[] starts, long seed, List<String> names, double[] covariates) {
    int sequences = starts.length;
    List<EmPlan.DataSlot> given = covariateSlots();
    if (!given.isEmpty() && covariates == null) {
      throw new IllegalArgumentException("model " + plan.model() + " has the covariate " + given.get(0).name()
          + ", whose values a simulation needs: give them with --data, one row drawn per row");
    }
    RandomGenerator rng = new SplittableRandom(seed);
    int columns = plan.columns();
    double[] values = new double[rows * columns];
    // The covariates are the rows' own: copied in first, and read by the arguments that use them.
    int covariateWidth = given.stream().mapToInt(EmPlan.DataSlot::width).sum();
    for (int n = 0; n < rows; n++) {
      int from = n * covariateWidth;
      for (EmPlan.DataSlot d : given) {
        System.arraycopy(covariates, from, values, n * columns + d.offset(), d.width());
        from += d.width();
      }
    }
    this.row = values;
    double[][] latents = new double[rows][];
    // A finite latent's value picks the component its data are drawn from; a continuous one's
    // (factors h) enters their arguments instead. A mixture of factor analysers has both: z, then h.
    boolean finite = latent != null;
    int width = factors == null ? 0 : size(plan.latent().dimension());
    int previous = 0;
    for (int n = 0, s = 0; n < rows; n++) {
      boolean firstOfSequence = s < sequences && starts[s] == n;
      if (firstOfSequence) {
        s++;
      }
      double[] z = new double[finite ? 1 : 0];
      rowOffset = n * columns;
      if (finite) {
        FactorPlan from = transition != null && !firstOfSequence ? transition : latent;
        // The latent's own probabilities depend on no component; a transition's on the previous row's.
        sample(from, from == transition ? previous : 0, null, rng, z);
      }
      int k = finite ? (int) z[0] - 1 : 0;
      previous = k;
      double[] h = null;
      if (factors != null) {
        h = new double[width];
        sample(factors, k, null, rng, h);
      }
      latents[n] = h == null ? z : concat(z, h);
      rowLatents.clear();
      for (FactorPlan f : data) {
        EmPlan.DataSlot slot = samplers.get(f).slot();
        if (slot == null) {
          // A latent given the component, drawn before the data that read it.
          double[] drawn = new double[1];
          sample(f, k, h, rng, drawn);
          rowLatents.put(f.lhs(), drawn);
          continue;
        }
        double[] out = new double[slot.width()];
        sample(f, k, h, rng, out);
        System.arraycopy(out, 0, values, n * columns + slot.offset(), slot.width());
      }
    }
    DataMatrix matrix = new DataMatrix("simulated", columnNames(names), values, rows, columns, null);
    return new Simulation(sequences > 1 ? matrix.withSequences(starts) : matrix, latentNames(finite, width),
        latents);
  }

  private static double[] concat(double[] a, double[] b) {
    double[] both = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  /**
   * The columns the latents' values are written in: the finite latent's name (z), then one per
   * factor (h1..hQ).
   */
  private List<String> latentNames(boolean finite, int width) {
    List<String> names = new ArrayList<>(finite ? List.of(plan.latent().name()) : List.of());
    if (factors != null) {
      IntStream.rangeClosed(1, width).mapToObj(i -> factors.lhs() + i).forEach(names::add);
    }
    return names;
  }

  /** {@code fitted} when it fits the layout; else x, or x1..xD, per data variable. */
  private List<String> columnNames(List<String> fitted) {
    if (fitted.size() == plan.columns()) {
      return fitted;
    }
    List<String> names = new ArrayList<>();
    for (EmPlan.DataSlot d : plan.data()) {
      for (int i = 1; i <= d.width(); i++) {
        names.add(d.type().isScalar() ? d.name() : d.name() + i);
      }
    }
    return names;
  }

  /** The data variable a statement draws, its left side; null for a latent given the component. */
  private EmPlan.DataSlot slot(FactorPlan f) {
    return plan.data().stream().filter(d -> d.name().equals(f.lhs())).findFirst().orElse(null);
  }

  private void sample(FactorPlan f, int k, double[] h, RandomGenerator rng, double[] out) {
    Sampler s = samplers.get(f);
    // Arguments that read the row (its factors h, its latent scale w, its covariates) are evaluated
    // for each row.
    boolean fixed = h == null && rowLatents.isEmpty() && !perRow;
    List<double[]> args = fixed && k < s.byComponent().size() ? s.byComponent().get(k) : null;
    if (args == null) {
      args = new ArrayList<>();
      for (Expr a : f.args()) {
        args.add(eval(a, k, h));
      }
      if (fixed) {
        // Components are met in any order: fill the list up to k, then keep this one.
        while (s.byComponent().size() <= k) {
          s.byComponent().add(null);
        }
        s.byComponent().set(k, args);
      }
    }
    try {
      s.family().sample(s.form(), args, rng, out);
    } catch (UnsupportedOperationException e) {
      throw new IllegalArgumentException("cannot simulate `" + f.statement() + "`: " + e.getMessage());
    }
  }

  /** An argument's value at component k (and factors h), flat. */
  private double[] eval(Expr e, int k, double[] h) {
    return e.accept(new ArgumentValue((s, j) -> symbol(s, j, h), k, plan.latent().components(), this::size));
  }

  private double[] symbol(Symbol s, int k, double[] h) {
    if (factors != null && s.name().equals(factors.lhs()) && h != null) {
      return h;
    }
    if (rowLatents.containsKey(s.name())) {
      return rowLatents.get(s.name());
    }
    if (s.kind() == Symbol.Kind.DATA) {
      // A covariate, at the row being drawn.
      EmPlan.DataSlot d = plan.data().stream().filter(c -> c.name().equals(s.name()) && c.covariate()).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("cannot simulate with the data " + s.name()
              + " in an argument"));
      return java.util.Arrays.copyOfRange(row, rowOffset + d.offset(), rowOffset + d.offset() + d.width());
    }
    if (s.kind() == Symbol.Kind.PARAM) {
      double[] all = params.get(s.name());
      if (!s.perComponent()) {
        return all;
      }
      int elements = plan.params().stream().filter(p -> p.name().equals(s.name())).findFirst().orElseThrow()
          .elements();
      return java.util.Arrays.copyOfRange(all, k * elements, (k + 1) * elements);
    }
    throw new IllegalArgumentException("cannot simulate with " + s.name() + " (" + s.kind() + ") in an argument");
  }

  private int size(Dim d) {
    return d instanceof Dim.Known known ? known.value() : plan.size(((Dim.Named) d).name());
  }
}
