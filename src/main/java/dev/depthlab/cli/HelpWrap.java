package dev.depthlab.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Help text wrapped between words only. picocli wraps with the JDK's line-break rules, which also
 * break after a '.' before a letter ({@code --set training.} / {@code epochs=50}); this table wraps
 * a too-long cell at spaces (a word longer than the column is cut only as a last resort). Installed
 * for the option and parameter lists of every command ({@link #install}).
 */
final class HelpWrap {
  private HelpWrap() {}

  /** Uses the word-wrapping lists in {@code cmd} and every subcommand. */
  static void install(CommandLine cmd) {
    cmd.getHelpSectionMap()
        .put(
            UsageMessageSpec.SECTION_KEY_OPTION_LIST,
            help ->
                help.optionList(
                    layout(help), help.createDefaultOptionSort(), help.parameterLabelRenderer()));
    cmd.getHelpSectionMap()
        .put(
            UsageMessageSpec.SECTION_KEY_PARAMETER_LIST,
            help -> help.parameterList(layout(help), help.parameterLabelRenderer()));
    cmd.getSubcommands().values().forEach(HelpWrap::install);
  }

  private static Help.Layout layout(Help help) {
    Help.Layout def = help.createDefaultLayout();
    TextTable t = def.textTable();
    WordTable words = new WordTable(help.colorScheme(), t.columns());
    words.indentWrappedLines = t.indentWrappedLines;
    return new Help.Layout(
        help.colorScheme(), words, def.optionRenderer(), def.parameterRenderer());
  }

  /**
   * {@code text} cut at spaces into lines of at most {@code width} (later lines: width - indent).
   */
  static List<String> wrap(String text, int width, int indent) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.trim().split(" +")) {
      int room = lines.isEmpty() ? width : width - indent;
      if (line.length() > 0 && line.length() + 1 + word.length() > room) {
        lines.add(line.toString());
        line.setLength(0);
        room = width - indent;
      }
      while (word.length() > room) { // a word wider than the column: cut it
        if (line.length() > 0) {
          lines.add(line.toString());
          line.setLength(0);
        }
        lines.add(word.substring(0, room));
        word = word.substring(room);
        room = width - indent;
      }
      line.append(line.length() > 0 ? " " : "").append(word);
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }

  private static final class WordTable extends TextTable {
    private final Help.ColorScheme scheme;

    WordTable(Help.ColorScheme scheme, Column[] columns) {
      super(scheme, columns);
      this.scheme = scheme;
    }

    @Override
    public Cell putValue(int row, int col, Text value) {
      Column c = columns()[col];
      String plain = value.plainString();
      int width = c.width - c.indent;
      if (c.overflow != Column.Overflow.WRAP || plain.length() <= width || plain.contains("\n")) {
        return super.putValue(row, col, value);
      }
      Cell last = null;
      List<String> lines = wrap(plain, width, indentWrappedLines);
      for (int i = 0; i < lines.size(); i++) {
        while (row + i >= rowCount()) {
          addEmptyRow();
        }
        String shown = (i == 0 ? "" : " ".repeat(indentWrappedLines)) + lines.get(i);
        last = super.putValue(row + i, col, scheme.text(shown));
      }
      return last;
    }
  }
}
