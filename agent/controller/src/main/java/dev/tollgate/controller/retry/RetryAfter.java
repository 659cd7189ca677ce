package dev.tollgate.controller.retry;

import java.math.BigDecimal;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Reads a server's requested delay. The precedence follows the official SDKs (openai-python's
 * {@code _parse_retry_after_header}): {@code retry-after-ms} (Azure; more precise) first, then
 * {@code Retry-After} as seconds (fractions allowed) or as an HTTP-date. Gemini sends no header;
 * its delay is {@code RetryInfo.retryDelay} in the error body, a protobuf duration such as {@code
 * "37s"}: {@link #parseProtoDuration} and {@link #findRetryDelayInBody}. Every method returns
 * nanoseconds, or -1 when there is nothing usable; a date in the past gives 0.
 */
public final class RetryAfter {
  private static final DateTimeFormatter RFC_850 =
      DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss zzz", Locale.US);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.US)
          .withZone(java.time.ZoneOffset.UTC);

  /** Beyond about 30 years a delay is nonsense. */
  private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE / 8);

  private RetryAfter() {}

  /** Both headers, as the SDKs read them; either may be null. */
  public static long fromHeaders(String retryAfterMs, String retryAfter, long nowEpochMillis) {
    long ms = parseRetryAfterMs(retryAfterMs);
    if (ms >= 0) {
      return ms;
    }
    return parseRetryAfter(retryAfter, nowEpochMillis);
  }

  /** {@code retry-after-ms: 1500} (fractions allowed). */
  public static long parseRetryAfterMs(String value) {
    return scaled(value, 6);
  }

  /** {@code Retry-After: 120}, {@code 1.5}, or {@code Wed, 21 Oct 2026 07:28:00 GMT}. */
  public static long parseRetryAfter(String value, long nowEpochMillis) {
    if (value == null) {
      return -1;
    }
    String v = value.trim();
    if (v.isEmpty()) {
      return -1;
    }
    char c = v.charAt(0);
    if (c >= '0' && c <= '9' || c == '.') {
      return scaled(v, 9);
    }
    long at = parseHttpDate(v);
    if (at == Long.MIN_VALUE) {
      return -1;
    }
    return Math.max(0, at - nowEpochMillis) * 1_000_000;
  }

  /** An HTTP-date (IMF-fixdate, RFC 850 or asctime) in epoch ms, or Long.MIN_VALUE. */
  static long parseHttpDate(String v) {
    DateTimeFormatter[] formats = {DateTimeFormatter.RFC_1123_DATE_TIME, RFC_850, ASCTIME};
    for (DateTimeFormatter f : formats) {
      try {
        return ZonedDateTime.parse(v, f).toInstant().toEpochMilli();
      } catch (DateTimeParseException e) {
        // try the next format
      }
    }
    return Long.MIN_VALUE;
  }

  /** A protobuf JSON duration such as {@code "37s"}, {@code "0.5s"} or {@code "1.000340012s"}. */
  public static long parseProtoDuration(String value) {
    if (value == null) {
      return -1;
    }
    String v = value.trim();
    if (v.length() < 2 || (v.charAt(v.length() - 1) != 's' && v.charAt(v.length() - 1) != 'S')) {
      return -1;
    }
    return scaled(v.substring(0, v.length() - 1), 9);
  }

  /**
   * Finds {@code "retryDelay": "37s"} in a Gemini/Google error body without a JSON parser; -1 when
   * absent.
   */
  public static long findRetryDelayInBody(CharSequence body) {
    if (body == null) {
      return -1;
    }
    String s = body.toString();
    int i = s.indexOf("\"retryDelay\"");
    if (i < 0) {
      return -1;
    }
    i += "\"retryDelay\"".length();
    while (i < s.length()
        && (s.charAt(i) == ' '
            || s.charAt(i) == ':'
            || s.charAt(i) == '\t'
            || s.charAt(i) == '\n'
            || s.charAt(i) == '\r')) {
      i++;
    }
    if (i >= s.length() || s.charAt(i) != '"') {
      return -1;
    }
    int end = s.indexOf('"', i + 1);
    return end < 0 ? -1 : parseProtoDuration(s.substring(i + 1, end));
  }

  /** A non-negative decimal times 10^shift, exactly; -1 when it is not one. */
  private static long scaled(String v, int shift) {
    if (v == null) {
      return -1;
    }
    String t = v.trim();
    if (t.isEmpty() || t.length() > 30) {
      return -1;
    }
    for (int i = 0; i < t.length(); i++) {
      char ch = t.charAt(i);
      if (!(ch >= '0' && ch <= '9') && ch != '.') {
        return -1;
      }
    }
    try {
      BigDecimal d = new BigDecimal(t).movePointRight(shift);
      return d.compareTo(MAX) > 0 ? -1 : d.longValue();
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
