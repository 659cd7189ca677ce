package dev.tollgate.agent.core.rewrite;

import dev.tollgate.agent.core.call.Provider;
import dev.tollgate.agent.core.call.Route;
import dev.tollgate.agent.core.parse.HeaderLookup;
import java.nio.charset.StandardCharsets;

/**
 * The request half of the opt-in {@code tollgate.openai.include_usage}: which calls may carry an
 * added {@code "stream_options":{"include_usage":true}}, and the byte-exact insertion itself. The
 * response half, which takes out again what the provider then adds, is {@link UsageChunkFilter}.
 *
 * <p>Only OpenAI-compatible chat completions (OpenAI, Azure OpenAI, DeepSeek, vLLM and gateways,
 * Ollama's {@code /v1}): not the Responses API (it reports usage anyway), not Anthropic's or
 * Gemini's OpenAI-compatible endpoints, not Dify. A request is rewritten only when everything about
 * it is known: the whole body in hand, under 64 KiB, one JSON object with {@code "stream": true}.
 */
public final class IncludeUsage {
  /** Larger bodies are sent untouched: the agent never holds more of a request than this. */
  public static final int MAX_BODY = 64 * 1024;

  /**
   * Azure OpenAI rejects {@code stream_options} (400, "Unrecognized request argument") on API
   * versions before 2024-09-01-preview; the GA {@code 2024-10-21} and the {@code /openai/v1/} API
   * accept it.
   */
  static final String AZURE_FIRST_VERSION = "2024-09-01";

