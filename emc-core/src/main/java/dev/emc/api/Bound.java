package dev.emc.api;

import dev.emc.analysis.EmPlan;
import dev.emc.codegen.JavaGenerator;
import dev.emc.derive.Derivation;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A model with every size known: its EM plan, its Java, and the data it was bound to, if any. */
public final class Bound {
  private final Emc emc;
  private final EmPlan plan;
  private final String inputs;
  private final Optional<DataMatrix> data;
  private String source;

  /** {@code inputs}: what {@code plan}, and so the generated source, was made from (see Model). */
  Bound(Emc emc, EmPlan plan, String inputs, Optional<DataMatrix> data) {
    this.emc = emc;
    this.plan = plan;
    this.inputs = inputs;
    this.data = data;
  }

  /** The compiler's plan: internal, for the api's own use and the compiler's tests. */
  EmPlan plan() {
    return plan;
  }

  public Optional<DataMatrix> data() {
    return data;
  }

  /** The model's name, as its file declares it. */
  public String name() {
    return plan.model();
  }

  /** Each size's value, as a fit's JSON file records them. */
  public Map<String, Integer> sizes() {
    return plan.sizes();
  }

  /** Whether rows come in sequences that the E-step runs along (an HMM's chains). */
  public boolean bySequence() {
    return plan.latent().bySequence();
  }

  public String className() {
    return JavaGenerator.className(plan.model());
  }

  /** What the plan, and so the source, was made from: internal, for the compile cache's tests. */
  String inputs() {
    return inputs;
  }

  /** Whether the source was generated (a compile through the cache's pointer does not): for tests. */
  boolean generated() {
    return source != null;
  }

  /** The generated class, as source. */
  public String javaSource() {
    if (source == null) {
      // The comments cite the derivation's equations by number.
      source = JavaGenerator.generate(plan, Derivation.of(plan), className(), plan.model() + ".model",
          Emc.version());
    }
    return source;
  }

  /**
   * Draws {@code rows} rows from the model at {@code params} (flat, as {@link
   * dev.emc.runtime.EmModel#param} stores them), in {@code sequences} consecutive sequences for a
   * latent chain, with each family's sampler; named {@code names} (a fit's columns) when they fit
   * the model's layout, else x, or x1..xD, after each data variable.
   *
   * @throws IllegalArgumentException when the model has covariates (see the other simulate), or a
   *     family no sampler
   */
  public Simulation simulate(Map<String, double[]> params, int rows, int sequences, long seed, List<String> names) {
    return new Simulator(plan, emc.families(), params).draw(rows, sequences, seed, names);
  }

  /**
   * Draws a data set like {@code data} from the model at {@code params}: as many rows, in sequences
   * of the same lengths, with the same weights, each row keeping its covariates; what the parametric
   * bootstrap refits.
   *
   * @throws IllegalArgumentException when a family has no sampler, or the covariates are not in memory
   */
  public DataMatrix simulateLike(Map<String, double[]> params, DataMatrix data, long seed) {
    DataMatrix drawn = new Simulator(plan, emc.families(), params).like(data, seed).data();
    return data.weights() == null ? drawn : drawn.withWeights(data.weights());
  }

  /**
   * Draws one row for each row of {@code table} at {@code params}, for a model with covariates: it
   * conditions on them, so each drawn row keeps its row's covariates, read from the table's columns
   * by name ({@code names}, a fit's columns, when they fit the model's layout; else u, or
   * u1..uP, after each covariate), and the other columns are drawn.
   *
   * @throws DataException when the table lacks a covariate's column
   * @throws IllegalArgumentException when the model has no covariates, or a family no sampler
   */
  public Simulation simulate(Map<String, double[]> params, dev.emc.runtime.data.Table table, long seed,
      List<String> names) throws DataException {
    List<String> given = new java.util.ArrayList<>();
    for (EmPlan.DataSlot d : plan.data()) {
      for (int i = 0; d.covariate() && i < d.width(); i++) {
        given.add(names.size() == plan.columns() ? names.get(d.offset() + i)
            : d.type().isScalar() ? d.name() : d.name() + (i + 1));
      }
    }
    double[] covariates = new double[table.rows() * given.size()];
    for (int c = 0; c < given.size(); c++) {
      int column = table.header().indexOf(given.get(c));
      if (column < 0) {
        throw new DataException(table.source(), "no column named " + given.get(c)
            + ", a covariate's: each simulated row keeps its row's covariates (columns " + String.join(", ", given) + ")");
      }
      for (int n = 0; n < table.rows(); n++) {
        covariates[n * given.size() + c] = table.get(n, column);
      }
    }
    return new Simulator(plan, emc.families(), params).draw(covariates, seed, names);
  }

