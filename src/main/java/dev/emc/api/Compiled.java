package dev.emc.api;

import dev.emc.runtime.DataException;
import dev.emc.runtime.DataMatrix;
import dev.emc.runtime.EmModel;
import dev.emc.runtime.FitException;
import dev.emc.runtime.FitOptions;
import dev.emc.runtime.FitResult;
import dev.emc.runtime.Fitter;
import java.lang.reflect.InvocationTargetException;
import java.util.Optional;

/** A generated model class, loaded, with the data it was bound to. */
public final class Compiled {
  private final Class<? extends EmModel> type;
  private final Optional<DataMatrix> data;
  private final double seconds;

  Compiled(Class<? extends EmModel> type, Optional<DataMatrix> data, double seconds) {
    this.type = type;
    this.data = data;
    this.seconds = seconds;
  }

  /** How long generating and compiling took. */
  public double seconds() {
    return seconds;
  }

  public EmModel newModel() {
    try {
      return type.getDeclaredConstructor().newInstance();
    } catch (InstantiationException | IllegalAccessException | NoSuchMethodException e) {
      throw new IllegalStateException(e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Fits the data the model was bound to. */
  public FitResult fit(FitOptions options) throws DataException, FitException {
    return fit(data.orElseThrow(() -> new IllegalStateException("bound without data")), options);
  }

  public FitResult fit(DataMatrix rows, FitOptions options) throws DataException, FitException {
    try (Fitter fitter = new Fitter(options.threads())) {
      return fitter.fit(this::newModel, rows, options);
    }
  }
}
