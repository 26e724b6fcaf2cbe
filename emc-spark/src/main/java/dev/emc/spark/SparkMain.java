package dev.emc.spark;

import dev.emc.cli.Main;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The spark-submit main class: {@code emc fit}'s flags (or {@code emc select}'s, after the word
 * select), the fit on Spark.
 * {@code spark-submit --class dev.emc.spark.SparkMain emc-spark.jar MODEL --data PATH [flags]};
 * the session is spark-submit's (its --master), unless --master is given here.
 */
public final class SparkMain {
  private SparkMain() {}

  public static void main(String[] args) {
    List<String> line = new ArrayList<>(List.of(args));
    if (line.isEmpty() || !List.of("fit", "select").contains(line.get(0))) {
      line.add(0, "fit");
    }
    if (!line.contains("--engine") && line.stream().noneMatch(a -> a.startsWith("--engine="))) {
      line.add("--engine");
      line.add("spark");
    }
    int code = Main.run(line.toArray(String[]::new), new PrintWriter(System.out, true),
        new PrintWriter(System.err, true));
    // The session's threads (its heartbeats, its RPC and block-manager servers) outlive main:
    // stopped here, the application ends when the command does, with its exit code.
    scala.Option<SparkSession> session = SparkSession.getDefaultSession();
    if (session.isDefined()) {
      session.get().stop();
    }
    System.exit(code);
  }
}
