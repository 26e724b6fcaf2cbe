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
  private final List<FactorPlan> data;
  private final Map<FactorPlan, Sampler> samplers = new HashMap<>();

  /**
   * A statement's family and form, the data slot it draws into (null for the latent's), and its
   * arguments at each component, evaluated once: only factor analysis' depend on the row (on h).
   */
  private record Sampler(Family family, Signature form, EmPlan.DataSlot slot, List<List<double[]>> byComponent) {}

  Simulator(EmPlan plan, Families families, Map<String, double[]> params) {
    this.plan = plan;
    this.params = params;
    for (EmPlan.DataSlot d : plan.data()) {
      if (d.covariate()) {
        throw new IllegalArgumentException("model " + plan.model() + " has the covariate " + d.name()
            + ", whose values a simulation would need to be given; emc simulates models without covariates");
      }
    }
    FactorPlan first = null;
    FactorPlan next = null;
    List<FactorPlan> observed = new ArrayList<>();
    for (FactorPlan f : plan.factors()) {
      addSampler(families, f);
      if (f.lhsIsLatent()) {
        first = f;
      } else {
        observed.add(f);
      }
    }
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
    RandomGenerator rng = new SplittableRandom(seed);
    int columns = plan.columns();
    double[] values = new double[rows * columns];
    double[][] latents = new double[rows][];
    // A finite latent's value picks the component its data are drawn from; a continuous one's
    // (factors h) enters their arguments instead, with one component.
    boolean continuous = !plan.latent().finite();
    int width = size(plan.latent().dimension());
    int[] starts = new int[sequences];
    for (int s = 0; s < sequences; s++) {
      starts[s] = (int) ((long) rows * s / sequences);
    }
    int previous = 0;
    for (int n = 0, s = 0; n < rows; n++) {
      boolean firstOfSequence = s < sequences && starts[s] == n;
      if (firstOfSequence) {
        s++;
      }
      double[] z = new double[width];
      FactorPlan from = transition != null && !firstOfSequence ? transition : latent;
      // The latent's own probabilities depend on no component; a transition's on the previous row's.
      sample(from, from == transition ? previous : 0, null, rng, z);
      latents[n] = z;
      int k = continuous ? 0 : (int) z[0] - 1;
      previous = k;
      rowLatents.clear();
      for (FactorPlan f : data) {
        EmPlan.DataSlot slot = samplers.get(f).slot();
        if (slot == null) {
          // A latent given the component, drawn before the data that read it.
          double[] drawn = new double[1];
          sample(f, k, continuous ? z : null, rng, drawn);
          rowLatents.put(f.lhs(), drawn);
          continue;
        }
        double[] out = new double[slot.width()];
        sample(f, k, continuous ? z : null, rng, out);
        System.arraycopy(out, 0, values, n * columns + slot.offset(), slot.width());
      }
    }
    DataMatrix matrix = new DataMatrix("simulated", columnNames(names), values, rows, columns, null);
    return new Simulation(sequences > 1 ? matrix.withSequences(starts) : matrix, latentNames(continuous, width),
        latents);
  }

  /** The latent's name (z), or one per factor (h1..hQ): the columns its values are written in. */
  private List<String> latentNames(boolean continuous, int factors) {
    String z = plan.latent().name();
    return continuous ? IntStream.rangeClosed(1, factors).mapToObj(i -> z + i).toList() : List.of(z);
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
    // Arguments that may read this row's latents (w) are evaluated row by row.
    boolean perRow = h != null || !rowLatents.isEmpty();
    List<double[]> args = !perRow && k < s.byComponent().size() ? s.byComponent().get(k) : null;
    if (args == null) {
      args = new ArrayList<>();
      for (Expr a : f.args()) {
        args.add(eval(a, k, h));
      }
      if (!perRow) {
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
    return e.accept(new ArgumentValue(s -> symbol(s, k, h), this::size));
  }

  private double[] symbol(Symbol s, int k, double[] h) {
    if (s.name().equals(plan.latent().name()) && h != null) {
      return h;
    }
    if (rowLatents.containsKey(s.name())) {
      return rowLatents.get(s.name());
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
