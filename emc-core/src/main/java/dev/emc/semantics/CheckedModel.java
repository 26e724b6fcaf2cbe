package dev.emc.semantics;

import dev.emc.diag.Source;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model whose names, roles, types and shapes are resolved: what the semantic stage hands on.
 * Maps keep the order in which the model first mentions each name.
 *
 * @param distributions the distributions of data and latent variables, in source order
 * @param priors the priors on parameters, in source order
 */
public record CheckedModel(
    String name,
    Source source,
    Map<String, Constant> constants,
    Map<String, Size> sizes,
    Map<String, Variable> variables,
    List<Stochastic> distributions,
    List<Stochastic> priors) {

  public CheckedModel {
    constants = Collections.unmodifiableMap(new LinkedHashMap<>(constants));
    sizes = Collections.unmodifiableMap(new LinkedHashMap<>(sizes));
    variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    distributions = List.copyOf(distributions);
    priors = List.copyOf(priors);
  }

  public Variable variable(String name) {
    Variable v = variables.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no variable " + name);
    }
    return v;
  }

  public List<Variable> withRole(Role role) {
    return variables.values().stream().filter(v -> v.role() == role).toList();
  }

  /**
   * What a row holds, in the order rows lay it out: the data variables, then the covariates
   * (conditioned on, not modelled).
   */
  public List<Variable> observed() {
    return java.util.stream.Stream.concat(withRole(Role.DATA).stream(), withRole(Role.COVARIATE).stream())
        .toList();
  }

  /** The distribution of a data or latent variable. */
  public Optional<Stochastic> distributionOf(String name) {
    return distributions.stream().filter(s -> s.lhs().equals(name)).findFirst();
  }

  public Optional<Stochastic> priorOf(String name) {
    return priors.stream().filter(s -> s.lhs().equals(name)).findFirst();
  }
}
