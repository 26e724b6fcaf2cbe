package dev.emc.derive;

import dev.emc.analysis.EmPlan;
import dev.emc.analysis.EquationNumbers;
import dev.emc.analysis.latent.Enumerated;
import dev.emc.analysis.latent.LatentStructure;
import dev.emc.analysis.latent.LinearGaussian;
import dev.emc.analysis.latent.MarkovChain;
import dev.emc.math.Expr;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The derivation of a model's EM, as a document made of prose and numbered formulas: the model,
 * its likelihood, the bound and Q, the E-step, each parameter's M-step from its terms of Q and its
 * stationarity condition, the one-pass statistics, why the objective never falls, and the symbols.
 *
 * <p>It is built from the {@link EmPlan} alone: the formulas are the families' own (their
 * densities, log-densities and update steps), arranged the same way for every model. The
 * equations' numbers are part of it so that the generated code can cite them; the printers of
 * {@link Documents} only typeset it.
 */
public record Derivation(String title, List<Section> sections, Map<String, Integer> numbers)
    implements EquationNumbers {
  public Derivation {
    sections = List.copyOf(sections);
    numbers = Collections.unmodifiableMap(new LinkedHashMap<>(numbers));
  }

  public record Section(String title, List<Block> blocks) {
    public Section {
      blocks = List.copyOf(blocks);
    }
  }

  public sealed interface Block permits Prose, Equation, Table, Listing {}

  /** A paragraph: words with formulas inline. */
  public record Prose(List<Part> parts) implements Block {
    public Prose {
      parts = List.copyOf(parts);
    }
  }

  public sealed interface Part permits Words, Math, Code {}

  public record Words(String text) implements Part {}

  /** Text from the model or the code, set in a fixed-width font. */
  public record Code(String text) implements Part {}

  public record Math(Expr expr) implements Part {}

  /** A displayed formula with its number. */
  public record Equation(String key, int number, Expr math) implements Block {}

  /** A table whose cells are words and formulas. */
  public record Table(List<String> header, List<List<List<Part>>> rows) implements Block {
    public Table {
      header = List.copyOf(header);
      rows = List.copyOf(rows);
    }
  }

  /** Text shown as it is: the model's statements. */
  public record Listing(String text) implements Block {}

  /**
   * The derivation of a plan's EM. Its latent structure writes the document: each structure's
   * sections are its own unit, and a new structure fails to compile here until it has one.
   */
  public static Derivation of(EmPlan plan) {
    return plan.latent().accept(new LatentStructure.Visitor<DerivationBuilder>() {
      @Override
      public DerivationBuilder visitEnumerated(Enumerated e) {
        return new EnumeratedSection(plan, e);
      }

      @Override
      public DerivationBuilder visitMarkovChain(MarkovChain c) {
        return new ChainSection(plan, c);
      }

      @Override
      public DerivationBuilder visitLinearGaussian(LinearGaussian g) {
        return new FactorSection(plan, g);
      }
    }).build();
  }
}
