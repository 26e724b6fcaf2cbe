package dev.emc.analysis;

import dev.emc.analysis.EmPlan.ParamSlot;
import dev.emc.analysis.latent.Enumerated;
import dev.emc.analysis.latent.MarkovChain;
import dev.emc.math.Derivative;
import dev.emc.math.Expr;
import dev.emc.math.Symbol;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A row's complete-data score and Hessian, ∂/∂θ log p(x_n, z = k) and ∂²/∂θ∂θᵀ log p(x_n, z = k),
 * written from the row's log-density by {@link Derivative}: what the observed information (Louis'
 * identity, in {@code runtime.fit.Information}) adds up over the rows.
 *
 * <p>θ here is the numbers of the parameters that component k's log-density reads, the same
 * formula for every k: φ_k, then μ_k's elements, then σ²_k's, in the order of the plan's
 * parameters. Each is a {@link Coordinate}; the code generator maps it to its place in the
 * parameters' storage.
 *
 * @param logDensity log p(x_n, z = k), expanded number by number
 * @param score ∂/∂θ_a log p(x_n, z = k), one per coordinate
 * @param hessian ∂²/∂θ_a∂θ_b log p(x_n, z = k) for a ≤ b, row by row: (0,0), (0,1), …, (1,1), …
 * @param matrixLeaves the leaves that stand for a covariance's log-determinant, the entries of its
 *     inverse and its distinct entries (see {@link Derivative})
 * @param softmaxLeaves the leaves of a softmax over the components, its log-normalizer and its
 *     probabilities, which the code computes once per row (see {@link Derivative.SoftmaxLeaf})
 * @param componentLeaves the leaves that are a given component's numbers (see {@link
 *     Derivative.ComponentLeaf})
 */
