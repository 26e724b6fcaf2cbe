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
  /** ψ′(x) = d/dx ψ(x), which a gamma shape's Hessian reads. */
  public static final Function TRIGAMMA =
      new Function("trigamma", "dev.emc.runtime.Special.trigamma", "\\psi'", "ψ′");
  /**
   * x log y from x and log y, with 0 · log 0 = 0 (the limit of x log x): a log-density's term at
   * its support's edge, such as (1 − x) log(1 − p) for a yes/no value that is always 1. It takes
   * log y, not y, so that the log of a parameter is still computed once per component. The
   * printers show it as the product it stands for.
   */
  public static final Function TIMES_LOG =
      new Function("timesLog", "dev.emc.runtime.Special.timesLog", "", "");
  public static final Function ATAN2 = new Function("atan2", "java.lang.Math.atan2", "\\operatorname{atan2}", "atan2");
  /** σ(x) = 1 / (1 + e^−x), the logistic function: a probability from a linear predictor. */
  public static final Function LOGISTIC =
      new Function("logistic", "dev.emc.runtime.Special.logistic", "\\sigma", "σ");
  /**
   * log(1 + e^x) without overflow for large x: a logistic regression's log-normalizer. The printers
   * show it as the formula it stands for.
   */
  public static final Function LOG1P_EXP =
      new Function("log1pExp", "dev.emc.runtime.Special.log1pExp", "", "");
  /**
   * softmax(η_k) = e^{η_k} / Σ_j e^{η_j}: component k's probability from every component's linear
   * predictor η_j, a mixture of experts' weights. It marks an argument, as the printers show it;
   * the family that takes it writes its log-density out (η_k − log Σ_j e^{η_j}), so it is never
   * called as a function of one number.
   */
  public static final Function SOFTMAX = new Function("softmax", "", "\\operatorname{softmax}", "softmax");
}
