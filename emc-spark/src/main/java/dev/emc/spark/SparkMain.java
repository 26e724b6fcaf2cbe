package dev.emc.spark;

import dev.emc.cli.Main;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The spark-submit main class: {@code emc fit}'s flags, the fit on Spark.
 * {@code spark-submit --class dev.emc.spark.SparkMain emc-spark.jar MODEL --data PATH [flags]};
 * the session is spark-submit's (its --master), unless --master is given here.
 */
public final class SparkMain {
  private SparkMain() {}

  public static void main(String[] args) {
    List<String> line = new ArrayList<>(List.of(args));
    if (line.isEmpty() || !line.get(0).equals("fit")) {
      line.add(0, "fit");
    }
    if (!line.contains("--engine")) {
      line.add("--engine");
      line.add("spark");
    }
    System.exit(Main.run(line.toArray(String[]::new), new PrintWriter(System.out, true),
        new PrintWriter(System.err, true)));
  }
}
