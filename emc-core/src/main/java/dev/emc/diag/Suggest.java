package dev.emc.diag;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean …?": the closest known name within a small edit distance. */
public final class Suggest {
  private Suggest() {}

  /** The candidate nearest to {@code name}, if it is near enough to be a likely typo. */
  public static Optional<String> closest(String name, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(name.toLowerCase(), c.toLowerCase());
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    // One edit for short names, a third of the name for longer ones; a case-only change counts 0.
    int allowed = Math.max(1, name.length() / 3);
    return best != null && bestDistance <= allowed && !best.equals(name)
        ? Optional.of(best) : Optional.empty();
  }

  /** "; did you mean x?" or nothing. */
  public static String hint(String name, Collection<String> candidates) {
    return closest(name, candidates).map(c -> "; did you mean " + c + "?").orElse("");
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions, transpositions. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
