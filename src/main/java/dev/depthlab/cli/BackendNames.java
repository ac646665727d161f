package dev.depthlab.cli;

import dev.depthlab.backend.registry.BackendRegistry;
import java.util.Iterator;

/** The values {@code --backend} takes, for picocli's help ({@code ${COMPLETION-CANDIDATES}}). */
final class BackendNames implements Iterable<String> {
  @Override
  public Iterator<String> iterator() {
    return BackendRegistry.names().iterator();
  }
}
