package dev.tollgate.samples.loadgen;

import java.nio.charset.StandardCharsets;

/**
 * Watches one response body as it arrives: for server-sent events, when the first event that
 * carries generated text came and whether an error event came; at the end, the token counts.
 *
 * <p>Works on bytes, never on decoded chunks, so a multi-byte character split across reads is
 * harmless. Token counts use the last occurrence of each usage key, which is right for every format
 * here: Anthropic's cumulative {@code message_delta}, Dify's {@code message_end} after its node
 * events, OpenAI's final usage chunk.
 */
final class BodyAnalyzer {
  private static final int MAX_BODY = 8 * 1024 * 1024;

  private byte[] body = new byte[4096];
  private int length;
  private boolean overflow;
  private boolean sse;
  private int lineStart;
  private long firstContentNanos = -1;
  private boolean streamError;

  void reset(boolean sse) {
    this.sse = sse;
    length = 0;
    lineStart = 0;
    overflow = false;
    firstContentNanos = -1;
    streamError = false;
  }

  void onBody(byte[] src, int off, int n, long nowNanos) {
    if (n <= 0) {
      return;
    }
    if (length + n > body.length) {
      if (length + n > MAX_BODY) {
        overflow = true;
        return;
      }
      byte[] bigger = new byte[Math.min(MAX_BODY, Math.max(body.length * 2, length + n))];
      System.arraycopy(body, 0, bigger, 0, length);
      body = bigger;
    }
    System.arraycopy(src, off, body, length, n);
    int from = length;
    length += n;
    if (sse) {
      scanLines(from, nowNanos);
    }
  }

  private void scanLines(int from, long now) {
    for (int i = from; i < length; i++) {
      if (body[i] == '\n') {
        int end = i > lineStart && body[i - 1] == '\r' ? i - 1 : i;
        line(lineStart, end, now);
        lineStart = i + 1;
      }
    }
  }

  private void line(int start, int end, long now) {
    if (startsWith(start, end, "data:")) {
      int p = start + 5;
      if (p < end && body[p] == ' ') {
        p++;
      }
      if (firstContentNanos < 0 && isContent(body, p, end)) {
        firstContentNanos = now;
      }
      if (isError(body, p, end)) {
        streamError = true;
      }
    } else if (startsWith(start, end, "event:")) {
      int p = start + 6;
      while (p < end && body[p] == ' ') {
        p++;
      }
      if (end - p == 5 && startsWith(p, end, "error")) {
        streamError = true;
      }
    }
  }

