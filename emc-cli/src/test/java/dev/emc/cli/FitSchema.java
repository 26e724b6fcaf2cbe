package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * docs/fit.schema.json, as the tests hold every fit JSON to it: each {@code emc fit --out} of
 * {@link CliTest#emc} and each file the Java API saves in {@link FitSchemaTest}.
 */
final class FitSchema {
  private static final Schema SCHEMA = load();

  private FitSchema() {}

  private static Schema load() {
    try {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
          .getSchema(Files.readString(Path.of("docs/fit.schema.json")), InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What is wrong with {@code json} by the schema: one line per error, empty when nothing is. */
  static List<String> errors(String json) {
    return SCHEMA.validate(json, InputFormat.JSON).stream().map(Object::toString).toList();
  }

  static void check(String json, String what) {
    assertEquals(List.of(), errors(json), what + " does not follow docs/fit.schema.json");
  }

  static void check(Path file) {
    try {
      check(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
