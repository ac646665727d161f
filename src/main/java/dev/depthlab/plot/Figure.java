package dev.depthlab.plot;

/**
 * A figure written to a folder as {@code <name>.png} and {@code <name>.svg}: its file stem, a short
 * title, and the caption a reader sees under it (what it shows, and what is missing from it).
 */
public record Figure(String name, String title, String caption) {
  public Figure {
    if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
      throw new IllegalArgumentException("figure name must be [a-z0-9_-], got '" + name + "'");
    }
  }
}