  private boolean startsWith(int start, int end, String prefix) {
    if (end - start < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (body[start + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether an event carries generated text. Role-only and empty deltas, Anthropic's message_start
   * and ping, the Responses API's bookkeeping events and Dify's workflow and node events do not.
   */
  static boolean isContent(byte[] b, int from, int to) {
    String event = stringValue(b, from, to, "\"event\"");
    if (event != null) {
      return event.equals("message") || event.equals("agent_message") || event.equals("text_chunk");
    }
    if (indexOf(b, from, to, "content_block_delta") >= 0) {
      return true;
    }
    if (indexOf(b, from, to, "_text.delta\"") >= 0) {
      return true;
    }
    String content = stringValue(b, from, to, "\"content\"");
    if (content != null && !content.isEmpty()) {
      return true;
    }
    String reasoning = stringValue(b, from, to, "\"reasoning_content\"");
    return reasoning != null && !reasoning.isEmpty();
  }

  /**
   * OpenAI's {@code data: {"error": ...}} and Dify's {@code data: {"event": "error", ...}}: both
   * lead with that key, so only the start of the line is looked at.
   */
  static boolean isError(byte[] b, int from, int to) {
    int p = from;
    while (p < to && b[p] == ' ') {
      p++;
    }
    if (p >= to || b[p] != '{') {
      return false;
    }
    p++;
    while (p < to && (b[p] == ' ' || b[p] == '\n')) {
      p++;
    }
    if (regionMatches(b, p, to, "\"error\"")) {
      return true;
    }
    if (regionMatches(b, p, to, "\"event\"")) {
      int v = skipColon(b, p + 7, to);
      return v > 0 && regionMatches(b, v, to, "\"error\"");
    }
    return false;
  }

  /** The string value following the first occurrence of a quoted key, or null. */
  static String stringValue(byte[] b, int from, int to, String quotedKey) {
    int k = indexOf(b, from, to, quotedKey);
    if (k < 0) {
      return null;
    }
    int p = skipColon(b, k + quotedKey.length(), to);
    if (p < 0 || p >= to || b[p] != '"') {
      return null;
    }
    int start = ++p;
    while (p < to && b[p] != '"') {
      p += b[p] == '\\' ? 2 : 1;
    }
    return p > to ? null : new String(b, start, Math.min(p, to) - start, StandardCharsets.UTF_8);
  }

  private static int skipColon(byte[] b, int p, int to) {
    while (p < to && (b[p] == ' ' || b[p] == '\t')) {
      p++;
    }
    if (p >= to || b[p] != ':') {
      return -1;
    }
    p++;
    while (p < to && (b[p] == ' ' || b[p] == '\t')) {
      p++;
    }
    return p;
  }

  static int indexOf(byte[] b, int from, int to, String needle) {
    int n = needle.length();
    char first = needle.charAt(0);
    for (int i = from; i <= to - n; i++) {
      if (b[i] == first && regionMatches(b, i, to, needle)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean regionMatches(byte[] b, int at, int to, String s) {
    if (to - at < s.length()) {
      return false;
    }
    for (int j = 0; j < s.length(); j++) {
      if (b[at + j] != s.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  /** The integer after the last occurrence of a quoted key; -1 if absent, null or not a number. */
  static long lastInt(byte[] b, int length, String quotedKey) {
    int n = quotedKey.length();
    for (int i = length - n; i >= 0; i--) {
      if (b[i] == '"' && regionMatches(b, i, length, quotedKey)) {
        int p = skipColon(b, i + n, length);
        if (p < 0) {
          continue; // the key's text inside a string value
        }
        long v = 0;
        int digits = 0;
        while (p < length && b[p] >= '0' && b[p] <= '9' && digits < 18) {
          v = v * 10 + (b[p] - '0');
          p++;
          digits++;
        }
        return digits == 0 ? -1 : v;
      }
    }
    return -1;
  }

  /** Token counts of the finished body; each is -1 when the body does not say. */
  record Tokens(long input, long output, long total) {
    static final Tokens UNKNOWN = new Tokens(-1, -1, -1);

    boolean known() {
      return input >= 0 || output >= 0 || total >= 0;
    }
  }

  Tokens tokens() {
    if (overflow) {
      return Tokens.UNKNOWN;
    }
    return tokens(body, length);
  }

  static Tokens tokens(byte[] b, int len) {
    long in = lastInt(b, len, "\"prompt_tokens\"");
    if (in < 0) {
      in = lastInt(b, len, "\"input_tokens\"");
      if (in >= 0) {
        // Anthropic counts cache reads and writes outside input_tokens.
        in += Math.max(0, lastInt(b, len, "\"cache_read_input_tokens\""));
        in += Math.max(0, lastInt(b, len, "\"cache_creation_input_tokens\""));
      }
    }
    long out = lastInt(b, len, "\"completion_tokens\"");
    if (out < 0) {
      out = lastInt(b, len, "\"output_tokens\"");
    }
    long total = lastInt(b, len, "\"total_tokens\"");
    if (total < 0 && in >= 0 && out >= 0) {
      total = in + out;
    }
    return new Tokens(in, out, total);
  }

  long firstContentNanos() {
    return firstContentNanos;
  }

  boolean streamError() {
    return streamError;
  }

  int length() {
    return length;
  }

  String text() {
    return new String(body, 0, length, StandardCharsets.UTF_8);
  }
}
