package dev.tollgate.samples.fakellm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything that shapes the fake server's answers, as one immutable value. The same names are CLI
 * flags ({@code --latency-ms}), environment variables ({@code FAKE_LLM_LATENCY_MS}) and fields of
 * {@code POST /admin/config} ({@code latencyMs}).
 *
 * <p>Latency model (all in milliseconds, {@code m} is {@link Saturation#multiplier}):
 *
 * <pre>
 *   prefill  P = (latencyMs + ttftMs + J) * m     J ~ exponential with mean jitterMs
 *   decode   D = perTokenMs * m                    per output token
 *   blocking answer after P + n * D                n = output tokens
 *   streaming: first token at P, each next token D later
 * </pre>
 */
record Knobs(
    long latencyMs,
    long jitterMs,
    long ttftMs,
    long perTokenMs,
    int outputTokens,
    int knee,
    double saturationExponent,
    double rate429,
    int retryAfterSeconds,
    double errorRate,
    int errorStatus,
    boolean outage,
    OutageMode outageMode,
    List<OutageWindow> outageWindows,
    double cacheFraction,
    double reasoningFraction,
    String difyModel) {

  enum OutageMode {
    /** Every request gets a provider-style 503. */
    ERROR_503("503"),
    /** The connection is reset (TCP RST) without an answer. */
    RESET("reset"),
    /**
     * The request is accepted and never answered (until the connection's 5 minute idle timeout).
     */
    HANG("hang");

    final String label;

    OutageMode(String label) {
      this.label = label;
    }

    static OutageMode parse(String s) {
      for (OutageMode m : values()) {
        if (m.label.equalsIgnoreCase(s.trim()) || m.name().equalsIgnoreCase(s.trim())) {
          return m;
        }
      }
      throw new IllegalArgumentException("outage mode must be 503, reset or hang: " + s);
    }
  }

  /** A window in seconds since the server started, {@code [fromSeconds, toSeconds)}. */
  record OutageWindow(double fromSeconds, double toSeconds) {
    OutageWindow {
      if (!(toSeconds > fromSeconds) || fromSeconds < 0) {
        throw new IllegalArgumentException("outage window must be FROM-TO with 0 <= FROM < TO");
      }
    }

    boolean contains(long elapsedMillis) {
      return elapsedMillis >= (long) (fromSeconds * 1000)
          && elapsedMillis < (long) (toSeconds * 1000);
    }

    /** Parses {@code 30-45}, {@code 30s-45s} or {@code 1.5-2}. */
    static OutageWindow parse(String s) {
      int dash = s.indexOf('-', 1);
      if (dash < 0) {
        throw new IllegalArgumentException("outage window must be FROM-TO in seconds: " + s);
      }
      return new OutageWindow(seconds(s.substring(0, dash)), seconds(s.substring(dash + 1)));
    }

    private static double seconds(String s) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      if (t.endsWith("ms")) {
        return Double.parseDouble(t.substring(0, t.length() - 2)) / 1000.0;
      }
      if (t.endsWith("s")) {
        t = t.substring(0, t.length() - 1);
      }
      return Double.parseDouble(t);
    }

    @Override
    public String toString() {
      return fmt(fromSeconds) + "-" + fmt(toSeconds);
    }

    private static String fmt(double d) {
      return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
  }

  Knobs {
    outageWindows = List.copyOf(outageWindows);
    check(latencyMs >= 0 && jitterMs >= 0 && ttftMs >= 0 && perTokenMs >= 0, "delays must be >= 0");
    check(outputTokens >= 1, "outputTokens must be >= 1");
    check(knee >= 0, "knee must be >= 0 (0 disables the saturation model)");
    check(saturationExponent >= 0, "saturationExponent must be >= 0");
    check(rate429 >= 0 && rate429 <= 1, "rate429 must be within 0..1");
    check(errorRate >= 0 && errorRate <= 1, "errorRate must be within 0..1");
    check(errorStatus >= 500 && errorStatus <= 599, "errorStatus must be a 5xx status");
    check(retryAfterSeconds >= 0, "retryAfterSeconds must be >= 0");
    check(cacheFraction >= 0 && cacheFraction <= 1, "cacheFraction must be within 0..1");
    check(
        reasoningFraction >= 0 && reasoningFraction <= 1, "reasoningFraction must be within 0..1");
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  static Knobs defaults() {
    return new Knobs(
        50,
        50,
        250,
        15,
        32,
        64,
        1.0,
        0,
        1,
        0,
        500,
        false,
        OutageMode.ERROR_503,
        List.of(),
        0.25,
        0.0,
        "gpt-4o-mini");
  }

  /** No added latency at all: for throughput runs and tests. */
  Knobs zeroLatency() {
    return with("latencyMs", "0").with("jitterMs", "0").with("ttftMs", "0").with("perTokenMs", "0");
  }

  /** The names of the knobs, as JSON fields, in declaration order. */
  static final List<String> NAMES =
      List.of(
          "latencyMs",
          "jitterMs",
          "ttftMs",
          "perTokenMs",
          "outputTokens",
          "knee",
          "saturationExponent",
          "rate429",
          "retryAfterSeconds",
          "errorRate",
          "errorStatus",
          "outage",
          "outageMode",
          "outageWindows",
          "cacheFraction",
          "reasoningFraction",
          "difyModel");

  /** Returns a copy with one knob set from its text form; outageWindows takes {@code a-b,c-d}. */
  Knobs with(String name, String value) {
    long l0 = latencyMs, l1 = jitterMs, l2 = ttftMs, l3 = perTokenMs;
    int out = outputTokens, kn = knee, ra = retryAfterSeconds, es = errorStatus;
    double se = saturationExponent, r429 = rate429, er = errorRate, cf = cacheFraction;
    double rf = reasoningFraction;
    boolean o = outage;
    OutageMode om = outageMode;
    List<OutageWindow> ow = outageWindows;
    String dm = difyModel;
    String v = value.trim();
    switch (name) {
      case "latencyMs" -> l0 = Long.parseLong(v);
      case "jitterMs" -> l1 = Long.parseLong(v);
      case "ttftMs" -> l2 = Long.parseLong(v);
      case "perTokenMs" -> l3 = Long.parseLong(v);
      case "outputTokens" -> out = Integer.parseInt(v);
      case "knee" -> kn = Integer.parseInt(v);
      case "saturationExponent" -> se = Double.parseDouble(v);
      case "rate429" -> r429 = Double.parseDouble(v);
      case "retryAfterSeconds" -> ra = Integer.parseInt(v);
      case "errorRate" -> er = Double.parseDouble(v);
      case "errorStatus" -> es = Integer.parseInt(v);
      case "outage" -> o = parseBoolean(v);
      case "outageMode" -> om = OutageMode.parse(v);
      case "outageWindows" -> {
        List<OutageWindow> list = new ArrayList<>();
        for (String part : v.split(",")) {
          if (!part.isBlank()) {
            list.add(OutageWindow.parse(part));
          }
        }
        ow = list;
      }
      case "cacheFraction" -> cf = Double.parseDouble(v);
      case "reasoningFraction" -> rf = Double.parseDouble(v);
      case "difyModel" -> dm = v;
      default -> throw new IllegalArgumentException("unknown knob: " + name);
    }
    return new Knobs(l0, l1, l2, l3, out, kn, se, r429, ra, er, es, o, om, ow, cf, rf, dm);
  }

  private static boolean parseBoolean(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "on", "1", "yes" -> true;
      case "false", "off", "0", "no" -> false;
      default -> throw new IllegalArgumentException("expected true or false: " + v);
    };
  }

  /**
   * Applies the fields of an admin JSON object. Unknown fields are rejected. {@code outageWindows}
   * may be an array of {@code "a-b"} strings or {@code {from, to}} objects; {@code
   * outageForSeconds} adds a window that starts now.
   */
  Knobs merge(JsonNode json, long elapsedMillis) {
    Knobs k = this;
    Iterator<Map.Entry<String, JsonNode>> it = json.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      JsonNode v = e.getValue();
      if (name.equals("outageForSeconds")) {
        double now = elapsedMillis / 1000.0;
        List<OutageWindow> list = new ArrayList<>(k.outageWindows);
        list.add(new OutageWindow(now, now + v.asDouble()));
        k = k.withWindows(list);
      } else if (name.equals("outageWindows") && v.isArray()) {
        List<OutageWindow> list = new ArrayList<>();
        for (JsonNode w : v) {
          list.add(
              w.isObject()
                  ? new OutageWindow(w.path("from").asDouble(), w.path("to").asDouble())
                  : OutageWindow.parse(w.asText()));
        }
        k = k.withWindows(list);
      } else if (name.equals("zeroLatency")) {
        if (v.asBoolean()) {
          k = k.zeroLatency();
        }
      } else if (NAMES.contains(name)) {
        k = k.with(name, v.asText());
      } else {
        throw new IllegalArgumentException("unknown knob: " + name);
      }
    }
    return k;
  }

  private Knobs withWindows(List<OutageWindow> windows) {
    return new Knobs(
        latencyMs,
        jitterMs,
        ttftMs,
        perTokenMs,
        outputTokens,
        knee,
        saturationExponent,
        rate429,
        retryAfterSeconds,
        errorRate,
        errorStatus,
        outage,
        outageMode,
        windows,
        cacheFraction,
        reasoningFraction,
        difyModel);
  }

  /** True if requests are in an outage now: toggled by the admin or inside a window. */
  boolean inOutage(long elapsedMillis) {
    if (outage) {
      return true;
    }
    for (OutageWindow w : outageWindows) {
      if (w.contains(elapsedMillis)) {
        return true;
      }
    }
    return false;
  }

  ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("latencyMs", latencyMs);
    o.put("jitterMs", jitterMs);
    o.put("ttftMs", ttftMs);
    o.put("perTokenMs", perTokenMs);
    o.put("outputTokens", outputTokens);
    o.put("knee", knee);
    o.put("saturationExponent", saturationExponent);
    o.put("rate429", rate429);
    o.put("retryAfterSeconds", retryAfterSeconds);
    o.put("errorRate", errorRate);
    o.put("errorStatus", errorStatus);
    o.put("outage", outage);
    o.put("outageMode", outageMode.label);
    ArrayNode windows = o.putArray("outageWindows");
    for (OutageWindow w : outageWindows) {
      windows.add(w.toString());
    }
    o.put("cacheFraction", cacheFraction);
    o.put("reasoningFraction", reasoningFraction);
    o.put("difyModel", difyModel);
    return o;
  }

  /** {@code latencyMs} -> {@code --latency-ms}, {@code rate429} -> {@code --rate-429}. */
  static String flagName(String knob) {
    StringBuilder sb = new StringBuilder("--");
    char prev = 'x';
    for (char c : knob.toCharArray()) {
      if (Character.isUpperCase(c) || (Character.isDigit(c) && !Character.isDigit(prev))) {
        sb.append('-').append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
      prev = c;
    }
    return sb.toString();
  }

  /** The knob a flag names, ignoring dashes and case ({@code --rate-429}, {@code --rate429}). */
  static String forFlag(String flag) {
    String f = flag.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    for (String knob : NAMES) {
      if (knob.toLowerCase(Locale.ROOT).equals(f)) {
        return knob;
      }
    }
    return null;
  }

  /** {@code latencyMs} -> {@code FAKE_LLM_LATENCY_MS}. */
  static String envName(String knob) {
    return "FAKE_LLM_" + flagName(knob).substring(2).replace('-', '_').toUpperCase(Locale.ROOT);
  }
}
