package dev.depthlab.sweep;

import dev.depthlab.config.StudyConfig;
import java.nio.file.Path;

/**
 * One point of a multirun (one value of every {@code --set key=a,b} list), or the whole study when
 * nothing is a list. {@code label} is {@code key=value,...} of the list-valued keys ({@code ""} for
 * a plain study) and names the variant's own study folder {@code dir}.
 */
public record Variant(String label, StudyConfig config, Path dir) {
  public String describe() {
    return label.isEmpty() ? config.name() : config.name() + " [" + label + "]";
  }
}
