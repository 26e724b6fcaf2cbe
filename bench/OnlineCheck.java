import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emc.api.BindOptions;
import dev.emc.api.Bound;
import dev.emc.api.Compiled;
import dev.emc.api.Emc;
import dev.emc.api.OnlineFit;
import dev.emc.runtime.data.DataMatrix;
import dev.emc.runtime.data.Table;
import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import dev.emc.runtime.fit.Stepwise;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 19's check of online EM, at full size: N rows (default 10,000,000) drawn from the reference
 * fit (examples/gmm.model on Old Faithful), fitted in one pass of stepwise EM in batches of B, and
 * by batch EM; prints the log-likelihood per row of both, each parameter's distance from the batch
 * fit in standard errors, and the online pass's rows per second (EM alone, rows in memory).
 *
 * <pre>
 * bin/emc --version    # builds emc-cli/target/emc.jar
 * java -Xmx4g -cp emc-cli/target/emc.jar bench/OnlineCheck.java [N] [B] [decay]
 * </pre>
 *
 * The standard errors are mclust's bootstrap ones on Old Faithful (N = 272, B = 1000,
 * emc-core/src/test/resources/reference/faithful_mclustbootstrap.json), scaled by √(272 / N).
 */
public class OnlineCheck {
  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    double decay = args.length > 2 ? Double.parseDouble(args[2]) : 1.0;
    Path gmm = Path.of("examples/gmm.model");
    Emc emc = Emc.builtIn();
    Bound reference = emc.parse(gmm.toString(), Files.readString(gmm), Map.of())
        .bind(Table.read(Path.of("examples/data/faithful.csv")), BindOptions.defaults());
    FitResult truth = reference.compile().fit(FitOptions.defaults());
    DataMatrix drawn = reference.simulate(truth.params(), rows, 1, 19, List.of("eruptions", "waiting")).data();
    Compiled compiled = emc.parse(gmm.toString(), Files.readString(gmm), Map.of())
        .bind(new Table("drawn", drawn.names(), drawn.values(), rows, null), BindOptions.defaults()).compile();

    long t0 = System.nanoTime();
    FitResult batch = compiled.fit(FitOptions.defaults());
    double batchSeconds = (System.nanoTime() - t0) / 1e9;

    OnlineFit online = compiled.online(FitOptions.defaults(), new Stepwise.Steps(decay, 0, 0));
    t0 = System.nanoTime();
    online.start(slice(drawn, 0, Math.min(rows, 1 << 16)));  // as `emc fit --online` starts: its first slab
    for (int from = 0; from < rows; from += size) {
      online.update(slice(drawn, from, size));
    }
    double onlineSeconds = (System.nanoTime() - t0) / 1e9;
    double ll = 0;
    for (int from = 0; from < rows; from += 1 << 16) {
      ll += online.logLikelihood(slice(drawn, from, 1 << 16));
    }
    FitResult fit = online.current(ll);

    System.out.printf(Locale.ROOT, "%d rows, batches of %d, step (t)^-%s%n", rows, size, decay);
    System.out.printf(Locale.ROOT, "batch EM: %d iterations, %.2f s (%d threads), log-likelihood per row %.8f%n",
        batch.iterations(), batchSeconds, Runtime.getRuntime().availableProcessors(), batch.logLikelihood() / rows);
    System.out.printf(Locale.ROOT, "online EM: one pass, %.2f s, %.3g rows per second (one thread),"
        + " log-likelihood per row %.8f (running estimate %.8f)%n", onlineSeconds, rows / onlineSeconds,
        fit.logLikelihood() / rows, online.runningLogLikelihood() / rows);
    System.out.printf(Locale.ROOT, "difference per row: %.3g (the check: < 1e-3)%n",
        (fit.logLikelihood() - batch.logLikelihood()) / rows);

    JsonNode se = new ObjectMapper().readTree(
        Path.of("emc-core/src/test/resources/reference/faithful_mclustbootstrap.json").toFile());
    double scale = Math.sqrt(272.0 / rows);
    double[] bm = batch.params().get("mu");
    double[] om = fit.params().get("mu");
    int[] to = bm[0] > bm[2] == om[0] > om[2] ? new int[] {0, 1} : new int[] {1, 0};
    int[] mclust = bm[0] > bm[2] ? new int[] {0, 1} : new int[] {1, 0};
    double worst = 0;
    for (int k = 0; k < 2; k++) {
      worst = Math.max(worst, report("phi[" + k + "]", batch.params().get("phi")[k], fit.params().get("phi")[to[k]],
          se.get("se_pro").get(mclust[k]).asDouble() * scale));
      for (int i = 0; i < 2; i++) {
        worst = Math.max(worst, report("mu[" + k + "][" + i + "]", bm[k * 2 + i], om[to[k] * 2 + i],
            se.get("se_mean").get(mclust[k]).get(i).asDouble() * scale));
      }
      for (int i = 0; i < 4; i++) {
        worst = Math.max(worst, report("Sigma[" + k + "][" + i / 2 + "][" + i % 2 + "]",
            batch.params().get("Sigma")[k * 4 + i], fit.params().get("Sigma")[to[k] * 4 + i],
            se.get("se_variance").get(mclust[k]).get(i).asDouble() * scale));
      }
    }
    System.out.printf(Locale.ROOT, "largest distance: %.3f standard errors (the check: ≤ 3)%n", worst);
  }

  private static double report(String name, double batch, double online, double se) {
    double z = Math.abs(batch - online) / se;
    System.out.printf(Locale.ROOT, "  %-16s batch %12.7f  online %12.7f  SE %.3g  %.3f SE apart%n", name, batch,
        online, se, z);
    return z;
  }

  private static DataMatrix slice(DataMatrix m, int from, int size) {
    int n = Math.min(size, m.rows() - from);
    double[] v = Arrays.copyOfRange(m.values(), from * m.columns(), (from + n) * m.columns());
    return new DataMatrix(m.source(), m.names(), v, n, m.columns(), null);
  }
}
