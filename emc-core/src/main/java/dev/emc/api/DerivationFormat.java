package dev.emc.api;

import dev.emc.analysis.EmPlan;
import dev.emc.derive.Derivation;
import dev.emc.derive.Documents;

/**
 * The formats {@link Model#derivation} writes. The API's own enum, so that a client names a format
 * without reaching into the derive stage; and the one place in the API that builds a derivation.
 */
public enum DerivationFormat {
  /** Markdown with LaTeX math. */
  MD(Documents.Format.MD),
  /** LaTeX, for lualatex or xelatex. */
  TEX(Documents.Format.TEX),
  /** One HTML page whose formulas are MathML: no script, no network. */
  HTML(Documents.Format.HTML);

  private final Documents.Format format;

  DerivationFormat(Documents.Format format) {
    this.format = format;
  }

  /** The derivation of {@code plan} in this format; {@code origin} names the model's file. */
  String render(EmPlan plan, String origin) {
    return Documents.render(Derivation.of(plan), format, origin, Emc.version());
  }
}
