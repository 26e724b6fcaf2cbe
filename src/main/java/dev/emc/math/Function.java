package dev.emc.math;

/**
 * A scalar function a formula may apply: how to call it from generated Java (a static method,
 * fully qualified) and how to typeset it. A plugin family may name its own static methods.
 *
 * @param java the call's target, e.g. {@code Math.log} or {@code com.example.Bessel.logI0}
 * @param tex the operator in LaTeX, e.g. {@code \log}
 * @param text the operator in plain text, for comments and summaries, e.g. {@code log}
 */
public record Function(String name, String java, String tex, String text) {
  public static final Function LOG = new Function("log", "java.lang.Math.log", "\\log", "log");
  public static final Function EXP = new Function("exp", "java.lang.Math.exp", "\\exp", "exp");
  public static final Function SQRT = new Function("sqrt", "java.lang.Math.sqrt", "\\sqrt", "√");
  public static final Function LOG_GAMMA =
      new Function("lgamma", "dev.emc.runtime.Special.logGamma", "\\log\\Gamma", "log Γ");
  public static final Function DIGAMMA =
      new Function("digamma", "dev.emc.runtime.Special.digamma", "\\psi", "ψ");
  public static final Function ATAN2 = new Function("atan2", "java.lang.Math.atan2", "\\operatorname{atan2}", "atan2");
}
