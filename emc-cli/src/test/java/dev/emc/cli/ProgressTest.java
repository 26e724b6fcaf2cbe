package dev.emc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The progress line: iteration of the most, and the time since the command began. */
class ProgressTest {
  @Test
  void theLineShowsIterationOfMaxAndElapsedTime() {
    assertEquals("run 1/10  iteration 1/1000  objective -1130.264068  0 it/s  elapsed 0:00:02",
        Progress.line(0, 10, 1, 1000, -1130.264068, Double.NaN, 0, 2.9));
    assertEquals("run 3/10  iteration 57/200  objective -12.500000  change +0.250  812 it/s  elapsed 1:01:05",
        Progress.line(2, 10, 57, 200, -12.5, -12.75, 812.4, 3665.2));
  }
}
