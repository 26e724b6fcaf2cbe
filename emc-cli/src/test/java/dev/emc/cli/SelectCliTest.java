package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.cli.CliTest.Run;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code emc select} on Old Faithful with full covariances, against R's mclust 6 (model VVV):
 * {@code Mclust(faithful, G = k, modelNames = "VVV")}, printed in emc's sign (mclust's BIC and ICL
 * are the negatives). Where mclust's default tolerance stops short of the maximum, the ICL comes
 * from a run with {@code emControl(tol = c(1e-12, …))}: −1130.263960 at K = 2, as emc finds.
 */
class SelectCliTest {
  @Test
  void theCriteriaMatchMclustAndRestartsReachItsMaximaOrHigher() {
    Run r = CliTest.emc("select", "examples/gmm.model", "--data", "examples/data/faithful.csv", "--set", "K=1..5");
    assertEquals(0, r.code(), r.err());
    Map<Integer, String[]> rows = new HashMap<>();
    for (String line : r.out().split("\n")) {
      String[] cells = line.strip().split("\\s+");
      if (cells.length >= 7 && cells[0].matches("\\d+")) {
        rows.put(Integer.parseInt(cells[0]), cells);
      }
    }
    assertEquals(5, rows.size(), r.out());
    // K, log-likelihood, p, BIC, ICL
    check(rows.get(1), -1289.796745, 5, 2607.622500, 2607.622500);
    check(rows.get(2), -1130.264068, 11, 2322.191959, 2322.704680);
    // Local optima: at least what mclust's hierarchical start reaches.
    double[] mclust = {-1127.198810, -1111.279891, -1108.409915};
    int[] p = {17, 23, 29};
    for (int k = 3; k <= 5; k++) {
      assertTrue(number(rows.get(k)[1]) >= mclust[k - 3], "K = " + k + ": " + r.out());
      assertEquals(p[k - 3], Integer.parseInt(rows.get(k)[2]));
    }
    assertTrue(rows.get(2)[3].endsWith("*"), "K = 2 has the best BIC: " + r.out());
    assertTrue(r.out().contains("smaller is better (mclust prints −BIC, −ICL)"), r.out());
  }

  @Test
  void oneConstantRanges() {
    Run r = CliTest.emc("select", "examples/gmm.model", "--data", "examples/data/faithful.csv", "--set", "K=3");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--set NAME=FROM..TO gives the values to compare"), r.err());
  }

  private static void check(String[] row, double ll, int p, double bic, double icl) {
    assertEquals(ll, number(row[1]), 1e-3);
    assertEquals(p, Integer.parseInt(row[2]));
    assertEquals(bic, number(row[3]), 1e-3);
    assertEquals(icl, number(row[5]), 1e-3);
  }

  private static double number(String cell) {
    return Double.parseDouble(cell.replace("*", ""));
  }
}
