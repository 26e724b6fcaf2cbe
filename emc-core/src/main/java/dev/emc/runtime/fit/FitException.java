package dev.emc.runtime.fit;

/** A fit that cannot go on: a degenerate start, a collapsed component, a log-likelihood of −∞. */
public final class FitException extends Exception {
  private static final long serialVersionUID = 1L;

  public FitException(String message) {
    super(message, null, false, false);
  }
}
