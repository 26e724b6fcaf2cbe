package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data file's shape, estimated from its size and first lines before it is read. */
class MemoryTest {
  @TempDir Path dir;

  @Test
  void aSmallFileIsCountedWhole() throws Exception {
    assertEquals(new Memory.Shape(3, 2), Memory.shape(Files.writeString(dir.resolve("a.csv"), "a,b\n1,2\n3,4\n5,6\n")));
    assertEquals(new Memory.Shape(3, 2), Memory.shape(Files.writeString(dir.resolve("b.csv"), "a,b\n1,2\n3,4\n5,6")));
    assertEquals(new Memory.Shape(0, 3), Memory.shape(Files.writeString(dir.resolve("c.csv"), "a,b,c\n")));
    assertNull(Memory.shape(dir.resolve("none.csv")));
  }

  @Test
  void aLargeFilesRowsComeFromItsSizeAndTheMeanLineOfItsStart() throws Exception {
    // 100,000 lines of 12 bytes after the header: the sample's mean line is every line's.
    StringBuilder csv = new StringBuilder("x,y,z\n");
    for (int n = 0; n < 100_000; n++) {
      csv.append(String.format("%03d,%03d,%03d\n", n % 1000, n % 7, n % 13));
    }
    Path file = Files.writeString(dir.resolve("big.csv"), csv);
    Memory.Shape shape = Memory.shape(file);
    assertEquals(new Memory.Shape(100_000, 3), shape);
    // In memory: 3 values of 24 bytes and 40 more per row, and the compiler's 16 MB.
    assertEquals(100_000 * (3 * 24 + 40) + (16 << 20), shape.inMemoryBytes());
  }
}
