package dev.depthlab.cli;

import dev.depthlab.sweep.WriterLock;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** The {@link WriterLock} of the folders a command writes, described by its command line. */
final class Locks {
  private Locks() {}

  static WriterLock hold(CommandSpec spec, List<Path> dirs) {
    return WriterLock.hold(dirs, commandLine(spec));
  }

  /** "depthlab sweep config/x.yaml --out DIR": what another writer's refusal names. */
  static String commandLine(CommandSpec spec) {
    var parsed = spec.commandLine().getParseResult();
    List<String> args = parsed == null ? List.of() : parsed.originalArgs();
    return "depthlab " + String.join(" ", args);
  }
}
