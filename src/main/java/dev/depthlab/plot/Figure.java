package dev.depthlab.plot;

/**
 * A figure written to a folder as {@code <name>.png} and {@code <name>.svg}: its file stem, a short
 * title, and the caption a reader sees under it (what it shows, and what is missing from it). The
 * stem is a plain file name: letters, digits, {@code _ - .} (a data set's label may carry a number
 * such as {@code circle-radius-0.8} or {@code 1.0E-5}), never a separator or {@code ..}.
 */
public record Figure(String name, String title, String caption) {
  public Figure {
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*") || name.contains("..")) {
      throw new IllegalArgumentException(
          "figure name must be letters, digits and _ - . (no ..), got '" + name + "'");
    }
  }

  /**
   * A part of a figure name made from free text (a data set label, a file name): lower case, every
   * character a name may not hold as {@code -}, no {@code ..}, starting with a letter or digit;
   * {@code ifEmpty} when nothing is left. A data set label such as {@code circle-radius-0.8} stays
   * as it is, so every figure of a data set carries the same label.
   */
  public static String stem(String text, String ifEmpty) {
    String s = text.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_.-]", "-");
    s = s.replaceAll("\\.{2,}", ".").replaceFirst("^[^a-z0-9]+", "");
    return s.isEmpty() ? ifEmpty : s;
  }
}
