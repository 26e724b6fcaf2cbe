package dev.emc.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emc.analysis.EmPlan;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.fit.Bootstrap;
import dev.emc.runtime.fit.Classification;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.Relabelling;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.fit.Params;
import dev.emc.runtime.data.TextFile;
import dev.emc.semantics.CheckedModel;
import dev.emc.semantics.Role;
import dev.emc.semantics.Variable;
import dev.emc.types.Dim;
import dev.emc.types.Kind;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A fit as JSON, and parameters back from it ({@code --init} reads what {@code --out} wrote):
 *
 * <pre>
 * {"schemaVersion": 1, "emcVersion": "0.1.0", "model": "gmm", "sizes": {"K": 2, "D": 2}, "columns": ["eruptions", "waiting"], "logLikelihood": -1130.26, "objective": …, "iterations": 7, "halvings": 0, "converged": true,
 *  "rows": 272, "weight": 272, "freeParameters": 11, "bic": …, "aic": …,
 *  "params": {"phi": [K], "mu": [K][D], "Sigma": [K][D][D]},
 *  "options": {"tol": 1e-10, "maxIterations": 1000, "restarts": 1, "seed": 1, "threads": 2, "reg": 1e-6, "init": "kmeans"},
 *  "timing": {"compileSeconds": …, "loadSeconds": …, "fitSeconds": …, "secondsPerIteration": …},
 *  "warnings": […]}
 * </pre>
 *
 * <p>docs/fit.schema.json describes it (JSON Schema, draft 2020-12). {@link #SCHEMA_VERSION} changes
 * when a key changes its meaning or goes; new keys may come without it.
 */
public final class FitJson {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The version of the document's layout, written as {@code schemaVersion}. */
  public static final int SCHEMA_VERSION = 1;

  private FitJson() {}

  /** Timing of the steps before and during the fit. */
  public record Timing(double compileSeconds, double loadSeconds) {}

  /**
   * The fit, with what it was fitted to: the model's sizes (which {@code emc simulate} and
   * {@code emc predict} bind the model to again) and the data's column names.
   */
  public static ObjectNode of(FitResult r, Timing timing, Map<String, Integer> sizes, List<String> columns) {
    ObjectNode root = JSON.createObjectNode();
    root.put("schemaVersion", SCHEMA_VERSION);
    root.put("emcVersion", Emc.version());
    root.put("model", r.model().name());
    sizes.forEach(root.putObject("sizes")::put);
    columns.forEach(root.putArray("columns")::add);
    root.put("logLikelihood", r.logLikelihood());
    root.put("objective", r.objective());
    root.put("iterations", r.iterations());
    root.put("halvings", r.halvings());
    root.put("converged", r.converged());
    root.put("rows", r.rows());
    root.put("weight", r.weight());
    root.put("components", r.model().components());
    root.put("freeParameters", r.model().freeParameters());
    root.put("bic", r.bic());
    root.put("aic", r.aic());
    root.put("bicConvention", "-2 logLikelihood + freeParameters * ln(weight); smaller is better");
    ObjectNode params = root.putObject("params");
    for (ParamInfo p : r.model().params()) {
      params.set(p.name(), JSON.valueToTree(Params.nested(p, r.params().get(p.name()))));
    }
    FitOptions o = r.options();
    ObjectNode options = root.putObject("options");
    options.put("tol", o.tol());
    options.put("maxIterations", o.maxIter());
    options.put("restarts", o.restarts());
    options.put("seed", o.seed());
    options.put("threads", o.threads());
    options.put("reg", o.reg());
    options.put("init", o.init().name().toLowerCase(Locale.ROOT));
    ObjectNode t = root.putObject("timing");
    t.put("compileSeconds", timing.compileSeconds());
    t.put("loadSeconds", timing.loadSeconds());
    t.put("fitSeconds", r.fitSeconds());
    t.put("secondsPerIteration", r.secondsPerIteration());
    ArrayNode trace = root.putArray("objectiveTrace");
    r.trace().forEach(trace::add);
    ArrayNode warnings = root.putArray("warnings");
    r.warnings().forEach(warnings::add);
    return root;
  }

  /**
   * Adds what the fit says about the rows' components ({@link Classification}) under {@code
   * classification}: {@code hardCounts} [K], {@code posteriorSums} [K], {@code meanUncertainty},
   * {@code maxUncertainty}, and for partly labelled rows {@code labels}: the {@code column}, the
   * {@code labelled} rows, their {@code table} [known label][fitted component] and the {@code
   * adjustedRandIndex}.
   */
  public static void putClassification(ObjectNode json, Classification c, String labelsColumn) {
    ObjectNode node = json.putObject("classification");
    node.put("basis", "r_nk = p(z_n = k | x_n) at the fitted parameters, from each row's values alone;"
        + " uncertainty = 1 - max_k r_nk");
    node.set("hardCounts", counts(c.hardCounts()));
    node.set("posteriorSums", JSON.valueToTree(c.posteriorSums()));
    node.put("meanUncertainty", c.meanUncertainty());
    node.put("maxUncertainty", c.maxUncertainty());
    if (c.table() != null) {
      ObjectNode labels = node.putObject("labels");
      labels.put("column", labelsColumn);
      labels.set("labelled", counts(new double[] {c.labelled()}).get(0));
      ArrayNode table = labels.putArray("table");
      for (double[] row : c.table()) {
        table.add(counts(row));
      }
      labels.put("tableRows", "known label 1..K; columns: the fit's most likely component 1..K");
      labels.put("adjustedRandIndex", c.adjustedRandIndex());
    }
  }

  /**
   * Adds the components' order ({@link Relabelling}) under {@code order}: the key they were ordered
   * {@code by}, and for each component as written, its number as EM left it ({@code fitted}, 1-based).
   */
  public static void putOrder(ObjectNode json, Relabelling.Ordered ordered) {
    ObjectNode recorded = json.putObject("order");
    recorded.put("by", ordered.by().toString());
    ArrayNode fittedAs = recorded.putArray("fitted");
    for (int j : ordered.from()) {
      fittedAs.add(j + 1);
    }
  }

  /**
   * Adds {@code bootstrap}: the kind, B, the failed replicates, and each parameter's standard error
   * and 95% percentile interval, nested as {@code params} are.
   */
  public static void putBootstrap(ObjectNode json, FitResult fit, Bootstrap.Result b) {
    ObjectNode node = json.putObject("bootstrap");
    node.put("kind", b.kind().name().toLowerCase(Locale.ROOT));
    node.put("replicates", b.replicates());
    node.put("failed", b.failed());
    node.put("interval", "2.5% and 97.5% percentiles of the replicates");
    ObjectNode se = node.putObject("standardErrors");
    ObjectNode lower = node.putObject("lower");
    ObjectNode upper = node.putObject("upper");
    for (ParamInfo p : fit.model().params()) {
      se.set(p.name(), JSON.valueToTree(Params.nested(p, b.standardErrors().get(p.name()))));
      lower.set(p.name(), JSON.valueToTree(Params.nested(p, b.lower().get(p.name()))));
      upper.set(p.name(), JSON.valueToTree(Params.nested(p, b.upper().get(p.name()))));
    }
  }

  /** Counts as whole numbers, unless weights made them fractional. */
  private static ArrayNode counts(double[] values) {
    ArrayNode out = JSON.createArrayNode();
    for (double v : values) {
      if (v == Math.rint(v) && Math.abs(v) < 1e15) {
        out.add((long) v);
      } else {
        out.add(v);
      }
    }
    return out;
  }

  /** Writes the whole file or nothing. */
  public static void write(ObjectNode json, Path out) throws IOException {
    AtomicFiles.write(out, text(json));
  }

  /** The JSON as {@link #write} writes it. */
  public static String text(ObjectNode json) {
    try {
      return JSON.writeValueAsString(json) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The {@code sizes} of a JSON file (as {@link #of} writes), as settings of the model; empty when it has none. */
  public static Map<String, Double> readSizes(Path file) throws DataException {
    Map<String, Double> sizes = new LinkedHashMap<>();
    JsonNode node = read(file).get("sizes");
    if (node != null && node.isObject()) {
      for (var e : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
        JsonNode v = e.getValue();
        if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble()) || !v.canConvertToInt() || v.asInt() < 1) {
          throw new DataException(file.toString(), "sizes." + e.getKey() + " must be a whole number from 1 to "
              + Integer.MAX_VALUE + ", not " + e.getValue());
        }
        sizes.put(e.getKey(), (double) e.getValue().asInt());
      }
    }
    return sizes;
  }

  /**
   * A fit back from its file, for {@code compiled}, a class of its model at its sizes: what {@link
   * Compiled#load} gives. A file from before {@code options} were written gets the defaults.
   */
  static FitResult load(Path file, Compiled compiled) throws DataException {
    String name = file.toString();
    JsonNode root = read(file);
    Map<String, Double> sizes = readSizes(file);
    for (var e : sizes.entrySet()) {
      Integer built = compiled.sizes().get(e.getKey());
      if (built == null || built != e.getValue().intValue()) {
        throw new DataException(name, "sizes." + e.getKey() + " is " + e.getValue().intValue() + ", but the model was"
            + " compiled with " + (built == null ? "no size " + e.getKey() : e.getKey() + " = " + built));
      }
    }
    EmModel model;
    Map<String, double[]> params = readParams(file, compiled.newModel());
    try {
      model = compiled.model(params);
    } catch (IllegalArgumentException e) {
      throw new DataException(name, "params: " + e.getMessage());
    }
    List<Double> trace = new ArrayList<>();
    JsonNode t = root.path("objectiveTrace");
    t.forEach(v -> trace.add(v.asDouble()));
    List<String> warnings = new ArrayList<>();
    root.path("warnings").forEach(w -> warnings.add(w.asText()));
    double logLikelihood = number(root, "logLikelihood", name);
    JsonNode timing = root.path("timing");
    return new FitResult(model, params, logLikelihood,
        root.has("objective") ? number(root, "objective", name) : logLikelihood,
        (int) whole(root, "iterations", name), bool(root, "converged", name), List.copyOf(trace),
        root.has("halvings") ? (int) whole(root, "halvings", name) : 0, 0, (int) whole(root, "rows", name),
        number(root, "weight", name), List.copyOf(warnings), timing.path("fitSeconds").asDouble(0),
        timing.path("secondsPerIteration").asDouble(0), options(root, name));
  }

  private static FitOptions options(JsonNode root, String file) throws DataException {
    FitOptions d = FitOptions.defaults();
    if (!root.has("options")) {
      return d;
    }
    JsonNode o = root.get("options");
    String init = o.path("init").asText(d.init().name()).toUpperCase(Locale.ROOT);
    FitOptions.Init how;
    try {
      how = FitOptions.Init.valueOf(init);
    } catch (IllegalArgumentException e) {
      throw new DataException(file, "options.init is kmeans, random or given, not " + o.get("init"));
    }
    return new FitOptions(o.has("tol") ? number(o, "tol", file) : d.tol(),
        o.has("maxIterations") ? (int) whole(o, "maxIterations", file) : d.maxIter(),
        o.has("restarts") ? (int) whole(o, "restarts", file) : d.restarts(),
        o.has("seed") ? whole(o, "seed", file) : d.seed(),
        o.has("threads") ? (int) whole(o, "threads", file) : d.threads(),
        o.has("reg") ? number(o, "reg", file) : d.reg(), how, Map.of());
  }

  private static double number(JsonNode node, String key, String file) throws DataException {
    JsonNode v = node.get(key);
    if (v == null || !v.isNumber()) {
      throw new DataException(file, key + " must be a number" + (v == null ? ", and there is none" : ", not " + v));
    }
    return v.asDouble();
  }

  private static long whole(JsonNode node, String key, String file) throws DataException {
    JsonNode v = node.get(key);
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new DataException(file, key + " must be a whole number" + (v == null ? ", and there is none" : ", not " + v));
    }
    return v.asLong();
  }

  private static boolean bool(JsonNode node, String key, String file) throws DataException {
    JsonNode v = node.get(key);
    if (v == null || !v.isBoolean()) {
      throw new DataException(file, key + " must be true or false" + (v == null ? ", and there is none" : ", not " + v));
    }
    return v.asBoolean();
  }

  /**
   * The sizes of a fit's file for {@code model}: its {@code sizes} block, or, in a file without
   * one, what the arrays of its {@code params} say: each level of a parameter's nesting is one
   * of the model's sizes (μ[z] of {@code vector[D]} is [K][D], so its lengths give K and D).
   *
   * @throws DataException naming the file and the key when two parameters disagree on a size
   */
  public static Map<String, Double> readSizes(Path file, Model model) throws DataException {
    Map<String, Double> sizes = readSizes(file);
    if (!sizes.isEmpty() || !read(file).has("params")) {
      return sizes;
    }
    JsonNode params = params(file);
    Map<String, String> from = new LinkedHashMap<>();
    CheckedModel checked = model.checked();
    for (Variable v : checked.withRole(Role.PARAM)) {
      List<Dim> levels = new ArrayList<>();
      for (String latent : v.index()) {
        levels.addAll(checked.variable(latent).type().dims());
      }
      levels.addAll(v.type().dims());
      if (v.type().kind() == Kind.COV) {
        levels.addAll(v.type().dims()); // a d × d matrix
      }
      JsonNode node = params.get(v.name());
      String path = "params." + v.name();
      for (int level = 0; level < levels.size() && node != null && node.isArray() && node.size() > 0; level++) {
        if (levels.get(level) instanceof Dim.Named n) {
          Double had = sizes.putIfAbsent(n.name(), (double) node.size());
          if (had != null && had != node.size()) {
            throw new DataException(file.toString(), path + " is an array of " + node.size() + ", so " + n.name()
                + " = " + node.size() + ", but " + from.get(n.name()) + " makes " + n.name() + " = " + had.intValue()
                + " (the file has no \"sizes\", so they come from the params)");
          }
          from.putIfAbsent(n.name(), path);
        }
        node = node.get(0);
        path += "[0]";
      }
    }
    return sizes;
  }

  /** The {@code columns} of a JSON file: the names of the columns fitted; empty when it has none. */
  public static List<String> readColumns(Path file) throws DataException {
    List<String> columns = new ArrayList<>();
    JsonNode node = read(file).get("columns");
    if (node != null && node.isArray()) {
      node.forEach(c -> columns.add(c.asText()));
    }
    return columns;
  }

  /**
   * The {@code params} of a JSON file (as {@link #of} writes), flat, checked against a model's
   * parameters: every one present, of its shape, with values its kind allows ({@link Params#problem}).
   */
  public static Map<String, double[]> readParams(Path file, EmModel model) throws DataException {
    String name = file.toString();
    JsonNode params = params(file);
    Map<String, double[]> out = new LinkedHashMap<>();
    for (ParamInfo p : model.params()) {
      JsonNode node = param(params, p.name(), model.name(), name);
      int[] dims = Params.dims(p);
      double[] flat = new double[p.copies() * p.elements()];
      int[] at = {0};
      flatten(node, dims, 0, flat, at, name, "params." + p.name());
      String problem = Params.problem(p, flat, "params." + p.name());
      if (problem != null) {
        throw new DataException(name, problem);
      }
      out.put(p.name(), flat);
    }
    return out;
  }

  /**
   * Each of the bound model's parameters holds as many numbers in the file as its sizes give it:
   * sizes that disagree with the params (a K the file's φ does not have) are an error before
   * code of that size is generated.
   */
  public static void checkSizes(Path file, Bound bound) throws DataException {
    EmPlan plan = bound.plan();
    JsonNode params = params(file);
    for (EmPlan.ParamSlot p : plan.params()) {
      long needs = (p.perComponent() ? (long) plan.latent().components() : 1L) * p.elements();
      long holds = numbers(param(params, p.name(), plan.model(), file.toString()), needs + 1);
      if (holds != needs) {
        throw new DataException(file.toString(), "params." + p.name() + " holds " + holds + " numbers, but at the sizes "
            + sizes(plan) + " model " + plan.model() + "'s " + p.name() + " has " + needs);
      }
    }
  }

  private static String sizes(EmPlan plan) {
    List<String> sizes = new ArrayList<>();
    plan.sizes().forEach((name, value) -> sizes.add(name + " = " + value));
    return String.join(", ", sizes);
  }

  /** The numbers in a nest of arrays, counted up to {@code most}. */
  private static long numbers(JsonNode node, long most) {
    if (!node.isArray()) {
      return 1;
    }
    long n = 0;
    for (int i = 0; i < node.size() && n < most; i++) {
      n += numbers(node.get(i), most - n);
    }
    return n;
  }

  private static JsonNode params(Path file) throws DataException {
    JsonNode params = read(file).get("params");
    if (params == null || !params.isObject()) {
      throw new DataException(file.toString(), "there is no \"params\" object (emc fit --out writes one)");
    }
    return params;
  }

  private static JsonNode param(JsonNode params, String name, String model, String file) throws DataException {
    JsonNode node = params.get(name);
    if (node == null) {
      throw new DataException(file, "params has no " + name + ", which model " + model + " needs");
    }
    return node;
  }

  private static JsonNode read(Path file) throws DataException {
    String name = file.toString();
    JsonNode root;
    try {
      root = JSON.readTree(TextFile.read(file));
    } catch (NoSuchFileException e) {
      throw new DataException(name, "cannot read the file: no such file");
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      throw new DataException(name, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), 1,
          null, "not valid JSON: " + e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "["));
    } catch (IOException e) {
      throw new DataException(name, "cannot read the file: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new DataException(name, "not a fit: a JSON object as emc fit --out writes it");
    }
    return root;
  }

  private static void flatten(JsonNode node, int[] dims, int level, double[] flat, int[] at, String file,
      String path) throws DataException {
    if (level == dims.length) {
      if (!node.isNumber() || !Double.isFinite(node.asDouble())) {
        throw new DataException(file, path + " must be a finite number, not " + node);
      }
      flat[at[0]++] = node.asDouble();
      return;
    }
    if (!node.isArray() || node.size() != dims[level]) {
      throw new DataException(file, path + " must be an array of " + dims[level]
          + (node.isArray() ? ", not of " + node.size() : ", not " + node.getNodeType().name().toLowerCase()));
    }
    for (int i = 0; i < dims[level]; i++) {
      flatten(node.get(i), dims, level + 1, flat, at, file, path + "[" + i + "]");
    }
  }
}
