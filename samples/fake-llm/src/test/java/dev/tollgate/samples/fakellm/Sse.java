package dev.tollgate.samples.fakellm;

import java.util.ArrayList;
import java.util.List;

/** A strict little SSE parser for the tests: events are separated by a blank line. */
record Sse(String event, String data) {
  static List<Sse> parse(String body) {
    List<Sse> out = new ArrayList<>();
    for (String block : body.split("\n\n")) {
      if (block.isBlank()) {
        continue;
      }
      String event = null;
      StringBuilder data = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = data == null ? new StringBuilder() : data.append('\n');
          data.append(line.substring(6));
        } else {
          throw new AssertionError("unexpected SSE line: " + line);
        }
      }
      out.add(new Sse(event, data == null ? null : data.toString()));
    }
    return out;
  }
}
