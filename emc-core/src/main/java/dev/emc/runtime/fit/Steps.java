package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.ParamInfo;
import java.util.List;

/**
 * The stepped parameters of a model ({@link ParamInfo#stepped}): their values before and after
 * the last M-step, so that the fit driver can take a part t of the step, θ_old + t (θ_new − θ_old),
 * when the whole step lowered the objective. The other parameters keep their M-step values: their
 * terms of Q are separate, and their updates never lower them.
 */
final class Steps {
  private final EmModel model;
  private final List<ParamInfo> stepped;
  private final double[][] old;
  private final double[][] fresh;

  Steps(EmModel model) {
    this.model = model;
    this.stepped = model.params().stream().filter(ParamInfo::stepped).toList();
    this.old = new double[stepped.size()][];
    this.fresh = new double[stepped.size()][];
  }

  /** Whether the model has any stepped parameter. */
  boolean any() {
    return !stepped.isEmpty();
  }

  /** The stepped parameters' names, for messages. */
  String names() {
    return String.join(", ", stepped.stream().map(ParamInfo::name).toList());
  }

  /** Keeps θ_old: call just before the M-step. */
  void before() {
    for (int i = 0; i < old.length; i++) {
      old[i] = model.param(stepped.get(i).name()).clone();
    }
  }

  /** Keeps θ_new: call just after the M-step. */
  void after() {
    for (int i = 0; i < fresh.length; i++) {
      fresh[i] = model.param(stepped.get(i).name()).clone();
    }
  }

  /** Whether the last step moved no stepped parameter by more than 10⁻¹⁰ of its size. */
  boolean settled() {
    for (int i = 0; i < old.length; i++) {
      for (int j = 0; j < old[i].length; j++) {
        if (!(Math.abs(fresh[i][j] - old[i][j]) <= 1e-10 * (1 + Math.abs(old[i][j])))) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether every stepped parameter is a finite number after the last step. */
  boolean finite() {
    for (double[] values : fresh) {
      for (double v : values) {
        if (!Double.isFinite(v)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Sets each stepped parameter back to θ_old, undoing the step (even one to NaN). */
  void undo() {
    for (int i = 0; i < old.length; i++) {
      System.arraycopy(old[i], 0, model.param(stepped.get(i).name()), 0, old[i].length);
    }
  }

  /** Sets each stepped parameter to θ_old + t (θ_new − θ_old); the model needs preparing after. */
  void shorten(double t) {
    for (int i = 0; i < old.length; i++) {
      double[] live = model.param(stepped.get(i).name());
      for (int j = 0; j < live.length; j++) {
        live[j] = old[i][j] + t * (fresh[i][j] - old[i][j]);
      }
    }
  }
}
