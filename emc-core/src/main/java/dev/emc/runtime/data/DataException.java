package dev.emc.runtime.data;

/**
 * Bad input data, with where it is: the file, the 1-based line and column (0 when the problem
 * belongs to the whole file or line), and that line's text for a caret (null if none).
 */
public final class DataException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final int line;
  private final int column;
  private final String lineText;
  private final int width;

  public DataException(String file, int line, int column, int width, String lineText, String message) {
    super(message, null, false, false);
    this.file = file;
    this.line = line;
    this.column = column;
    this.width = width;
    this.lineText = lineText;
  }

  public DataException(String file, String message) {
    this(file, 0, 0, 0, null, message);
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  public int width() {
    return width;
  }

  public String lineText() {
    return lineText;
  }
}
