package dev.tollgate.agent.core.parse;

/**
 * Splits a byte stream into complete JSON values without parsing them: either a sequence of
 * top-level values (Ollama's NDJSON, which may also arrive pretty-printed) or the elements of one
 * top-level array that arrives piece by piece (Gemini's {@code streamGenerateContent} without
 * {@code alt=sse}). Only depth, strings and escapes are tracked, so a value is handed on as soon as
 * its closing brace arrives, however the bytes were split.
 */
final class JsonSplitter extends Framer {
  private final ResponseTap tap;
  private final boolean array;
  private ByteBuf value = new ByteBuf(1024, ResponseTap.EVENT_CAP);
  private int depth;
  private boolean inString;
  private boolean escape;
  private boolean oversized;
  private boolean arrayOpen;
  private boolean started;
  boolean arrayClosed;
  int oversizedValues;

  JsonSplitter(ResponseTap tap, boolean array) {
    this.tap = tap;
    this.array = array;
  }

  @Override
  void write(byte[] b, int off, int len) {
    int i = off;
    final int end = off + len;
    while (i < end) {
      if (depth == 0) {
        byte c = b[i];
        if (c == ' '
            || c == '\n'
            || c == '\r'
            || c == '\t'
            || (!started && (c == (byte) 0xEF || c == (byte) 0xBB || c == (byte) 0xBF))) {
          i++; // whitespace between values; a byte-order mark before the first
          continue;
        }
        started = true;
        if (array) {
          if (arrayClosed) {
            i++; // trailing bytes after the array: nothing to read
            continue;
          }
          if (!arrayOpen) {
            if (c != '[') {
              tap.garbage();
              return;
            }
            arrayOpen = true;
            i++;
            continue;
          }
          if (c == ',') {
            i++;
            continue;
          }
          if (c == ']') {
            arrayClosed = true;
            tap.arrayClosed();
            i++;
            continue;
          }
        }
        if (c != '{' && c != '[') {
          tap.garbage();
          return;
        }
      }
      int start = i;
      boolean closed = false;
      while (i < end) {
        byte c = b[i++];
        if (inString) {
          if (escape) {
            escape = false;
          } else if (c == '\\') {
            escape = true;
          } else if (c == '"') {
            inString = false;
          }
        } else if (c == '"') {
          inString = true;
        } else if (c == '{' || c == '[') {
          depth++;
        } else if (c == '}' || c == ']') {
          if (--depth == 0) {
            closed = true;
            break;
          }
        }
      }
      if (!oversized && !value.append(b, start, i - start)) {
        oversized = true;
        value.clear();
      }
      if (closed) {
        if (oversized) {
          oversizedValues++;
        } else {
          tap.value(value.buf, 0, value.len, null);
          if (tap.isDone()) {
            return;
          }
        }
        value.clear();
        oversized = false;
      }
    }
  }

  @Override
  void end() {
    // A value cut off at EOF is dropped; the dialect decides whether that means truncation.
  }

  @Override
  void release() {
    value = new ByteBuf(0, 0);
  }

  @Override
  int retainedBytes() {
    return value.capacity();
  }
}
