package dev.emc.api;

import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.fit.FitException;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Fitter;
import dev.emc.runtime.ParamInfo;
import dev.emc.runtime.fit.Params;
import dev.emc.runtime.fit.Prediction;
import dev.emc.runtime.fit.Stepwise;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A generated model class, loaded, with the data it was bound to. One compile serves any number of
 * fits: {@link #fit(DataMatrix, FitOptions)} makes a new model of the class for each, so fits of
 * other rows, seeds or starts compile nothing again.
 */
public final class Compiled {
  private final Class<? extends EmModel> type;
  private final Map<String, byte[]> classes;
  private final List<Path> classPath;
  private final Optional<DataMatrix> data;
  private final Map<String, Integer> sizes;
  private final double seconds;
  private final boolean cached;

  Compiled(Class<? extends EmModel> type, Map<String, byte[]> classes, List<Path> classPath,
      Optional<DataMatrix> data, Map<String, Integer> sizes, double seconds, boolean cached) {
    this.type = type;
    this.classes = Map.copyOf(classes);
    this.classPath = List.copyOf(classPath);
    this.data = data;
    this.sizes = Map.copyOf(sizes);
    this.seconds = seconds;
    this.cached = cached;
  }

  /**
   * The model class {@code className} of {@code classFiles} (as {@link #classFiles()} gives them),
   * defined in a class loader of its own below {@code parent}: how another JVM (a cluster's
   * executor) runs a model compiled elsewhere.
   */
  public static Compiled define(String className, Map<String, byte[]> classFiles, ClassLoader parent) {
    return new Compiled(InMemoryJavac.load(className, classFiles, parent), classFiles, List.of(), Optional.empty(),
        Map.of(), 0, false);
  }

  /** How long generating and compiling (or loading from the cache) took. */
  public double seconds() {
    return seconds;
  }

  /** Whether the class came from the compile cache rather than javac. */
  public boolean cached() {
    return cached;
  }

  /** The generated class's name, which {@link #classFiles()} defines. */
  public String className() {
    return type.getName();
  }

  /**
   * The generated class files by binary name: what another JVM (a cluster's executor) defines to
   * run the model, in a class loader that sees emc's runtime and the model's plugin families.
   */
  public Map<String, byte[]> classFiles() {
    return classes;
  }

  /**
   * The plugins' jars the class was compiled against, whose families' code it calls: what another
   * JVM that defines it needs on its class path beside emc's runtime (empty for emc's own families).
   */
  public List<Path> classPath() {
    return classPath;
  }

  /** Each size's value, as the class was generated for them. */
  public Map<String, Integer> sizes() {
    return sizes;
  }

  /** A new model of the class, its parameters not yet set. */
  public EmModel newModel() {
    try {
      return type.getDeclaredConstructor().newInstance();
    } catch (InstantiationException | IllegalAccessException | NoSuchMethodException e) {
      throw new IllegalStateException(e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * A model at the given parameters (each as {@link EmModel#param} stores it), ready for its E-step.
   *
   * @throws IllegalArgumentException when a parameter is missing or of the wrong size, or the values
   *     are not usable (a covariance that is not positive definite)
   */
  public EmModel model(Map<String, double[]> params) {
    EmModel m = newModel();
    check(m, params);
    for (ParamInfo p : m.params()) {
      System.arraycopy(params.get(p.name()), 0, m.param(p.name()), 0, p.copies() * p.elements());
    }
    String problem = m.prepare();
    if (problem != null) {
      throw new IllegalArgumentException("the parameters are not usable: " + problem);
    }
    return m;
  }

  /** Every parameter of {@code m} is given, of its size, with values its kind allows. */
  private static void check(EmModel m, Map<String, double[]> params) {
    for (ParamInfo p : m.params()) {
      double[] given = params.get(p.name());
      int length = p.copies() * p.elements();
      if (given == null || given.length != length) {
        throw new IllegalArgumentException("model " + m.name() + " needs " + p.name() + " of " + length
            + " numbers" + (given == null ? "" : ", not " + given.length));
      }
      String problem = Params.problem(p, given, p.name());
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }
  }

  /** Each row's posterior over the components and log-density at the given parameters. */
  public Prediction predict(Map<String, double[]> params, DataMatrix rows) {
    return Fitter.predict(model(params), rows);
  }

  /**
   * Writes {@code fit}, a fit of this class, as the JSON {@code emc fit --out} writes ({@link
   * FitJson#of}), whole or not at all: with the sizes and the columns of the rows the model was
   * bound to (c1 … when it was bound to none).
   */
  public void save(FitResult fit, Path out) throws IOException {
    List<String> columns = data.map(DataMatrix::names).orElse(List.of());
    FitJson.write(FitJson.of(fit, new FitJson.Timing(seconds, 0), sizes, columns), out);
  }

  /**
   * A fit back from a file {@link #save} (or {@code emc fit --out}) wrote, for a class of the same
   * model and sizes: its parameters, checked ({@link FitJson#readParams}), set in a new model, and
   * the numbers the file records about the fit.
   *
   * @throws DataException naming the file and the key when the file is not such a fit, or its
   *     sizes or parameters are not this class's
   */
  public FitResult load(Path file) throws DataException {
    return FitJson.load(file, this);
  }

  /**
   * A fit updated batch by batch ({@link OnlineFit}: stepwise EM with the steps {@code steps}),
   * its rows named as the bound data's columns.
   *
   * @throws FitException when the model cannot be fitted online, saying why
   */
  public OnlineFit online(FitOptions options, Stepwise.Steps steps) throws FitException {
    if (options.init() == FitOptions.Init.GIVEN) {
      check(newModel(), options.start());
    }
    return new OnlineFit(this, options, steps, data.map(DataMatrix::names).orElse(null));
  }

  /** Fits the data the model was bound to. */
  public FitResult fit(FitOptions options) throws DataException, FitException {
    return fit(data.orElseThrow(() -> new IllegalStateException("bound without data")), options);
  }

  public FitResult fit(DataMatrix rows, FitOptions options) throws DataException, FitException {
    return fit(rows, options, (run, runs, iteration, objective) -> true);
  }

  /** Fits, telling {@code monitor} of each iteration; it may stop the fit. */
  public FitResult fit(DataMatrix rows, FitOptions options, Fitter.Monitor monitor) throws DataException, FitException {
    if (options.init() == FitOptions.Init.GIVEN) {
      check(newModel(), options.start());
    }
    try (Fitter fitter = new Fitter(options.threads())) {
      return fitter.monitor(monitor).fit(this::newModel, rows, options);
    }
  }
}
