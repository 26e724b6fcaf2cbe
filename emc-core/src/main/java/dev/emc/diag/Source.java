package dev.emc.diag;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A text the user wrote (a model file, a `--set` value) and the name to show for it.
 *
 * <p>Offsets count Unicode code points, as ANTLR's char streams do, so that a column is what a
 * reader counts on the screen even past a non-BMP character in a comment.
 */
public final class Source {
  private final String name;
  private final String text;
  private final int[] codePoints;
  private final int[] lineStarts;
  private final int firstLine;

  public Source(String name, String text) {
    this(name, text, 1);
  }

  /**
   * A piece of a larger file whose first line is line {@code firstLine} there, such as the one
   * line of a data file that an error is about.
   */
  public Source(String name, String text, int firstLine) {
    this.firstLine = firstLine;
    this.name = Objects.requireNonNull(name);
    this.text = Objects.requireNonNull(text);
    this.codePoints = text.codePoints().toArray();
    List<Integer> starts = new ArrayList<>();
    starts.add(0);
    for (int i = 0; i < codePoints.length; i++) {
      if (codePoints[i] == '\n') {
        starts.add(i + 1);
      }
    }
    this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
  }

  public String name() {
    return name;
  }

  public String text() {
    return text;
  }

  /** Length in code points. */
  public int length() {
    return codePoints.length;
  }

  /** 1-based line of a code-point offset, in the whole file. */
  public int line(int offset) {
    return lineIndex(offset) + firstLine;
  }

  private int lineIndex(int offset) {
    int lo = 0;
    int hi = lineStarts.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (lineStarts[mid] <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** 1-based column of a code-point offset. */
  public int column(int offset) {
    return offset - lineStarts[lineIndex(offset)] + 1;
  }

  /** The text of a 1-based line (numbered in the whole file), without its line break. */
  public String lineText(int line) {
    int index = line - firstLine;
    int start = lineStarts[index];
    int end = index + 1 < lineStarts.length ? lineStarts[index + 1] - 1 : codePoints.length;
    if (end > start && codePoints[end - 1] == '\r') {
      end--;
    }
    return new String(codePoints, start, Math.max(0, end - start));
  }

  /** The text a span covers. */
  public String slice(Span span) {
    int start = Math.min(span.start(), codePoints.length);
    int end = Math.min(span.end(), codePoints.length);
    return new String(codePoints, start, end - start);
  }
}
