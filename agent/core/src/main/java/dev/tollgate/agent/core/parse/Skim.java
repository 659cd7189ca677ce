package dev.tollgate.agent.core.parse;

import java.nio.charset.StandardCharsets;

/**
 * Byte-level looks into one JSON value, cheap enough to run on every stream event, that tell a
 * dialect whether the event needs a full parse at all. Once a stream's first chunk and model are
 * known, most of its events (the content deltas) carry nothing the agent records; finding that out
 * from the bytes costs a fraction of what tokenizing them does.
 *
 * <p>Every answer errs towards "parse it": the searches match a member name anywhere in the value,
 * nested or not. They never miss one, because inside a JSON string a quote is always escaped, so
 * {@code "usage"} with both quotes bare can only be a member name or a whole string value (and a
 * string value is told apart by what follows it). The one spelling they do not see, a name written
 * with {@code \}{@code u} escapes, no provider sends.
 */
final class Skim {
  private Skim() {}

  static byte[] bytes(String ascii) {
    return ascii.getBytes(StandardCharsets.US_ASCII);
  }

  /** The member name in quotes, as the bytes to look for. */
  static byte[] key(String name) {
    return bytes('"' + name + '"');
  }

  /** Member names to look for, with what {@link ByteScan#quoteThen} needs precomputed. */
  static final class Keys {
    final byte[][] quoted;
    final long[] firstBytes;

    Keys(String... names) {
      quoted = new byte[names.length][];
      firstBytes = new long[names.length];
      for (int k = 0; k < names.length; k++) {
        quoted[k] = key(names[k]);
        firstBytes[k] = ByteScan.spread(quoted[k][1]);
      }
    }
  }

  /** True when a member named by one of {@code keys} has a value other than {@code null}. */
  static boolean anyNonNull(byte[] d, int off, int end, Keys keys) {
    for (int i = ByteScan.quoteThen(d, off, end, keys.firstBytes);
        i >= 0;
        i = ByteScan.quoteThen(d, i + 1, end, keys.firstBytes)) {
      for (byte[] key : keys.quoted) {
        if (startsWith(d, i, end, key)) {
          int v = valueStart(d, i + key.length, end);
          if (v >= 0 && !isNull(d, v, end)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Where the value of the first member named {@code key} starts, or -1. */
  static int valueOf(byte[] d, int off, int end, byte[] key) {
    for (int i = off; i < end; i++) {
      if (d[i] == '"' && startsWith(d, i, end, key)) {
        int v = valueStart(d, i + key.length, end);
        if (v >= 0) {
          return v;
        }
      }
    }
    return -1;
  }

  /**
   * The start of the string value of the value's first member when that member is {@code key}
   * (Dify writes {@code "event"} first), else -1. Looking only at the first member keeps a nested
   * member of the same name from being mistaken for it.
   */
  static int firstMemberString(byte[] d, int off, int end, byte[] key) {
    int i = skipWs(d, off, end);
    if (i >= end || d[i] != '{') {
      return -1;
    }
    i = skipWs(d, i + 1, end);
    if (!startsWith(d, i, end, key)) {
      return -1;
    }
    int v = valueStart(d, i + key.length, end);
    return v >= 0 && d[v] == '"' ? v + 1 : -1;
  }

  /** True when the string starting at {@code at} (just past its opening quote) is {@code value}. */
  static boolean stringIs(byte[] d, int at, int end, byte[] value) {
    int n = value.length;
    if (at < 0 || at + n >= end || d[at + n] != '"') {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (d[at + k] != value[k]) {
        return false;
      }
    }
    return true;
  }

  /** The value of the member whose name ends just before {@code i}: -1 when no colon follows. */
  static int valueStart(byte[] d, int i, int end) {
    i = skipWs(d, i, end);
    if (i >= end || d[i] != ':') {
      return -1;
    }
    i = skipWs(d, i + 1, end);
    return i < end ? i : -1;
  }

  static boolean isNull(byte[] d, int v, int end) {
    return v + 4 <= end && d[v] == 'n' && d[v + 1] == 'u' && d[v + 2] == 'l' && d[v + 3] == 'l';
  }

  private static boolean startsWith(byte[] d, int i, int end, byte[] key) {
    int n = key.length;
    if (i + n > end) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (d[i + k] != key[k]) {
        return false;
      }
    }
    return true;
  }

  private static int skipWs(byte[] d, int i, int end) {
    while (i < end && (d[i] == ' ' || d[i] == '\n' || d[i] == '\r' || d[i] == '\t')) {
      i++;
    }
    return i;
  }
}
