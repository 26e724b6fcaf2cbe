package dev.emc.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emc.runtime.fit.FitOptions;
import dev.emc.runtime.fit.FitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compile cache: a model compiled once loads from disk, and only a whole entry of its key is ever loaded. */
class CompileCacheTest {
  private static Bound gmm(Emc emc, double k) {
    return emc.load(Path.of("examples/gmm.model"), Map.of("K", k)).bind(Map.of("D", 2.0));
  }

  private static List<Path> entries(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".classes")).toList();
    }
  }

  @Test
  void theSecondCompileOfAModelLoadsItsClassAndFitsAlike(@TempDir Path dir) throws Exception {
    Emc emc = Emc.builtIn().withCache(dir);
    Compiled first = gmm(emc, 2).compile();
    Compiled second = gmm(emc, 2).compile();
    assertFalse(first.cached());
    assertTrue(second.cached());
    assertEquals(1, entries(dir).size());
    Model model = emc.load(Path.of("examples/gmm.model"), Map.of());
    var rows = model.bind(dev.emc.runtime.data.Table.read(Fits.FAITHFUL), BindOptions.defaults()).data().orElseThrow();
    FitResult a = first.fit(rows, FitOptions.defaults());
    FitResult b = second.fit(rows, FitOptions.defaults());
    assertEquals(a.logLikelihood(), b.logLikelihood(), 0.0);
    assertArrayEquals(a.params().get("Sigma"), b.params().get("Sigma"), 0.0);
  }

  @Test
  void anotherSizeIsAnotherEntry(@TempDir Path dir) throws Exception {
    Emc emc = Emc.builtIn().withCache(dir);
    assertFalse(gmm(emc, 2).compile().cached());
    assertFalse(gmm(emc, 3).compile().cached());
    assertEquals(2, entries(dir).size());
  }

  @Test
  void aDamagedEntryIsCompiledAgainNeverLoaded(@TempDir Path dir) throws Exception {
    Emc emc = Emc.builtIn().withCache(dir);
    gmm(emc, 2).compile();
    Path entry = entries(dir).get(0);
    byte[] whole = Files.readAllBytes(entry);
    // One flipped bit in the bytecode, then the entry cut short, then an empty file.
    byte[] flipped = whole.clone();
    flipped[whole.length / 2] ^= 1;
    for (byte[] damaged : List.of(flipped, java.util.Arrays.copyOf(whole, whole.length - 40), new byte[0])) {
      Files.write(entry, damaged);
      assertFalse(gmm(emc, 2).compile().cached());
      assertArrayEquals(whole, Files.readAllBytes(entry), "rewritten whole");
      assertTrue(gmm(emc, 2).compile().cached());
    }
  }

  @Test
  void anEntryUnderAnotherKeyIsNotLoaded(@TempDir Path dir) throws Exception {
    Emc emc = Emc.builtIn().withCache(dir);
    gmm(emc, 2).compile();
    Path two = entries(dir).get(0);
    // K = 3's entry replaced by K = 2's bytes, as a stale or mixed-up file would be: its key differs.
    CompileCache cache = CompileCache.in(dir);
    Bound three = gmm(emc, 3);
    String key = cache.key(three.className(), three.javaSource(), List.of());
    Files.copy(two, dir.resolve(key + ".classes"));
    Compiled compiled = three.compile();
    assertFalse(compiled.cached());
    assertEquals(3, compiled.newModel().components());
  }

  @Test
  void theKeyFollowsTheSourceAndThePlugins(@TempDir Path dir) throws Exception {
    CompileCache cache = CompileCache.in(dir);
    Path plugin = dir.resolve("plugin.jar");
    Files.writeString(plugin, "one");
    String a = cache.key("M", "class M {}", List.of(plugin));
    assertEquals(a, cache.key("M", "class M {}", List.of(plugin)));
    assertNotEquals(a, cache.key("M", "class M { }", List.of(plugin)));
    assertNotEquals(a, cache.key("N", "class M {}", List.of(plugin)));
    Files.writeString(plugin, "two");
    assertNotEquals(a, cache.key("M", "class M {}", List.of(plugin)), "a rebuilt plugin jar");
  }

  @Test
  void withoutTheCacheNothingIsReadOrWritten(@TempDir Path dir) throws Exception {
    Emc cached = Emc.builtIn().withCache(dir);
    gmm(cached, 2).compile();
    Emc plain = cached.withoutCache();
    assertFalse(gmm(plain, 2).compile().cached());
    assertFalse(gmm(plain, 3).compile().cached());
    assertEquals(1, entries(dir).size());
  }

  @Test
  void aCacheThatCannotBeWrittenIsSkipped(@TempDir Path dir) throws Exception {
    Path notADirectory = dir.resolve("file");
    Files.writeString(notADirectory, "x");
    Emc emc = Emc.builtIn().withCache(notADirectory);
    Compiled compiled = gmm(emc, 2).compile();
    assertFalse(compiled.cached());
    assertEquals(2, compiled.newModel().components());
  }

  @Test
  void onlyTheNewestEntriesAreKept(@TempDir Path dir) throws Exception {
    CompileCache cache = CompileCache.in(dir);
    for (int i = 0; i < CompileCache.KEEP + 3; i++) {
      cache.put("k" + i, Map.of("C", new byte[] {1}));
      Files.setLastModifiedTime(dir.resolve("k" + i + ".classes"), java.nio.file.attribute.FileTime.fromMillis(i * 1000L));
    }
    cache.put("last", Map.of("C", new byte[] {1}));
    List<Path> kept = entries(dir);
    assertEquals(CompileCache.KEEP, kept.size());
    assertFalse(Files.exists(dir.resolve("k0.classes")));
    assertTrue(cache.get("last").isPresent());
  }

  private static List<Path> pointers(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".inputs")).toList();
    }
  }

  @Test
  void aModelBoundAsBeforeLoadsItsEntryWithoutGeneratingTheSource(@TempDir Path dir) throws Exception {
    Emc emc = Emc.builtIn().withCache(dir);
    Bound first = gmm(emc, 2);
    Compiled full = first.compile();
    assertTrue(first.generated());
    Bound second = gmm(emc, 2);
    Compiled viaPointer = second.compile();
    assertTrue(viaPointer.cached());
    assertFalse(second.generated(), "found by the inputs, not the source");
    assertEquals(full.newModel().getClass().getName(), viaPointer.newModel().getClass().getName());
    // The very entry the full path keys by the source: the same class name and the same bytes.
    CompileCache cache = CompileCache.in(dir);
    CompileCache.Entry entry = cache.byInputs(cache.inputsKey(second.inputs(), List.of())).orElseThrow();
    assertEquals(second.className(), entry.className());
    Map<String, byte[]> bySource = cache.get(cache.key(second.className(), second.javaSource(), List.of())).orElseThrow();
    assertEquals(bySource.keySet(), entry.classes().keySet());
    for (String c : bySource.keySet()) {
      assertArrayEquals(bySource.get(c), entry.classes().get(c), c);
    }
    assertEquals(1, entries(dir).size());
    assertEquals(1, pointers(dir).size());
  }

  @Test
  void theInputsKeyFollowsTheTextTheSettingsTheSizesAndThePlugins(@TempDir Path dir) throws Exception {
    CompileCache cache = CompileCache.in(dir);
    Emc emc = Emc.builtIn();
    String text = Files.readString(Path.of("examples/gmm.model"));
    Model model = emc.parse("gmm.model", text, Map.of("K", 2.0));
    String a = cache.inputsKey(model.bind(Map.of("D", 2.0)).inputs(), List.of());
    assertEquals(a, cache.inputsKey(emc.parse("gmm.model", text, Map.of("K", 2.0)).bind(Map.of("D", 2.0)).inputs(), List.of()));
    assertNotEquals(a, cache.inputsKey(emc.parse("gmm.model", text + "\n// a comment\n", Map.of("K", 2.0))
        .bind(Map.of("D", 2.0)).inputs(), List.of()), "the model's text");
    assertEquals(a, cache.inputsKey(emc.parse("elsewhere/gmm.model", text, Map.of("K", 2.0)).bind(Map.of("D", 2.0)).inputs(),
        List.of()), "the file's name reaches only messages");
    String unnamed = text.replace("model gmm;", "");
    assertNotEquals(cache.inputsKey(emc.parse("a.model", unnamed, Map.of()).bind(Map.of("D", 2.0)).inputs(), List.of()),
        cache.inputsKey(emc.parse("b.model", unnamed, Map.of()).bind(Map.of("D", 2.0)).inputs(), List.of()),
        "a model that declares no name is named after its file");
    assertNotEquals(a, cache.inputsKey(emc.parse("gmm.model", text, Map.of("K", 3.0))
        .bind(Map.of("D", 2.0)).inputs(), List.of()), "a --set");
    assertNotEquals(a, cache.inputsKey(model.bind(Map.of("D", 3.0)).inputs(), List.of()), "a size");
    Path plugin = dir.resolve("plugin.jar");
    Files.writeString(plugin, "one");
    String withPlugin = cache.inputsKey(model.bind(Map.of("D", 2.0)).inputs(), List.of(plugin));
    assertNotEquals(a, withPlugin, "a plugin");
    Files.writeString(plugin, "two");
    assertNotEquals(withPlugin, cache.inputsKey(model.bind(Map.of("D", 2.0)).inputs(), List.of(plugin)),
        "a rebuilt plugin jar");
  }

  @Test
  void aPointerThatDoesNotCheckOutIsIgnored(@TempDir Path dir) throws Exception {
    Emc emc = Emc.builtIn().withCache(dir);
    gmm(emc, 2).compile();
    gmm(emc, 3).compile();
    CompileCache cache = CompileCache.in(dir);
    Path two = dir.resolve(cache.inputsKey(gmm(emc, 2).inputs(), List.of()) + ".inputs");
    Path three = dir.resolve(cache.inputsKey(gmm(emc, 3).inputs(), List.of()) + ".inputs");
    byte[] whole = Files.readAllBytes(two);
    // K = 3's pointer under K = 2's name (it repeats its own key), an altered class name, an empty file.
    String[] lines = Files.readString(two).split("\n");
    lines[3] = lines[3] + "X";
    String altered = String.join("\n", lines) + "\n";
    for (byte[] bad : List.of(Files.readAllBytes(three), altered.getBytes(), new byte[0])) {
      Files.write(two, bad);
      Bound bound = gmm(emc, 2);
      Compiled compiled = bound.compile();
      assertTrue(bound.generated(), "the pointer was not followed");
      assertTrue(compiled.cached(), "the entry is still found by its source");
      assertEquals(2, compiled.newModel().components());
      assertArrayEquals(whole, Files.readAllBytes(two), "rewritten whole");
    }
    // A pointer to a damaged entry: the entry is compiled again, never loaded.
    Path entry = dir.resolve(cache.key(gmm(emc, 2).className(), gmm(emc, 2).javaSource(), List.of()) + ".classes");
    Files.write(entry, new byte[0]);
    Compiled compiled = gmm(emc, 2).compile();
    assertFalse(compiled.cached());
    assertEquals(2, compiled.newModel().components());
  }
}