  /**
   * How the latent's values label the parameters, so that a fit's components can be renamed
   * (ordered) without changing the model.
   */
  public dev.emc.runtime.fit.Relabelling relabelling() {
    return Labels.of(plan);
  }

  /**
   * Why the compiled model has no analytic score, so no standard errors by its observed
   * information ({@code runtime.fit.Information}), and what they cover; null when it has one.
   */
  public String scoresUnavailable() {
    if (dev.emc.analysis.MarginalGaussian.covers(plan)) {
      return null;
    }
    try {
      dev.emc.analysis.Scores.of(plan);
      return null;
    } catch (dev.emc.math.Derivative.Unsupported e) {
      // Past the generated scores' sizes a plain Gaussian or t mixture has its information in closed form.
      var gaussian = dev.emc.analysis.GaussianMixture.of(plan);
      var t = dev.emc.analysis.TMixture.of(plan);
      String why = gaussian.isPresent() ? dev.emc.analysis.GaussianMixture.tooLarge(gaussian.get())
          : t.isPresent() ? dev.emc.analysis.TMixture.tooLarge(t.get()) : e.getMessage();
      return why == null ? null : why + ". " + dev.emc.analysis.Scores.COVERS;
    }
  }

  /** Whether the model conditions on covariates, whose values a simulation must be given. */
  public boolean hasCovariates() {
    return plan.data().stream().anyMatch(EmPlan.DataSlot::covariate);
  }

  /**
   * Whether the rows it was bound to can be fitted: at least one per component. Checked before
   * {@link #compile}, whose code and storage grow with K.
   */
  public Bound requireFittable() throws DataException {
    data.orElseThrow().requireRows(plan.latent().components());
    return this;
  }

  /**
   * The generated class, compiled in memory, or loaded from emc's compile cache when this source
   * was compiled before. A model bound to the same text, settings and sizes as before is found
   * by those without generating its source again (generating costs a cached fit most of its
   * start); the entry it points to is still the one keyed by the source, and checked as such.
   */
  public Compiled compile() {
    long t0 = System.nanoTime();
    Optional<CompileCache> cache = emc.cache();
    String byInputs = cache.map(c -> c.inputsKey(inputs, emc.classPath())).orElse(null);
    Optional<CompileCache.Entry> known = cache.flatMap(c -> c.byInputs(byInputs));
    if (known.isPresent()) {
      var type = InMemoryJavac.load(known.get().className(), known.get().classes(), emc.loader());
      return new Compiled(type, known.get().classes(), emc.classPath(), data, plan.sizes(),
          (System.nanoTime() - t0) / 1e9, true);
    }
    String name = className();
    String source = javaSource();
    String key = cache.map(c -> c.key(name, source, emc.classPath())).orElse(null);
    Optional<Map<String, byte[]>> stored = cache.flatMap(c -> c.get(key));
    Map<String, byte[]> classes = stored.orElseGet(() -> javac(name, source));
    if (stored.isEmpty()) {
      cache.ifPresent(c -> c.put(key, classes));
    }
    cache.ifPresent(c -> c.putInputs(byInputs, key, name));
    var type = InMemoryJavac.load(name, classes, emc.loader());
    return new Compiled(type, classes, emc.classPath(), data, plan.sizes(), (System.nanoTime() - t0) / 1e9,
        stored.isPresent());
  }

  /** The source compiled; when javac refuses a line that calls a plugin's code, the plugin is named. */
  private Map<String, byte[]> javac(String name, String source) {
    try {
      return InMemoryJavac.compile(name, source, emc.classPath());
    } catch (InMemoryJavac.NotJava e) {
      throw emc.families().pluginCalledIn(e.code, "the Java its formulas name does not compile",
          "; javac says:" + e.getMessage().substring(e.getMessage().indexOf(':') + 1)).orElseThrow(() -> e);
    }
  }
}