  private static final byte[] MEMBER =
      ",\"stream_options\":{\"include_usage\":true}".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] INNER = "\"include_usage\":true".getBytes(StandardCharsets.US_ASCII);

  private IncludeUsage() {}

  /**
   * True when this call may have {@code include_usage} added: an OpenAI-compatible chat completions
   * call whose response the agent can edit (the request asks for no content encoding of its own,
   * and its own body is not encoded). Allocation-free.
   *
   * @param rawQuery the URL's query string without '?', or null
   * @param requestHeaders the application's request headers; may be null
   */
  public static boolean eligible(
      Route route, String rawPath, String rawQuery, HeaderLookup requestHeaders) {
    if (route == null || route.api != Route.Api.OPENAI_CHAT) {
      return false;
    }
    Provider p = route.provider;
    if (p == Provider.AZURE_OPENAI) {
      if (!azureAccepts(rawPath, rawQuery)) {
        return false;
      }
    } else if (p != Provider.OPENAI
        && p != Provider.OPENAI_COMPATIBLE
        && p != Provider.DEEPSEEK
        && p != Provider.OLLAMA) {
      return false;
    }
    if (requestHeaders != null) {
      if (requestHeaders.get("content-encoding") != null) {
        return false;
      }
      // The application decodes the response itself: the bytes the agent sees are compressed.
      String ae = requestHeaders.get("accept-encoding");
      if (ae != null && !ae.trim().isEmpty() && !ae.trim().equalsIgnoreCase("identity")) {
        return false;
      }
    }
    return true;
  }

  static boolean azureAccepts(String rawPath, String rawQuery) {
    if (rawPath != null && rawPath.contains("/openai/v1/")) {
      return true;
    }
    String v = queryParam(rawQuery, "api-version");
    if (v == null || v.length() < AZURE_FIRST_VERSION.length()) {
      return false;
    }
    // Dated versions compare as text: 2024-10-21 and 2025-04-01-preview pass, 2024-06-01 does not.
    for (int i = 0; i < AZURE_FIRST_VERSION.length(); i++) {
      char c = v.charAt(i);
      if (AZURE_FIRST_VERSION.charAt(i) == '-' ? c != '-' : (c < '0' || c > '9')) {
        return false;
      }
    }
    return v.compareTo(AZURE_FIRST_VERSION) >= 0;
  }

  private static String queryParam(String query, String name) {
    if (query == null) {
      return null;
    }
    int i = 0;
    int n = query.length();
    while (i < n) {
      int amp = query.indexOf('&', i);
      int e = amp < 0 ? n : amp;
      if (query.startsWith(name, i)
          && i + name.length() < e
          && query.charAt(i + name.length()) == '=') {
        return query.substring(i + name.length() + 1, e);
      }
      i = e + 1;
    }
    return null;
  }

  /**
   * Returns the body with {@code include_usage} asked for, or null to send it unchanged. Changed
   * only when the body is one JSON object (nothing but whitespace around it) whose top level has
   * {@code "stream": true} and either no {@code stream_options} (the member is appended after the
   * last one) or a {@code stream_options} object without {@code include_usage} (the key is
   * appended inside it, so the application's other stream options stay). An application that set
   * {@code include_usage} itself, to either value, or {@code stream_options} to anything but an
   * object, is left alone: it chose. Every other byte is kept as it was. Never throws.
   */
  public static byte[] addTo(byte[] body, int offset, int length) {
    try {
      if (body == null || length <= 0 || length >= MAX_BODY) {
        return null;
      }
      return insert(body, offset, offset + length);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static byte[] insert(byte[] b, int from, int to) {
    JsonScan s = new JsonScan();
    if (!s.start(b, from, to)) {
      return null;
    }
    int streams = 0;
    boolean streamTrue = false;
    int options = 0;
    int optionsStart = -1;
    int optionsEnd = -1;
    int lastValueEnd = -1;
    int r;
    while ((r = s.next()) == JsonScan.MEMBER) {
      if (s.keyEscaped) {
        return null; // a key we cannot compare byte-wise could be either of ours
      }
      if (s.keyIs("stream")) {
        streams++;
        streamTrue = s.valueIs("true");
      } else if (s.keyIs("stream_options")) {
        options++;
        optionsStart = s.valueIsObject() ? s.valueStart : -1;
        optionsEnd = s.valueEnd;
      }
      lastValueEnd = s.valueEnd;
    }
    if (r != JsonScan.END
        || JsonScan.ws(b, s.close + 1, to) != to
        || streams != 1
        || !streamTrue
        || options > 1) {
      return null;
    }
    if (options == 0) {
      return splice(b, from, to, lastValueEnd, MEMBER, 0);
    }
    if (optionsStart < 0) {
      return null; // "stream_options": null, or not an object
    }
    JsonScan inner = new JsonScan();
    inner.start(b, optionsStart, optionsEnd);
    int innerLast = -1;
    while ((r = inner.next()) == JsonScan.MEMBER) {
      if (inner.keyEscaped || inner.keyIs("include_usage")) {
        return null;
      }
      innerLast = inner.valueEnd;
    }
    if (r != JsonScan.END) {
      return null;
    }
    if (innerLast < 0) {
      return splice(b, from, to, inner.open + 1, INNER, 0);
    }
    // After the last option: a comma, then the key.
    return splice(b, from, to, innerLast, INNER, 1);
  }

  /** Copies b[from, to) with {@code insert} placed at {@code at}, preceded by a comma if asked. */
  private static byte[] splice(byte[] b, int from, int to, int at, byte[] insert, int comma) {
    int n = to - from;
    byte[] out = new byte[n + comma + insert.length];
    int head = at - from;
    System.arraycopy(b, from, out, 0, head);
    if (comma == 1) {
      out[head] = ',';
    }
    System.arraycopy(insert, 0, out, head + comma, insert.length);
    System.arraycopy(b, at, out, head + comma + insert.length, to - at);
    return out;
  }

  /**
   * True when the response to a rewritten request is a stream the filter can edit: a 2xx
   * {@code text/event-stream} whose bytes reach the agent unencoded. Anything else (an error body,
   * JSON, a compressed stream) passes untouched.
   */
  public static boolean filters(int status, String contentType, String contentEncoding) {
    if (status < 200 || status >= 300 || contentType == null) {
      return false;
    }
    if (contentEncoding != null) {
      String e = contentEncoding.trim();
      if (!e.isEmpty() && !e.equalsIgnoreCase("identity")) {
        return false;
      }
    }
    String t = contentType.trim();
    int semi = t.indexOf(';');
    if (semi >= 0) {
      t = t.substring(0, semi).trim();
    }
    return t.equalsIgnoreCase("text/event-stream");
  }
}
