package dev.tollgate.sidecar.alerts;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Small pure helpers shared by rules, the evaluator and the payloads. */
public final class Rules {
  private Rules() {}

  private static final Pattern DURATION =
      Pattern.compile("(\\d{1,9}(?:\\.\\d{1,3})?)\\s*(ms|s|m|h|d)");
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\{\\{\\s*\\$?([A-Za-z_][A-Za-z0-9_.]*)\\s*\\}\\}");

  /** Parses {@code 500ms}, {@code 2.5s}, {@code 5m}, {@code 4h}, {@code 1d}, or {@code 0}. */
  static Duration parseDuration(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = DURATION.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + s + "' is not a duration (e.g. 30s, 5m, 4h, 1d)");
    }
    BigDecimal n = new BigDecimal(m.group(1));
    long unit =
        switch (m.group(2)) {
          case "ms" -> 1L;
          case "s" -> 1000L;
          case "m" -> 60_000L;
          case "h" -> 3_600_000L;
          default -> 86_400_000L;
        };
    return Duration.ofMillis(n.multiply(BigDecimal.valueOf(unit)).longValue());
  }

  /** {@code 5m}, {@code 4h}, {@code 90s}, {@code 0s}: the shortest exact form. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    if (ms % 86_400_000L == 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  /** A number for people: six significant digits, no trailing zeros, {@code n/a} for NaN. */
  public static String format(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }

  /**
   * Fills {@code {{value}}}, {@code {{value_percent}}} (a ratio as a percentage), {@code
   * {{threshold}}}, {@code {{labels.x}}}, {@code {{name}}}, {@code {{severity}}}, {@code
   * {{metric}}}, {@code {{window}}} and {@code {{comparison}}} ({@code {{ $value }}} and {@code {{
   * $labels.x }}}, Prometheus' spelling, work too). An unknown placeholder is left as written.
   */
  static String render(String template, Rule rule, Map<String, String> labels, double value) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String key = m.group(1);
      String v =
          switch (key) {
            case "value" -> format(value);
            case "value_percent" ->
                Double.isNaN(value) ? "n/a" : format(Math.round(value * 1000) / 10.0) + "%";
            case "threshold" -> format(rule.threshold());
            case "name", "alertname" -> rule.name();
            case "severity" -> rule.severity();
            case "metric" -> rule.metric().label();
            case "window" -> format(rule.window());
            case "comparison" -> rule.comparison().symbol();
            default -> key.startsWith("labels.") ? labels.getOrDefault(key.substring(7), "") : null;
          };
      m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? m.group() : v));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** A stable id for an alert instance: FNV-1a (64 bit) over its sorted labels, as hex. */
  public static String fingerprint(Map<String, String> labels) {
    long h = 0xcbf29ce484222325L;
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      for (byte b :
          (e.getKey() + "\u0000" + e.getValue() + "\u0000").getBytes(StandardCharsets.UTF_8)) {
        h ^= b & 0xff;
        h *= 0x100000001b3L;
      }
    }
    return String.format("%016x", h);
  }
}
