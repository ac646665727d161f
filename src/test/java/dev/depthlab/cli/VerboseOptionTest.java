package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every command accepts --verbose, which an unexpected failure's message suggests: it used to be an
 * unknown option of the commands without the common options (report, merge, backends, ...).
 */
class VerboseOptionTest {
  @ParameterizedTest
  @ValueSource(strings = {"report", "sweep", "train", "backends", "merge", "data"})
  void everyCommandAcceptsIt(String command) {
    CliTestSupport.Outcome o = CliTestSupport.run(command, "--help", "--verbose");
    assertEquals(0, o.code(), o.err());
    assertFalse(o.err().contains("Unknown option"), o.err());
  }
}
