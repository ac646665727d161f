package dev.depthlab.runner;

/**
 * A progress bar that keeps its shape: a fixed rendered length (the terminal's {@code COLUMNS} when
 * the shell exports it, else 80 columns, never below 40), and an extra message of fixed width (cut
 * or padded), so the bar neither jumps as the message changes nor shrinks to one character when the
 * terminal's width is unknown.
 */
public final class BarLayout {
  /** The width used when the terminal's is unknown. */
  public static final int DEFAULT_WIDTH = 80;

  private BarLayout() {}

  /**
   * Columns the bar line takes: from {@code columns} (COLUMNS) if it is a number >= 40, else 80.
   */
  public static int width(String columns) {
    try {
      int c = columns == null ? 0 : Integer.parseInt(columns.trim());
      return c >= 40 ? Math.min(c, 400) - 1 : DEFAULT_WIDTH - 1;
    } catch (NumberFormatException e) {
      return DEFAULT_WIDTH - 1;
    }
  }

  /** The rendered length for this process's terminal. */
  public static int width() {
    return width(System.getenv("COLUMNS"));
  }

  /** Room for the extra message: the rest after the bar's own parts (at least 12 for the bar). */
  public static int messageWidth(int width, int fixedParts) {
    return Math.max(0, width - fixedParts - 12);
  }

  /** {@code s} cut to {@code n} characters (ending in "...") or padded with spaces to n. */
  public static String fit(String s, int n) {
    if (s.length() > n) {
      return n <= 3 ? s.substring(0, n) : s.substring(0, n - 3) + "...";
    }
    return s + " ".repeat(n - s.length());
  }
}
