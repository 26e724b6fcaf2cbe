package dev.emc.api;

import dev.emc.analysis.Analyzer;
import dev.emc.analysis.EmPlan;
import dev.emc.codegen.JavaGenerator;
import dev.emc.derive.Derivation;
import dev.emc.diag.Diagnostic;
import dev.emc.diag.DiagnosticException;
import dev.emc.diag.Diagnostics;
import dev.emc.diag.Source;
import dev.emc.runtime.data.Binder;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.fit.FitException;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.data.ReadOptions;
import dev.emc.runtime.data.RowCache;
import dev.emc.runtime.data.Table;
import dev.emc.semantics.CheckedModel;
import dev.emc.semantics.Role;
import dev.emc.semantics.Variable;
import dev.emc.types.Dim;
import dev.emc.types.Kind;
import dev.emc.types.Type;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A checked model, ready to be bound to data (which fixes its sizes), compiled and fitted. */
public final class Model {
  private final Emc emc;
  private final Source source;
  private final Map<String, Double> settings;
  private final CheckedModel checked;
  private final List<Diagnostic> warnings;

  Model(Emc emc, Source source, Map<String, Double> settings, CheckedModel checked, List<Diagnostic> warnings) {
    this.emc = emc;
    this.source = source;
    this.settings = Map.copyOf(settings);
    this.checked = checked;
    this.warnings = List.copyOf(warnings);
  }

  /** The checked model: internal, for the api's own use and the compiler's tests. */
  CheckedModel checked() {
    return checked;
  }

  /** Warnings the front end gave (a model with errors never gets this far). */
  public List<Diagnostic> warnings() {
    return warnings;
  }

  /**
   * The data variables, then the covariates, as the binder sees them: the order the model's rows
   * lay them out.
   */
  public List<Binder.Spec> specs() {
    return specs(false);
  }

  /** The same, with {@code missing}: a data variable's cells may be empty (not a covariate's). */
  private List<Binder.Spec> specs(boolean missing) {
    List<Binder.Spec> specs = new ArrayList<>();
    for (Variable v : checked.observed()) {
      Type t = v.type();
      int width = t.isScalar() ? 1 : known(t.dim());
      int categories = t.kind() == Kind.CATEGORY ? known(t.dim()) : 0;
      specs.add(new Binder.Spec(v.name(), t.kind().valueSet(), width, categories,
          missing && v.role() == Role.DATA));
    }
    return specs;
  }

  private int known(Dim d) {
    if (d instanceof Dim.Known k) {
      return k.value();
    }
    var size = checked.sizes().get(((Dim.Named) d).name());
    return size != null && size.value().isPresent() ? size.value().getAsInt() : -1;
  }


  /**
   * Binds the model to a table, read as {@code options} say: the data decide the sizes they give.
   * The weights, labels and sequence columns are taken out before the variables take theirs.
   */
  public Bound bind(Table table, BindOptions options) throws DataException {
    // The labels are read once the plan says how many components there are.
    Table labelled = table;
    int labelColumn = options.labels().isPresent() ? column(table, options.labels().get(), "--labels") : -1;
    if (labelColumn >= 0) {
      table = table.without(labelColumn);
    }
    double[] w = null;
    if (options.weights().isPresent()) {
      int at = column(table, options.weights().get(), "--weights");
      w = Binder.weights(table, at);
      table = table.without(at);
    }
    int[] starts = null;
    if (options.sequence().isPresent()) {
      int at = column(table, options.sequence().get(), "--sequence");
      Binder.requireFilled(table, at);
      starts = sequenceStarts(table, at);
      table = table.without(at);
    }
    List<Binder.Spec> specs = specs(options.marginalize());
    Optional<BindOptions.Fitted> fitted = options.fitted();
    Binder.Binding binding = fitted.isPresent()
        ? Binder.bindAsFitted(specs, table, fitted.get().columns(), fitted.get().fit())
        : Binder.bind(specs, table, options.columns());
    DataMatrix rows = Binder.select(table, specs, binding);
    if (starts != null) {
      rows = rows.withSequences(starts);
    }
    rows = w == null ? rows : rows.withWeights(w);
    Map<String, Double> sized = sized(binding);
    EmPlan plan = plan(sized);
    if (labelColumn >= 0) {
      rows = rows.withLabels(Binder.labels(labelled, labelColumn, plan.latent().components()));
    }
    return new Bound(emc, plan, generationInputs(sized), Optional.of(rows));
  }

