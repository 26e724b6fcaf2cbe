package dev.emc.dist;

/**
 * A family's answer that it cannot take part in EM the way a statement uses it, with the reason
 * in words the user reads after "this statement: ". The compiler turns it into a located error.
 */
public final class Unsupported extends Exception {
  private static final long serialVersionUID = 1L;

  public Unsupported(String reason) {
    super(reason, null, false, false);
  }
}
