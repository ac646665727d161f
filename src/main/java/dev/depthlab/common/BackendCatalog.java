package dev.depthlab.common;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * What the study config needs to know of the backends without importing them: their names (the
 * values of {@code backend:}) and the settings each declares ({@link BackendOption}). The standard
 * catalog comes from the backend registry through {@link ServiceLoader} (the registry sits above
 * config in the package arrows); tests pass a catalog of their own.
 *
 * @param names the backends' names, without {@code auto}
 * @param options every backend's settings, backend by backend in declared order
 */
public record BackendCatalog(List<String> names, List<BackendOption> options) {
  public BackendCatalog {
    names = List.copyOf(names);
    options = List.copyOf(options);
  }

  /** Provides the standard catalog; the backend registry implements it (META-INF/services). */
  public interface Source {
    BackendCatalog catalog();
  }

  /** The catalog of the backends this program knows. */
  public static BackendCatalog standard() {
    return Standard.CATALOG;
  }

  /** The backends' names as a config accepts them: {@code auto}, then the names sorted. */
  public List<String> choices() {
    List<String> all = new ArrayList<>(names);
    all.sort(null);
    all.add(0, "auto");
    return all;
  }

  /** The sections (backend names) that declare settings, in declared order. */
  public List<String> sections() {
    List<String> s = new ArrayList<>();
    for (BackendOption o : options) {
      if (!s.contains(o.backend())) {
        s.add(o.backend());
      }
    }
    return s;
  }

  /** The settings of the section {@code backend}, in declared order. */
  public List<BackendOption> optionsOf(String backend) {
    return options.stream().filter(o -> o.backend().equals(backend)).toList();
  }

  private static final class Standard {
    static final BackendCatalog CATALOG = load();

    private static BackendCatalog load() {
      for (Source s : ServiceLoader.load(Source.class, BackendCatalog.class.getClassLoader())) {
        return s.catalog();
      }
      throw new IllegalStateException(
          "no " + Source.class.getName() + " on the class path (META-INF/services)");
    }
  }
}
