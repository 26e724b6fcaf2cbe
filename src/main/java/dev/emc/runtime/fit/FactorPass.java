package dev.emc.runtime.fit;

import dev.emc.runtime.EmModel;
import dev.emc.runtime.FactorScores;
import dev.emc.runtime.Latent;
import dev.emc.runtime.data.DataException;
import dev.emc.runtime.data.DataMatrix;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The E-step of a continuous latent h ~ N(0, I_Q) with a linear-Gaussian child (factor analysis):
 * rows are independent, each with a Gaussian posterior over h, so the pass is {@link RowPass}'s
 * with its one component; what differs is the start, the warnings and the factor scores.
 */
final class FactorPass extends RowPass {
  private final FactorScores scores;
  private final Latent.Factors factors;

  FactorPass(EmModel model, Latent.Factors factors) {
    super(model);
    this.scores = factors.scores();
    this.factors = factors;
  }

  @Override
  public String unit() {
    return "factor";
  }

  @Override
  public int count() {
    return factors.factors();
  }

  @Override
  public boolean finite() {
    return false;
  }

  @Override
  void check(DataMatrix data) throws DataException {
    if (data.labels() != null) {
      throw new DataException(data.source(), "model " + model.name() + " has a continuous latent (factors),"
          + " which no row can be labelled with; fit without --labels");
    }
    super.check(data);
  }

  @Override
  String emptyCells() {
    return "vector of factors (fill the cell, or drop the row)";
  }

  @Override
  List<String> warnings() {
    return LedermannBound.warnings(model, factors);
  }

  /** The first run from the principal components, the others from random loadings. */
  @Override
  String start(Start how, DataMatrix sample, FitOptions o, long seed, int index) {
    if (how == Start.GIVEN) {
      return super.start(how, sample, o, seed, index);
    }
    boolean principal = index == 0 && how == Start.KMEANS;
    FactorStart.set(model, factors, sample, principal ? null : new SplittableRandom(seed));
    return model.prepare();
  }

  @Override
  Prediction.Scores scores(DataMatrix data) {
    double[] covariance = scores.posteriorCovariance();
    int q = factors.factors();
    double[] means = new double[data.rows() * q];
    data.slabs((values, first, rows) -> {
      double[] slab = new double[rows * q];
      scores.scores(values, 0, rows, slab);
      System.arraycopy(slab, 0, means, first * q, rows * q);
    });
    return new Prediction.Scores(factors.name(), q, means, covariance);
  }
}
