package dev.tollgate.agent.core.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.tollgate.agent.core.call.LlmCall;
import java.io.IOException;

/**
 * Small helpers over Jackson's streaming parser. Dialects walk JSON with these instead of building
 * trees: unknown fields and large values (message text, embedding vectors) are skipped without
 * being decoded into Strings.
 */
final class Json {
  private Json() {}

  /** Shared and thread-safe. Source is never put into exception messages: bodies are private. */
  static final JsonFactory FACTORY =
      JsonFactory.builder()
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
          .build();

  static JsonParser parser(byte[] data, int offset, int length) throws IOException {
    return FACTORY.createParser(data, offset, length);
  }

  /**
   * Advances to the next member of the current object and onto its value; returns the member's
   * name, or null at the end of the object.
   */
  static String nextField(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.FIELD_NAME) {
      return null;
    }
    String name = p.currentName();
    p.nextToken();
    return name;
  }

  /**
   * Inside an array: advances to the next element that is an object (skipping others) and returns
   * true, or false at the end of the array.
   */
  static boolean nextObject(JsonParser p) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) != null && t != JsonToken.END_ARRAY) {
      if (t == JsonToken.START_OBJECT) {
        return true;
      }
      p.skipChildren();
    }
    return false;
  }

  /** True when the current token opens an object; otherwise the value is skipped. */
  static boolean isObject(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.START_OBJECT) {
      return true;
    }
    p.skipChildren();
    return false;
  }

  /** True when the current token opens an array; otherwise the value is skipped. */
  static boolean isArray(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.START_ARRAY) {
      return true;
    }
    p.skipChildren();
    return false;
  }

  /** Reads {@code key} from the current object as a count; UNKNOWN when absent or null. */
  static long countIn(JsonParser p, String key) throws IOException {
    long v = LlmCall.UNKNOWN;
    if (!isObject(p)) {
      return v;
    }
    String f;
    while ((f = nextField(p)) != null) {
      if (f.equals(key)) {
        v = count(p);
      } else {
        p.skipChildren();
      }
    }
    return v;
  }

  /** Reads the current value as a count: ints, floats and numeric strings; otherwise UNKNOWN. */
  static long count(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getLongValue();
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      return (long) p.getDoubleValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      try {
        return Long.parseLong(p.getText().trim());
      } catch (NumberFormatException e) {
        return LlmCall.UNKNOWN;
      }
    }
    p.skipChildren();
    return LlmCall.UNKNOWN;
  }

  /** The current value as a String when it is a string, else null (and the value is skipped). */
  static String text(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  /** A non-empty string (or number rendered as text), else null. */
  static String nonEmptyText(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT) {
      String s = p.getText();
      return s.isEmpty() ? null : s;
    }
    p.skipChildren();
    return null;
  }

  /**
   * True when the current value is "content": a non-empty string, or a non-empty array/object (some
   * servers send content parts). Consumes the value.
   */
  static boolean hasContent(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      return p.getTextLength() > 0;
    }
    if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
      JsonToken next = p.nextToken();
      boolean nonEmpty = next != JsonToken.END_ARRAY && next != JsonToken.END_OBJECT;
      if (nonEmpty) {
        p.skipChildren(); // skips the first element if it is a container
        skipRest(p);
      }
      return nonEmpty;
    }
    return false;
  }

  /** Skips to the end of the container whose first element was just consumed. */
  private static void skipRest(JsonParser p) throws IOException {
    int depth = 1;
    while (depth > 0) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return;
      }
      if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
        depth++;
      } else if (t == JsonToken.END_ARRAY || t == JsonToken.END_OBJECT) {
        depth--;
      }
    }
  }

  /** Boolean value; true for {@code true} only. */
  static boolean bool(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_TRUE) {
      return true;
    }
    p.skipChildren();
    return false;
  }

  /**
   * Finds the value of the LAST occurrence of {@code "key":} in buf[0, len), searching raw bytes.
   * Returns the index where the value starts, or -1. Used on the retained tail of a body too large
   * to buffer, where usage sits near the end. A match whose quote is escaped (inside a string) is
   * ignored.
   */
  static int findValue(byte[] buf, int len, byte[] quotedKey) {
    int k = quotedKey.length;
    for (int i = len - k; i >= 0; i--) {
      if (buf[i] != '"' || !regionEquals(buf, i, quotedKey)) {
        continue;
      }
      if (i > 0 && buf[i - 1] == '\\') {
        continue;
      }
      int j = skipWs(buf, i + k, len);
      if (j < len && buf[j] == ':') {
        j = skipWs(buf, j + 1, len);
        if (j < len) {
          return j;
        }
      }
    }
    return -1;
  }

  private static boolean regionEquals(byte[] buf, int at, byte[] s) {
    for (int i = 0; i < s.length; i++) {
      if (buf[at + i] != s[i]) {
        return false;
      }
    }
    return true;
  }

  /** Like {@link #skipWs}, also skipping the bytes of a UTF-8 byte-order mark. */
  static int skipWsAndBom(byte[] buf, int i, int end) {
    while (i < end) {
      byte b = buf[i];
      if (b != ' '
          && b != '\n'
          && b != '\r'
          && b != '\t'
          && b != (byte) 0xEF
          && b != (byte) 0xBB
          && b != (byte) 0xBF) {
        return i;
      }
      i++;
    }
    return i;
  }

  static int skipWs(byte[] buf, int i, int end) {
    while (i < end) {
      byte b = buf[i];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return i;
      }
      i++;
    }
    return i;
  }

  static byte[] quoted(String key) {
    return ("\"" + key + "\"").getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Parses a protobuf-JSON duration such as "37s" or "1.5s"; NaN when malformed. */
  static double protoDurationSeconds(String s) {
    if (s == null) {
      return Double.NaN;
    }
    String t = s.trim();
    if (t.endsWith("s")) {
      t = t.substring(0, t.length() - 1);
    }
    try {
      double v = Double.parseDouble(t);
      return v >= 0 ? v : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
