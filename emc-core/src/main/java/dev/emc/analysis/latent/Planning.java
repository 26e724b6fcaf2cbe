package dev.emc.analysis.latent;

import dev.emc.analysis.EmPlan.DataSlot;
import dev.emc.analysis.EmPlan.FactorPlan;
import dev.emc.analysis.EmPlan.ParamSlot;
import dev.emc.analysis.EmPlan.SettingSlot;
import dev.emc.diag.Diagnostics;
import dev.emc.dist.FactorSite;
import dev.emc.math.Symbol;
import dev.emc.semantics.CheckedModel;
import dev.emc.semantics.Stochastic;
import dev.emc.semantics.Variable;
import dev.emc.types.Dim;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the analysis shares with every structure's planner: the checked model, its sizes, data and
 * parameters laid out, and the families' plan of the statements a structure leaves to them.
 */
public interface Planning {
  CheckedModel model();

  Diagnostics diagnostics();

  /**
   * The latent variable whose values the components are: the model's finite latent when it has
   * one, else its only latent.
   */
  Variable latent();

  /** Every latent variable of the model, in declaration order: more than one when they compose. */
  List<Variable> latents();

  /** A size's value; every size is known by the time a structure plans. */
  int value(Dim d);

  /** The data variables and covariates, side by side in a row. */
  List<DataSlot> data();

  /**
   * Every parameter's slot by name, in declaration order; one indexed by the latent variable has
   * a value for each of the {@code components}.
   */
  Map<String, ParamSlot> params(int components);

  /**
   * The plan of these statements as their families give it (log-density, statistics, updates),
   * with the model's priors and settings; empty after located errors. A parameter used by two
   * statements of the model, or a prior no family uses, is refused here.
   */
  Optional<LatentPlanner.Plan> families(LatentStructure structure, Map<String, ParamSlot> params,
      List<Stochastic> statements);

  /**
   * The plan of these statements as {@link #families} gives it, where {@code w} is a latent scale
   * given the finite latent (a t mixture's): w's own statement and an argument divided by w see its
   * posterior moments given the row and the component through {@link FactorSite#scale}.
   */
  Optional<LatentPlanner.Plan> families(LatentStructure structure, Map<String, ParamSlot> params,
      List<Stochastic> statements, Symbol w, FactorSite.Scale scale);

  /**
   * The plan of a statement one of whose arguments is linear in the latent, a continuous vector
   * whose value per row is {@code h} and whose posterior given the row has {@code moments}, as in
   * factor analysis' {@code x ~ Normal(W * h + mu, Psi)}: its factor as its family plans it
   * ({@link FactorSite#moments}), and the settings the family declared; empty after located errors.
   * Its statistics keep the names the family gives them (S_r, not S_r_x): such a structure has no
   * other statement whose statistics they could clash with. The structure refuses priors itself.
   */
  Optional<FamilyFactor> family(Map<String, ParamSlot> params, Stochastic statement, Symbol h,
      FactorSite.Moments moments);

  /** A statement's factor as its family plans it, and the settings the family declared for it. */
  record FamilyFactor(FactorPlan factor, List<SettingSlot> settings) {
    public FamilyFactor {
      settings = List.copyOf(settings);
    }
  }

  /** A statement as written, for messages and listings. */
  default String text(Stochastic s) {
    return model().source().slice(s.span());
  }
}