  private static int column(Table table, String name, String option) throws DataException {
    int at = table.header().indexOf(name);
    if (at < 0) {
      throw new DataException(table.source(), option + " names " + name
          + ", but the data have no such column (they have " + String.join(", ", table.header()) + ")");
    }
    return at;
  }

  /**
   * Where each run of equal values in column {@code at} starts; a value may not come back later.
   * The values are names, numbers or words alike (a number as {@link DataMatrix#format} prints it).
   */
  private static int[] sequenceStarts(Table table, int at) throws DataException {
    List<Integer> starts = new ArrayList<>();
    java.util.Set<String> finished = new java.util.HashSet<>();
    for (int r = 0; r < table.rows(); r++) {
      String id = table.cell(r, at);
      if (r == 0 || !id.equals(table.cell(r - 1, at))) {
        if (r > 0) {
          finished.add(table.cell(r - 1, at));
        }
        if (finished.contains(id)) {
          throw table.atCell(r, at, "sequence " + id + " continues after other sequences' rows; the rows of a"
              + " sequence must be consecutive (sort the file by " + table.header().get(at)
              + ", keeping each sequence's order)");
        }
        starts.add(r);
      }
    }
    return starts.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Binds the model to a CSV file too large for the heap: its rows, checked and in the model's
   * layout, go to a {@link RowCache} at {@code cache} (deleted when the fit's data are closed),
   * a slab at a time.
   */
  public Bound bindStreamed(Path csv, Optional<List<String>> columns, Path cache) throws DataException, IOException {
    return bindStreamed(csv, csv.toString(), ReadOptions.defaults(), columns, cache);
  }

  /** The same, the file read as {@code read} says and named {@code name} in messages. */
  public Bound bindStreamed(Path csv, String name, ReadOptions read, Optional<List<String>> columns, Path cache)
      throws DataException, IOException {
    List<Binder.Spec> specs = specs();
    Map<String, Integer> categories = new LinkedHashMap<>();
    Binder.Binding[] first = {null};
    List<List<String>> names = new ArrayList<>(List.of(List.of()));
    RowCache rows;
    try (RowCache.Writer writer = new RowCache.Writer(cache)) {
      Table.stream(csv, name, read, 1 << 16, new Table.Slabs() {
        @Override
        public void accept(Table slab) throws DataException {
          // Each slab is checked on its own, in the columns the first one chose.
          Binder.Binding b = first[0] == null ? Binder.bind(specs, slab, columns) : Binder.rebind(specs, slab, first[0]);
          if (first[0] == null) {
            first[0] = b;
          }
          b.categories().forEach((v, k) -> categories.merge(v, k, Math::max));
          DataMatrix m = Binder.select(slab, specs, b);
          names.set(0, m.names());
          writer.append(m.values(), m.values().length);
        }

        @Override
        public void restart() throws IOException {
          writer.restart();
          categories.clear();
          first[0] = null;
        }
      });
      rows = writer.finish(names.get(0).size());
    }
    try {
      Binder.Binding binding = new Binder.Binding(first[0].columns(), first[0].widths(), categories);
      DataMatrix data = new DataMatrix(name, names.get(0), null, rows.rows(), names.get(0).size(), null, rows);
      Map<String, Double> sized = sized(binding);
      return new Bound(emc, plan(sized), generationInputs(sized), Optional.of(data));
    } catch (RuntimeException e) {
      rows.close(); // the rows are bound to nothing: their cache goes now, not at exit
      throw e;
    }
  }

  /** The settings, with the sizes the data decide. */
  private Map<String, Double> sized(Binder.Binding binding) {
    Map<String, Double> sized = new LinkedHashMap<>(settings);
    for (Variable v : checked.observed()) {
      Type t = v.type();
      if (!t.isScalar() && t.dim() instanceof Dim.Named n && !isSet(n.name())) {
        sized.put(n.name(), (double) binding.widths().get(v.name()));
      }
      if (t.kind() == Kind.CATEGORY && t.dim() instanceof Dim.Named n && !isSet(n.name())) {
        sized.put(n.name(), (double) binding.categories().get(v.name()));
      }
    }
    return sized;
  }

  /** Binds the model to sizes alone, for code without data ({@code emc compile}). */
  public Bound bind(Map<String, Double> sizes) {
    Map<String, Double> sized = new LinkedHashMap<>(settings);
    sized.putAll(sizes);
    return new Bound(emc, plan(sized), generationInputs(sized), Optional.empty());
  }

  /**
   * Everything a bound model's generated source depends on but emc's code and plugins (which the
   * compile cache's keys add): the plan is {@link #plan} of the model's text and these settings and
   * sizes, and the source is a function of the plan. Of the file's name, only what names the model
   * (the checker's default when the file declares none) is in: the rest reaches only messages
   * (analysis reads the Source's text alone; derive and codegen never see it), so a model fitted
   * from another directory finds its class all the same. The compile cache finds a class by this
   * without generating its source.
   */
  private String generationInputs(Map<String, Double> sized) {
    StringBuilder s = new StringBuilder("model ").append(checked.name()).append('\0').append(source.text()).append('\0');
    // Sorted, and each value exactly: equal settings make one string, whatever their order.
    new java.util.TreeMap<>(sized).forEach((name, value) ->
        s.append(name).append('=').append(Long.toHexString(Double.doubleToLongBits(value))).append('\0'));
    return s.toString();
  }

  /**
   * The EM plan's structure (which E-step, which update for each parameter), for a model whose
   * sizes may still be open: they are set to 1 here, which changes no update's form.
   */
  EmPlan structure() {
    Map<String, Double> sized = new LinkedHashMap<>(settings);
    checked.sizes().forEach((name, size) -> {
      if (size.value().isEmpty()) {
        sized.putIfAbsent(name, 1.0);
      }
    });
    return plan(sized);
  }

  /**
   * What `emc check` prints: each name's role, type and shape, each statement, then the E-step and
   * each parameter's update.
   */
  public String summary() {
    return Summary.of(checked, structure());
  }

  /** The derivation of the model's E-step and M-step, as a document in {@code format}. */
  public String derivation(DerivationFormat format) {
    return format.render(structure(), source.name());
  }

  private boolean isSet(String size) {
    var s = checked.sizes().get(size);
    return s != null && s.value().isPresent();
  }

  private EmPlan plan(Map<String, Double> sized) {
    Frontend.Result r = emc.recheck(source, sized);
    if (r.model().isEmpty()) {
      throw new DiagnosticException(r.diagnostics());
    }
    Diagnostics d = new Diagnostics(source);
    Optional<EmPlan> plan = Analyzer.plan(r.model().get(), d);
    if (plan.isEmpty()) {
      throw new DiagnosticException(d.all());
    }
    return plan.get();
  }

  /** Binds, compiles and fits, from a CSV file. */
  public FitResult fit(Path csv, BindOptions bind, FitOptions options) throws DataException, FitException {
    return fit(csv, ReadOptions.defaults(), bind, options);
  }

  /** The same from a delimited text file (plain or gzip), read as {@code read} says. */
  public FitResult fit(Path csv, ReadOptions read, BindOptions bind, FitOptions options)
      throws DataException, FitException {
    return bind(Table.read(csv, csv.toString(), read), bind).requireFittable().compile().fit(options);
  }

  /**
   * Binds, compiles and fits rows given in memory; the model's one data variable takes them all.
   *
   * @throws DataException naming the row's index when a row is null, of another width than the
   *     first, or holds a number that is not finite
   */
  public FitResult fit(double[][] rows, FitOptions options) throws DataException, FitException {
    return compile(rows).fit(options);
  }

  /**
   * Binds rows given in memory, as {@link #fit(double[][], FitOptions)} does, and compiles: the
   * class then fits these rows, or others of their width, as often as wanted.
   */
  public Compiled compile(double[][] rows) throws DataException {
    com.google.common.base.Preconditions.checkNotNull(rows, "rows");
    int width = rows.length == 0 || rows[0] == null ? 0 : rows[0].length;
    DataMatrix m = DataMatrix.checked("rows", rows, width);
    Table table = new Table("rows", m.names(), m.values(), m.rows(), new int[m.rows()]);
    return bind(table, BindOptions.defaults().withColumns(m.names())).requireFittable().compile();
  }

  /**
   * A saved fit back ({@link Compiled#save}, or {@code emc fit --out}'s file): the model bound to the
   * file's sizes, compiled, at the file's parameters.
   *
   * @throws DataException naming the file and the key when it is not a fit of this model
   */
  public FitResult loadFit(Path file) throws DataException {
    return bind(FitJson.readSizes(file, this)).compile().load(file);
  }

  /**
   * The generated Java for sizes given without data: the class specialized to them when they set
   * every size, else a class generic in the sizes left open, which its constructor takes in the
   * order of {@link #openSizes} ({@code emc compile} without {@code --data}).
   *
   * @throws DiagnosticException naming the size when the class cannot be generic in one: the code
   *     it generates needs its value
   */
  public String javaSource(Map<String, Double> sizes) {
    List<String> open = openSizes(sizes);
    if (open.isEmpty() || open.contains(structure().latent().size())) {
      // The components' count stays a constant: a class generic in it is not written.
      return bind(sizes).javaSource();
    }
    Map<String, Double> at = placeholders(sizes, open, null);
    EmPlan plan = plan(at);
    String source = genericSource(plan, open);
    // The source must not depend on the values the open sizes were planned at: planned again
    // with each at another value, it must come out the same, line for line.
    for (String size : open) {
      String other = genericSource(plan(placeholders(sizes, open, size)), open);
      if (!other.equals(source)) {
        Diagnostics d = new Diagnostics(this.source);
        d.errorInFile("size", size + " (" + checked.sizes().get(size).origin() + ") is needed to write the"
            + " class, which cannot be generic in it (its value reaches the line `" + firstDifference(source, other)
            + "`); give it with --set " + size + "=… or take it from the data with --data");
        throw new DiagnosticException(d.all());
      }
    }
    return source;
  }

  /** The sizes neither the model, its settings nor {@code sizes} set, in the model's order. */
  public List<String> openSizes(Map<String, Double> sizes) {
    List<String> open = new ArrayList<>();
    checked.sizes().forEach((name, size) -> {
      if (size.value().isEmpty() && !settings.containsKey(name) && !sizes.containsKey(name)) {
        open.add(name);
      }
    });
    return open;
  }

  /**
   * The settings and sizes, each open size at a value of its own (so that code that confused two
   * could not pass unseen), {@code moved}, if not null, one higher. Small values: the derivation
   * writes the score's coordinates out one by one.
   */
  private Map<String, Double> placeholders(Map<String, Double> sizes, List<String> open, String moved) {
    Map<String, Double> at = new LinkedHashMap<>(settings);
    at.putAll(sizes);
    for (int i = 0; i < open.size(); i++) {
      at.put(open.get(i), 5.0 + 3 * i + (open.get(i).equals(moved) ? 1 : 0));
    }
    return at;
  }

  private String genericSource(EmPlan plan, List<String> open) {
    Map<String, String> what = new LinkedHashMap<>();
    open.forEach(size -> what.put(size, checked.sizes().get(size).origin()));
    return JavaGenerator.generateGeneric(plan, Derivation.of(plan), className(), plan.model() + ".model",
        Emc.version(), what);
  }

  private static String firstDifference(String a, String b) {
    String[] x = a.split("\n");
    String[] y = b.split("\n");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      if (!x[i].equals(y[i])) {
        return x[i].strip();
      }
    }
    return x[Math.min(x.length, y.length) - 1].strip();
  }

  public String className() {
    return JavaGenerator.className(checked.name());
  }
}
