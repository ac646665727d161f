package dev.depthlab.config;

import dev.depthlab.common.UserError;
import java.util.IdentityHashMap;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Where each node of a config tree came from, a line of the source or a {@code --set} override, so
 * that every error message can point at the thing the user has to change.
 */
final class Origins {
  private final String source;
  private final Map<Node, String> overrideOf = new IdentityHashMap<>();

  Origins(String source) {
    this.source = source;
  }

  String source() {
    return source;
  }

  /** Records that {@code node} and everything under it came from the override {@code raw}. */
  void markOverride(Node node, String raw) {
    // a node seen before: an alias, possibly of a list that holds itself ("&a [*a]")
    if (overrideOf.put(node, raw) != null) {
      return;
    }
    if (node instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        markOverride(t.getKeyNode(), raw);
        markOverride(t.getValueNode(), raw);
      }
    } else if (node instanceof SequenceNode s) {
      s.getValue().forEach(n -> markOverride(n, raw));
    }
  }

  boolean fromOverride(Node node) {
    return overrideOf.containsKey(node);
  }

  /** A one-line error located at {@code node}: "--set k=v: ..." or "source:line: ...". */
  UserError error(Node node, String message) {
    message = oneLine(message);
    String raw = node == null ? null : overrideOf.get(node);
    if (raw != null) {
      return overrideError(raw, message);
    }
    if (node == null || node.getStartMark() == null) {
      return new UserError(source + ": " + message);
    }
    return new UserError(source + ":" + (node.getStartMark().getLine() + 1) + ": " + message);
  }

  static UserError overrideError(String raw, String message) {
    return new UserError(oneLine("--set " + raw + ": " + message));
  }

  /** Line breaks and other control characters (a quoted key or value may hold them) escaped. */
  static String oneLine(String message) {
    StringBuilder sb = new StringBuilder(message.length());
    message
        .codePoints()
        .forEach(
            c -> {
              if (c == '\n') {
                sb.append("\\n");
              } else if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || c == 0x85) {
                sb.append(String.format("\\u%04x", c));
              } else {
                sb.appendCodePoint(c);
              }
            });
    return sb.toString();
  }
}
