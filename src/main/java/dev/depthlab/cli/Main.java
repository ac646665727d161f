package dev.depthlab.cli;

import dev.depthlab.common.UserError;
import dev.depthlab.common.Version;
import java.io.PrintWriter;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code depthlab} command: dispatches to one class per subcommand. */
@Command(
    name = "depthlab",
    mixinStandardHelpOptions = true,
    version = "depthlab " + Version.STRING,
    description = "Controlled studies of how network depth changes training.",
    subcommands = {
      TrainCommand.class,
      SweepCommand.class,
      ReportCommand.class,
      GradcheckCommand.class,
      DataCommand.class,
      BackendsCommand.class,
      BenchCommand.class,
      SignalCommand.class,
      PhaseCommand.class,
      SlurmCommand.class,
      MergeCommand.class,
      CompareCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Read from the arguments by the error handler; declared so every command accepts it. */
  @CommandLine.Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line and returns its exit code (tests call this directly). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    // figures are encoded in memory: ImageIO's disk cache would leave imageio*.tmp files in the
    // temporary folder of a process killed while drawing
    ImageIO.setUseCache(false);
    CommandLine cmd = new CommandLine(new Main());
    HelpWrap.install(cmd);
    dev.depthlab.common.Invocation.recordArgs(args); // for run.json and study.yaml
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setExecutionExceptionHandler(
        (ex, line, parsed) -> {
          boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
          if (ex instanceof UserError u) {
            err.println("depthlab: " + u.getMessage());
            if (verbose) {
              ex.printStackTrace(err);
            }
            return u.exitCode();
          }
          err.println("depthlab: failed: " + ex);
          if (verbose) {
            ex.printStackTrace(err);
          } else {
            err.println("(run again with --verbose for the stack trace)");
          }
          return UserError.FAILURE;
        });
    cmd.setParameterExceptionHandler(
        (ex, a) -> {
          String unknownCommand = unknownCommand(ex);
          err.println(
              "depthlab: "
                  + (unknownCommand != null ? unknownCommand : ex.getMessage())
                  + " (see '"
                  + ex.getCommandLine().getCommandSpec().qualifiedName()
                  + " --help')");
          return UserError.USAGE;
        });
    return cmd.execute(args);
  }

  /**
   * "unknown command 'swep' (did you mean 'sweep'?)" when the first word after {@code depthlab} is
   * no command; null for any other parameter error.
   */
  static String unknownCommand(CommandLine.ParameterException ex) {
    if (!(ex instanceof CommandLine.UnmatchedArgumentException u)
        || ex.getCommandLine().getCommandSpec().parent() != null
        || u.getUnmatched().isEmpty()
        || u.getUnmatched().get(0).startsWith("-")) {
      return null;
    }
    String typed = u.getUnmatched().get(0);
    var names = ex.getCommandLine().getSubcommands().keySet();
    String hint = dev.depthlab.config.DidYouMean.of(typed, names);
    return "unknown command '"
        + typed
        + "'"
        + (hint.isEmpty() ? "; commands: " + String.join(", ", names) : hint);
  }
}
