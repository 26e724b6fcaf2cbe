package dev.emc.codegen;

import com.palantir.javapoet.MethodSpec;
import java.util.List;

/**
 * The methods of a finite latent's class that depend on how the E-step passes over the rows: one
 * row at a time ({@link RowPassCode}) or one chain's sequence at a time ({@link ChainCode}). Which
 * one a model gets is decided once, by {@link JavaGenerator}'s visitor over the latent structure.
 */
interface PassCode {
  /** {@code accumulate}: lowered with the E-step, before prepare() (see JavaGenerator#finiteLatent). */
  MethodSpec accumulate();

  /** The private methods accumulate calls besides logJoint and collect, written before it. */
  List<MethodSpec> helpers();

  /** {@code responsibilities}: the posteriors of rows [from, to) and their log-likelihood. */
  MethodSpec responsibilities();

  /** {@code latent}, which picks the driver's E-step over the data, and what else the driver asks of such rows. */
  List<MethodSpec> latent();
}