public record Scores(List<Coordinate> coordinates, Expr logDensity, List<Expr> score, List<Expr> hessian,
    Map<Symbol, Derivative.MatrixLeaf> matrixLeaves, Map<Symbol, Derivative.SoftmaxLeaf> softmaxLeaves,
    Map<Symbol, Derivative.ComponentLeaf> componentLeaves) {
  public Scores {
    coordinates = List.copyOf(coordinates);
    score = List.copyOf(score);
    hessian = List.copyOf(hessian);
    // In the order found: the generated code follows it, and Map.copyOf's order changes from run to run.
    matrixLeaves = Collections.unmodifiableMap(new LinkedHashMap<>(matrixLeaves));
    softmaxLeaves = Collections.unmodifiableMap(new LinkedHashMap<>(softmaxLeaves));
    componentLeaves = Collections.unmodifiableMap(new LinkedHashMap<>(componentLeaves));
  }

  public Scores(List<Coordinate> coordinates, Expr logDensity, List<Expr> score, List<Expr> hessian,
      Map<Symbol, Derivative.MatrixLeaf> matrixLeaves) {
    this(coordinates, logDensity, score, hessian, matrixLeaves, Map.of(), Map.of());
  }

  /**
   * The parameters read at every component through a softmax over them (a mixture of experts'
   * gate G): a common shift of their components' values changes no probability, so only K − 1 of
   * them are identified, and the fit keeps them centred, Σ_k g_k = 0.
   */
  public List<String> centred() {
    return coordinates.stream().filter(c -> c.component() >= 0).map(c -> c.param().name()).distinct().toList();
  }

  /**
   * One number of a parameter, as the expanded formula reads it.
   *
   * @param leaf the parameter's symbol (a scalar), {@code At(v, i)} (element i of a vector), or
   *     {@code At(φ, k)} (the component's own entry of a parameter over the components)
   * @param param the parameter
   * @param element its 0-based place in one value, or −1 for the component's own entry
   * @param component for a number of one component's value that every component's density reads
   *     (G_j inside a softmax over the components, 0-based j), that component; else −1
   */
  public record Coordinate(Expr leaf, ParamSlot param, int element, int component) {
    public Coordinate(Expr leaf, ParamSlot param, int element) {
      this(leaf, param, element, -1);
    }

    /** Whether the coordinate's place moves with the component: μ_k's elements, φ_k. */
    public boolean perComponent() {
      return component < 0 && (param.perComponent() || element < 0);
    }
  }

  /** The entry of {@link #hessian} for coordinates a and b, in either order. */
  public Expr hessian(int a, int b) {
    return hessian.get(packed(a, b, coordinates.size()));
  }

  /** Where entry (a, b), in either order, of an n × n symmetric matrix stands in its upper triangle row by row. */
  static int packed(int a, int b, int n) {
    int i = Math.min(a, b);
    int j = Math.max(a, b);
    return i * n - i * (i - 1) / 2 + (j - i);
  }

  /**
   * The scores of a model whose latent is enumerated row by row (a mixture, a mixture of
   * regressions), or of a hidden Markov chain's emission densities log p(x_n | z_n = k), which the
   * forward recursion of derivatives in {@code runtime.fit.Information} combines with the chain's own
   * first-state and transition probabilities.
   *
   * @throws Derivative.Unsupported for any other structure, or a density this unit cannot write
   *     out number by number: the message says which
   */
  public static Scores of(EmPlan plan) throws Derivative.Unsupported {
    if (!(plan.latent() instanceof Enumerated) && !(plan.latent() instanceof MarkovChain)) {
      throw new Derivative.Unsupported("standard errors are not available for " + structure(plan) + " yet");
    }
    // With a prior the information is the log posterior's: the prior's Hessian must be written too.
    PriorCurvature.of(plan);
    Expr joint = new Expr.Num(0);
    for (Expr term : plan.latent().rowLogDensities(plan.factors())) {
      joint = new Expr.Add(joint, term);
    }
    Derivative d = Derivative.expand(joint, plan::size, plan.latent().size());
    Expr expanded = d.formula();
    List<Coordinate> coordinates = coordinates(plan, d);
    // Each entry is at least one node: past the limit in entries alone, the Hessian is not built
    // (at D = 64 a full covariance has 2145 coordinates, 2.3 million entries, half a minute's work).
    long entries = (long) coordinates.size() * (coordinates.size() + 1) / 2;
    if (entries > MAX_NODES) {
      throw tooLarge(entries, entries);
    }
    List<Expr> score = new ArrayList<>();
    for (Coordinate c : coordinates) {
      score.add(dev.emc.math.Simplify.of(d.of(expanded, c.leaf())));
    }
    List<Expr> hessian = new ArrayList<>();
    for (int a = 0; a < coordinates.size(); a++) {
      for (int b = a; b < coordinates.size(); b++) {
        hessian.add(dev.emc.math.Simplify.of(d.of(score.get(a), coordinates.get(b).leaf())));
      }
    }
    int nodes = 0;
    for (Expr h : hessian) {
      nodes += size(h);
    }
    if (nodes > MAX_NODES) {
      throw tooLarge(hessian.size(), nodes);
    }
    return new Scores(coordinates, expanded, score, hessian, d.matrixLeaves(), d.softmaxLeaves(),
        d.componentLeaves());
  }

  /**
   * The quadratic forms vᵀΣ⁻¹v (their {@link Derivative.MatrixLeaf.Kind#QUAD} leaves) that the
   * score or the Hessian reads itself, not only through w = Σ⁻¹v and Σ⁻¹: a t's log(ν/2 + δ/2)
   * keeps δ after differentiating, where a normal's −δ/2 leaves only w.
   */
  public List<Symbol> quadraticFormsRead() {
    List<Symbol> read = new ArrayList<>();
    for (Map.Entry<Symbol, Derivative.MatrixLeaf> e : matrixLeaves.entrySet()) {
      Expr form = new Expr.Sym(e.getKey());
      if (e.getValue().kind() == Derivative.MatrixLeaf.Kind.QUAD
          && (score.stream().anyMatch(d -> reads(d, form)) || hessian.stream().anyMatch(d -> reads(d, form)))) {
        read.add(e.getKey());
      }
    }
    return read;
  }

  private static boolean reads(Expr e, Expr leaf) {
    if (e.equals(leaf)) {
      return true;
    }
    for (Expr c : Expr.children(e)) {
      if (reads(c, leaf)) {
        return true;
      }
    }
    return false;
  }

  static Derivative.Unsupported tooLarge(long entries, long nodes) {
    return new Derivative.Unsupported("standard errors are not available for this model at these sizes yet: the"
        + " Hessian of one component's log-density has " + entries + " entries (at least " + nodes + " terms),"
        + " more than the generated code writes out (" + MAX_NODES + ")");
  }

  /** What the analytic standard errors cover, for the message of a model they do not. */
  public static final String COVERS = "--se covers finite mixtures of independent rows (mixtures of regressions"
      + " and of experts, latent class tables, gamma shapes, full covariances up to D = 6 (in a plain Gaussian"
      + " mixture at any D, by its closed form) and t mixtures (full scale matrices at any D, by their closed form;"
      + " diagonal ones up to D = 8) among them; with a prior, as the posterior's Laplace approximation) and hidden"
      + " Markov models; factor analysis and its mixtures too (W only up to a rotation);"
      + " --bootstrap B covers the others (--bootstrap-kind parametric where the rows cannot be reweighted)";

  /**
   * The most formula nodes the Hessian's entries may have between them: written out one statement
   * an entry, more would pass the JVM's 64 KB limit on a method's code (a full covariance of D = 6
   * has 28 coordinates a component, 406 entries).
   */
  static final int MAX_NODES = 12000;

  static int size(Expr e) {
    int n = 1;
    for (Expr c : Expr.children(e)) {
      n += size(c);
    }
    return n;
  }

  private static String structure(EmPlan plan) {
    return plan.latent().finite() ? "this latent structure"
        : "a continuous latent by generated scores (factor analysis: its standard errors are its marginal"
            + " Gaussian's, in closed form, MarginalGaussian)";
  }

  /** The parameters' numbers the formula reads, in the plan's order of parameters, then element by element. */
  static List<Coordinate> coordinates(EmPlan plan, Derivative d) throws Derivative.Unsupported {
    Set<Expr> leaves = new LinkedHashSet<>();
    collect(d.formula(), leaves);
    Set<Symbol> matrices = new LinkedHashSet<>();
    for (Derivative.MatrixLeaf m : d.matrixLeaves().values()) {
      // A quadratic form's vector, x_n − μ_k, is read inside its leaf; so is a diagonal spread.
      if (!m.matrix().shape().isMatrix()) {
        collect(Derivative.writtenOut(m), leaves);
      } else {
        matrices.add(m.matrix());
        if (m.vector() != null) {
          m.vector().forEach(v -> collect(v, leaves));
        }
      }
    }
    List<Coordinate> out = new ArrayList<>();
    for (Symbol m : matrices) {
      ParamSlot slot = plan.params().stream().filter(p -> p.name().equals(m.name())).findFirst()
          .orElseThrow(() -> new Derivative.Unsupported("the covariance " + m.name() + " is no parameter"));
      int n = m.shape().dim() instanceof dev.emc.types.Dim.Known known ? known.value()
          : plan.size(m.shape().dim().toString());
      for (int i = 0; i < n; i++) {
        for (int j = i; j < n; j++) {
          out.add(new Coordinate(d.entry(m, i, j), slot, i * n + j));
        }
      }
    }
    // A parameter that the density reads at every component (G_j in a softmax over them) has
    // every component's numbers for coordinates; its own component's, G_k, are among them.
    Set<String> everyComponent = new LinkedHashSet<>();
    for (var e : d.componentLeaves().entrySet()) {
      Derivative.ComponentLeaf c = e.getValue();
      ParamSlot slot = plan.params().stream().filter(p -> p.name().equals(c.param().name())).findFirst().orElseThrow();
      everyComponent.add(slot.name());
      out.add(new Coordinate(new Expr.Sym(e.getKey()), slot, c.element(), c.component()));
    }
    for (Expr leaf : leaves) {
      Symbol s = leaf instanceof Expr.At at ? ((Expr.Sym) at.vector()).symbol() : ((Expr.Sym) leaf).symbol();
      ParamSlot slot = plan.params().stream().filter(p -> p.name().equals(s.name())).findFirst().orElseThrow();
      if (everyComponent.contains(slot.name())) {
        continue;
      }
      if (leaf instanceof Expr.At at && at.index() instanceof Expr.Sym i && i.symbol().kind() == Symbol.Kind.DATA) {
        // θ[y_n]: the row reads one entry, a different one per row; every entry is a coordinate.
        int n = s.shape().dim() instanceof dev.emc.types.Dim.Known known ? known.value()
            : plan.size(s.shape().dim().toString());
        for (int j = 1; j <= n; j++) {
          out.add(new Coordinate(Derivative.element(s, j), slot, j - 1));
        }
        continue;
      }
      if (slot.symbol().shape().isMatrix()) {
        throw new Derivative.Unsupported("no score for the matrix " + slot.name() + " read entry by entry yet");
      }
      int element = leaf instanceof Expr.At at
          ? at.index() instanceof Expr.Num n ? (int) n.value() - 1 : -1
          : 0;
      if (element < 0 && slot.perComponent()) {
        throw new Derivative.Unsupported(slot.name() + " read at the component inside a component");
      }
      out.add(new Coordinate(leaf, slot, element));
    }
    out = new ArrayList<>(new LinkedHashSet<>(out));
    out.sort(Comparator.comparingInt((Coordinate c) -> plan.params().indexOf(c.param()))
        .thenComparingInt(Coordinate::component).thenComparingInt(Coordinate::element));
    return out;
  }

  private static void collect(Expr e, Set<Expr> leaves) {
    if (e instanceof Expr.Sym s && s.symbol().kind() == Symbol.Kind.PARAM) {
      leaves.add(e);
      return;
    }
    if (e instanceof Expr.At at && at.vector() instanceof Expr.Sym s && s.symbol().kind() == Symbol.Kind.PARAM) {
      leaves.add(e);
      return;
    }
    for (Expr c : Expr.children(e)) {
      collect(c, leaves);
    }
  }
}
