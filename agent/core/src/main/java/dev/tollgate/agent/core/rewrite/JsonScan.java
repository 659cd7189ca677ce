package dev.tollgate.agent.core.rewrite;

/**
 * Walks the top-level members of one JSON object in place and reports where each key and value
 * starts and ends, so a member can be inserted or cut out without re-serializing the rest: every
 * byte outside the edit stays as the sender wrote it.
 *
 * <p>Strict where it matters for exact boundaries (strings, escapes, bracket nesting, literals) and
 * lenient elsewhere (it does not check the grammar inside nested values). Bytes of 0x80 and above
 * never look like JSON syntax in UTF-8, so multibyte characters need no decoding. Not thread-safe;
 * one instance is reused per request or per stream.
 */
final class JsonScan {
  /** Deeper nesting is treated as malformed: no chat request or chunk comes near it. */
  private static final int MAX_DEPTH = 256;

  private byte[] b;
  private int end;
  private int pos;
  private final byte[] closers = new byte[MAX_DEPTH];
  /** The last string scanned had a backslash escape. */
  private boolean escape;

  /** Index of the object's opening brace. */
  int open;
  /** Index of the object's closing brace, once {@link #next} returned {@link #END}. */
  int close;
  /** The current member: its key's opening quote, the index after its closing quote. */
  int keyStart;
  int keyEnd;
  /** The key contains a backslash escape, so comparing raw bytes says nothing. */
  boolean keyEscaped;
  /** The current member's value: its first byte and the index after its last. */
  int valueStart;
  int valueEnd;

  static final int MEMBER = 1;
  static final int END = 0;
  static final int MALFORMED = -1;

  /** Starts at the first non-whitespace byte from {@code from}; false unless that is an object. */
  boolean start(byte[] bytes, int from, int to) {
    b = bytes;
    end = to;
    int i = ws(bytes, from, to);
    if (i >= to || bytes[i] != '{') {
      return false;
    }
    open = i;
    pos = i + 1;
    close = -1;
    valueEnd = -1;
    return true;
  }

  /** Advances to the next member: {@link #MEMBER}, {@link #END} or {@link #MALFORMED}. */
  int next() {
    int i = ws(b, pos, end);
    if (i >= end) {
      return MALFORMED;
    }
    if (valueEnd >= 0) {
      // After a member: a comma or the closing brace.
      if (b[i] == '}') {
        close = i;
        pos = i + 1;
        return END;
      }
      if (b[i] != ',') {
        return MALFORMED;
      }
      i = ws(b, i + 1, end);
    } else if (b[i] == '}') {
      close = i;
      pos = i + 1;
      return END;
    }
    if (i >= end || b[i] != '"') {
      return MALFORMED;
    }
    keyStart = i;
    escape = false;
    int k = string(i);
    if (k < 0) {
      return MALFORMED;
    }
    keyEnd = k;
    keyEscaped = escape;
    i = ws(b, k, end);
    if (i >= end || b[i] != ':') {
      return MALFORMED;
    }
    i = ws(b, i + 1, end);
    int v = value(i);
    if (v < 0) {
      return MALFORMED;
    }
    valueStart = i;
    valueEnd = v;
    pos = v;
    return MEMBER;
  }

  /** The current key, unescaped, is exactly this ASCII text. */
  boolean keyIs(String ascii) {
    int n = ascii.length();
    if (keyEscaped || keyEnd - keyStart - 2 != n) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (b[keyStart + 1 + k] != ascii.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** The current value is exactly this literal ({@code true}, {@code null}). */
  boolean valueIs(String literal) {
    int n = literal.length();
    if (valueEnd - valueStart != n) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (b[valueStart + k] != literal.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  boolean valueIsObject() {
    return b[valueStart] == '{';
  }

  /** The current value is an array with no elements ({@code []}, whitespace allowed inside). */
  boolean valueIsEmptyArray() {
    return b[valueStart] == '[' && ws(b, valueStart + 1, valueEnd) == valueEnd - 1;
  }

  boolean valueIsArray() {
    return b[valueStart] == '[';
  }

  static int ws(byte[] b, int i, int end) {
    while (i < end) {
      byte c = b[i];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        break;
      }
      i++;
    }
    return i;
  }

  /** The index after the value starting at {@code i}, or -1. */
  private int value(int i) {
    if (i >= end) {
      return -1;
    }
    byte c = b[i];
    switch (c) {
      case '"':
        return string(i);
      case '{':
      case '[':
        return container(i);
      case 't':
        return literal(i, "true");
      case 'f':
        return literal(i, "false");
      case 'n':
        return literal(i, "null");
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          int j = i + 1;
          while (j < end && isNumberByte(b[j])) {
            j++;
          }
          return j;
        }
        return -1;
    }
  }

  private static boolean isNumberByte(byte c) {
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
  }

  private int literal(int i, String word) {
    int n = word.length();
    if (end - i < n) {
      return -1;
    }
    for (int k = 0; k < n; k++) {
      if (b[i + k] != word.charAt(k)) {
        return -1;
      }
    }
    return i + n;
  }

  /** From an opening quote to the index after the closing one; -1 for a raw control character. */
  private int string(int i) {
    for (int j = i + 1; j < end; j++) {
      byte c = b[j];
      if (c == '"') {
        return j + 1;
      }
      if (c == '\\') {
        escape = true;
        j++;
      } else if (c >= 0 && c < 0x20) {
        return -1;
      }
    }
    return -1;
  }

  private int container(int i) {
    int depth = 0;
    for (int j = i; j < end; j++) {
      byte c = b[j];
      if (c == '"') {
        int k = string(j);
        if (k < 0) {
          return -1;
        }
        j = k - 1;
      } else if (c == '{' || c == '[') {
        if (depth == MAX_DEPTH) {
          return -1;
        }
        closers[depth++] = c == '{' ? (byte) '}' : (byte) ']';
      } else if (c == '}' || c == ']') {
        if (depth == 0 || closers[--depth] != c) {
          return -1;
        }
        if (depth == 0) {
          return j + 1;
        }
      }
    }
    return -1;
  }
}
