package dev.tollgate.controller.policy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds an {@link EndpointPolicy} from one endpoint's map as a YAML or JSON parser gives it
 * ({@code Map<String,Object>} of strings, numbers, booleans, lists and maps). Reads the sections
 * {@code rate_limit}, {@code concurrency}, {@code retry}, {@code circuit_breaker} and {@code
 * models}; other top-level keys ({@code name}, {@code url}, {@code provider}, ...) belong to the
 * agent and are ignored. Inside a section every key is checked: an unknown key or a bad value
 * throws {@link IllegalArgumentException} whose message names the endpoint and the key.
 *
 * <p>Durations are written with a unit: {@code 500ms}, {@code 5s}, {@code 1m}, {@code 1m30s},
 * {@code 1.5s} ({@code ns}, {@code us}, {@code ms}, {@code s}, {@code m}, {@code h}). Shares are
 * {@code 10%} or a fraction such as {@code 0.1}.
 */
public final class PolicyParser {
  private static final Set<String> RATE_KEYS =
      keys(
          "requests_per_second",
          "burst",
          "tokens_per_minute",
          "token_burst",
          "token_estimate",
          "max_wait",
          "respect_retry_after",
          "max_pause");
  private static final Set<String> CONCURRENCY_KEYS =
      keys("max", "adaptive", "min", "initial", "queue", "max_wait");
  private static final Set<String> RETRY_KEYS =
      keys(
          "max_attempts",
          "base_delay",
          "max_delay",
          "max_server_delay",
          "budget",
          "budget_window",
          "min_retries_per_second",
          "retry_on",
          "respect_sdk_retries");
  private static final Set<String> BREAKER_KEYS =
      keys(
          "failure_rate",
          "slow_call",
          "slow_call_rate",
          "window",
          "min_calls",
          "open_for",
          "half_open_calls",
          "half_open_timeout",
          "count_429");
  private static final Set<String> MODEL_KEYS =
      keys("rate_limit", "concurrency", "retry", "circuit_breaker");

  private PolicyParser() {}

  /** Parses one endpoint's map; its name is taken from the map's {@code name} key. */
  public static EndpointPolicy parseEndpoint(Map<String, ?> endpoint) {
    if (endpoint == null) {
      throw new IllegalArgumentException("endpoint: the configuration is empty");
    }
    Object name = endpoint.get("name");
    if (!(name instanceof String) || ((String) name).isEmpty()) {
      throw new IllegalArgumentException("endpoint: name: a non-empty string is required");
    }
    return parseEndpoint((String) name, endpoint);
  }

  /** Parses one endpoint's map under the given name (the map's own {@code name} is ignored). */
  public static EndpointPolicy parseEndpoint(String name, Map<String, ?> endpoint) {
    String where = "endpoint '" + name + "': ";
    EndpointPolicy.Builder b = EndpointPolicy.builder(name);
    sections(b, endpoint, where, "");
    Object models = endpoint.get("models");
    if (models != null) {
      Map<String, ?> byModel = map(models, where, "models");
      for (Map.Entry<String, ?> e : byModel.entrySet()) {
        String key = "models." + e.getKey();
        Map<String, ?> overrides = map(e.getValue(), where, key);
        unknownKeys(overrides, MODEL_KEYS, where, key);
        EndpointPolicy.Builder mb = EndpointPolicy.builder(name);
        sections(mb, overrides, where, key + ".");
        b.model(e.getKey(), mb.build());
      }
    }
    return b.build();
  }

  private static void sections(
      EndpointPolicy.Builder b, Map<String, ?> m, String where, String prefix) {
    Object v;
    if ((v = m.get("rate_limit")) != null) {
      b.rateLimit(rateLimit(map(v, where, prefix + "rate_limit"), where, prefix + "rate_limit."));
    }
    if ((v = m.get("concurrency")) != null) {
      b.concurrency(
          concurrency(map(v, where, prefix + "concurrency"), where, prefix + "concurrency."));
    }
    if ((v = m.get("retry")) != null) {
      b.retry(retry(map(v, where, prefix + "retry"), where, prefix + "retry."));
    }
    if ((v = m.get("circuit_breaker")) != null) {
      b.circuitBreaker(
          breaker(map(v, where, prefix + "circuit_breaker"), where, prefix + "circuit_breaker."));
    }
  }

  /** Parses a {@code rate_limit} section. */
  public static RateLimitPolicy rateLimit(Map<String, ?> m, String where, String prefix) {
    unknownKeys(m, RATE_KEYS, where, prefix);
    RateLimitPolicy.Builder b = RateLimitPolicy.builder();
    Values v = new Values(m, where, prefix);
    if (v.has("requests_per_second")) b.requestsPerSecond(v.number("requests_per_second"));
    if (v.has("burst")) b.burst(v.integer("burst"));
    if (v.has("tokens_per_minute")) b.tokensPerMinute(v.integer("tokens_per_minute"));
    if (v.has("token_burst")) b.tokenBurst(v.integer("token_burst"));
    if (v.has("token_estimate")) b.tokenEstimate(v.integer("token_estimate"));
    if (v.has("max_wait")) b.maxWait(v.duration("max_wait"));
    if (v.has("respect_retry_after")) b.respectRetryAfter(v.bool("respect_retry_after"));
    if (v.has("max_pause")) b.maxPause(v.duration("max_pause"));
    return v.build(b::build);
  }

  /** Parses a {@code concurrency} section. */
  public static ConcurrencyPolicy concurrency(Map<String, ?> m, String where, String prefix) {
    unknownKeys(m, CONCURRENCY_KEYS, where, prefix);
    ConcurrencyPolicy.Builder b = ConcurrencyPolicy.builder();
    Values v = new Values(m, where, prefix);
    if (v.has("adaptive")) b.adaptive(v.bool("adaptive"));
    if (v.has("max")) b.max(v.intValue("max"));
    if (v.has("min")) b.min(v.intValue("min"));
    if (v.has("initial")) b.initial(v.intValue("initial"));
    if (v.has("queue")) b.queue(v.intValue("queue"));
    if (v.has("max_wait")) b.maxWait(v.duration("max_wait"));
    return v.build(b::build);
  }

  /** Parses a {@code retry} section. */
  public static RetryPolicy retry(Map<String, ?> m, String where, String prefix) {
    unknownKeys(m, RETRY_KEYS, where, prefix);
    RetryPolicy.Builder b = RetryPolicy.builder();
    Values v = new Values(m, where, prefix);
    if (v.has("max_attempts")) b.maxAttempts(v.intValue("max_attempts"));
    if (v.has("base_delay")) b.baseDelay(v.duration("base_delay"));
    if (v.has("max_delay")) b.maxDelay(v.duration("max_delay"));
    if (v.has("max_server_delay")) b.maxServerDelay(v.duration("max_server_delay"));
    if (v.has("budget")) b.budget(v.share("budget"));
    if (v.has("budget_window")) b.budgetWindow(v.duration("budget_window"));
    if (v.has("min_retries_per_second")) {
      b.minRetriesPerSecond(v.number("min_retries_per_second"));
    }
    if (v.has("respect_sdk_retries")) b.respectSdkRetries(v.bool("respect_sdk_retries"));
    if (v.has("retry_on")) retryOn(b, m.get("retry_on"), where, prefix + "retry_on");
    return v.build(b::build);
  }

  /** Parses a {@code circuit_breaker} section. */
  public static CircuitBreakerPolicy breaker(Map<String, ?> m, String where, String prefix) {
    unknownKeys(m, BREAKER_KEYS, where, prefix);
    CircuitBreakerPolicy.Builder b = CircuitBreakerPolicy.builder();
    Values v = new Values(m, where, prefix);
    if (v.has("failure_rate")) b.failureRate(v.share("failure_rate"));
    if (v.has("slow_call")) b.slowCall(v.duration("slow_call"));
    if (v.has("slow_call_rate")) b.slowCallRate(v.share("slow_call_rate"));
    if (v.has("window")) {
      Object w = m.get("window");
      if (w instanceof String && !isDigits((String) w)) {
        b.window(v.duration("window"));
      } else {
        b.window(v.intValue("window"));
      }
    }
    if (v.has("min_calls")) b.minCalls(v.intValue("min_calls"));
    if (v.has("open_for")) b.openFor(v.duration("open_for"));
    if (v.has("half_open_calls")) b.halfOpenCalls(v.intValue("half_open_calls"));
    if (v.has("half_open_timeout")) b.halfOpenTimeout(v.duration("half_open_timeout"));
    if (v.has("count_429")) b.count429AsFailure(v.bool("count_429"));
    return v.build(b::build);
  }

  private static void retryOn(RetryPolicy.Builder b, Object value, String where, String key) {
    Collection<?> items =
        value instanceof Collection ? (Collection<?>) value : Collections.singletonList(value);
    List<Integer> statuses = new ArrayList<>();
    List<ErrorKind> kinds = new ArrayList<>();
    for (Object item : items) {
      String s = String.valueOf(item).trim().toLowerCase(Locale.ROOT);
      if (item instanceof Number || isDigits(s)) {
        long status = item instanceof Number ? ((Number) item).longValue() : Long.parseLong(s);
        if (status < 100 || status > 599) {
          throw bad(where, key, "not an HTTP status: " + item);
        }
        statuses.add((int) status);
      } else if (s.length() == 3 && s.endsWith("xx") && s.charAt(0) >= '1' && s.charAt(0) <= '5') {
        int base = (s.charAt(0) - '0') * 100;
        for (int i = 0; i < 100; i++) {
          statuses.add(base + i);
        }
      } else {
        ErrorKind kind = ErrorKind.fromErrorType(s);
        if (kind == ErrorKind.NONE || kind == ErrorKind.CANCELLED) {
          throw bad(
              where,
              key,
              "unknown value '"
                  + item
                  + "'; expected HTTP statuses (429, 5xx) or connect_error, timeout, io_error,"
                  + " stream_error_event");
        }
        kinds.add(kind);
      }
    }
    int[] st = new int[statuses.size()];
    for (int i = 0; i < st.length; i++) {
      st[i] = statuses.get(i);
    }
    b.retryOn(st, kinds.toArray(new ErrorKind[0]));
  }

  // ---------------------------------------------------------------------------------------------
  // Values

  /**
   * Parses a duration such as {@code 500ms}, {@code 5s}, {@code 1.5s}, {@code 1m30s} or {@code 2h}.
   * A bare number is rejected (except 0) because {@code max_wait: 5} could mean anything.
   */
  public static Duration parseDuration(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    BigDecimal total = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      if (start == i) {
        throw new IllegalArgumentException("'" + text + "' is not a duration");
      }
      BigDecimal amount;
      try {
        amount = new BigDecimal(s.substring(start, i));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' is not a duration");
      }
      int unitStart = i;
      while (i < s.length() && Character.isLetter(s.charAt(i))) {
        i++;
      }
      String unit = s.substring(unitStart, i);
      long nanosPerUnit;
      switch (unit) {
        case "ns":
          nanosPerUnit = 1;
          break;
        case "us":
        case "µs":
          nanosPerUnit = 1_000;
          break;
        case "ms":
          nanosPerUnit = 1_000_000;
          break;
        case "s":
          nanosPerUnit = 1_000_000_000L;
          break;
        case "m":
          nanosPerUnit = 60_000_000_000L;
          break;
        case "h":
          nanosPerUnit = 3_600_000_000_000L;
          break;
        case "":
          throw new IllegalArgumentException(
              "'" + text + "' needs a unit (ms, s, m, h), e.g. " + amount.toPlainString() + "s");
        default:
          throw new IllegalArgumentException(
              "'" + text + "' has an unknown unit '" + unit + "' (use ns, us, ms, s, m, h)");
      }
      total = total.add(amount.multiply(BigDecimal.valueOf(nanosPerUnit)));
    }
    if (total.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 4)) > 0) {
      throw new IllegalArgumentException("'" + text + "' is too long");
    }
    return Duration.ofNanos(total.longValue());
  }

  /**
   * Parses a share: {@code 10%} or {@code 0.1} give 0.1. A number above 1 without {@code %} is
   * rejected rather than guessed.
   */
  public static double parseShare(Object value) {
    double d;
    if (value instanceof Number) {
      d = ((Number) value).doubleValue();
    } else {
      String s = String.valueOf(value).trim();
      boolean percent = s.endsWith("%");
      if (percent) {
        s = s.substring(0, s.length() - 1).trim();
      }
      try {
        d = Double.parseDouble(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + value + "' is not a share (write 10% or 0.1)");
      }
      if (percent) {
        if (!(d >= 0 && d <= 100)) {
          throw new IllegalArgumentException("'" + value + "' is not between 0% and 100%");
        }
        return d / 100;
      }
    }
    if (Double.isNaN(d) || d < 0) {
      throw new IllegalArgumentException("'" + value + "' is not a share (write 10% or 0.1)");
    }
    if (d > 1) {
      throw new IllegalArgumentException(
          "'" + value + "' is ambiguous: write " + value + "% or a fraction between 0 and 1");
    }
    return d;
  }

  private static boolean isDigits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static Set<String> keys(String... k) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(k)));
  }

  private static void unknownKeys(
      Map<String, ?> m, Set<String> allowed, String where, String prefix) {
    for (Object k : m.keySet()) {
      if (!allowed.contains(String.valueOf(k))) {
        throw new IllegalArgumentException(
            where + prefix + k + ": unknown key; expected one of " + String.join(", ", allowed));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> map(Object v, String where, String key) {
    if (!(v instanceof Map)) {
      throw bad(where, key, "must be a map, was " + describe(v));
    }
    for (Object k : ((Map<?, ?>) v).keySet()) {
      if (!(k instanceof String)) {
        throw bad(where, key, "keys must be strings, found " + describe(k));
      }
    }
    return (Map<String, ?>) v;
  }

  private static IllegalArgumentException bad(String where, String key, String message) {
    return new IllegalArgumentException(where + key + ": " + message);
  }

  private static String describe(Object v) {
    if (v == null) {
      return "empty";
    }
    if (v instanceof String) {
      return "'" + v + "'";
    }
    return v + " (" + v.getClass().getSimpleName() + ")";
  }

  /** Reads typed values of one section and names the key in every error. */
  private static final class Values {
    private final Map<String, ?> m;
    private final String where;
    private final String prefix;

    Values(Map<String, ?> m, String where, String prefix) {
      this.m = m;
      this.where = where;
      this.prefix = prefix;
    }

    boolean has(String key) {
      return m.get(key) != null;
    }

    <T> T build(java.util.function.Supplier<T> builder) {
      try {
        return builder.get();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + prefix + e.getMessage(), e);
      }
    }

    private IllegalArgumentException error(String key, String message) {
      return bad(where, prefix + key, message);
    }

    double number(String key) {
      Object v = m.get(key);
      if (v instanceof Number) {
        double d = ((Number) v).doubleValue();
        if (Double.isFinite(d)) {
          return d;
        }
      } else if (v instanceof String) {
        try {
          double d = Double.parseDouble(((String) v).trim());
          if (Double.isFinite(d)) {
            return d;
          }
        } catch (NumberFormatException e) {
          // fall through
        }
      }
      throw error(key, "must be a number, was " + describe(v));
    }

    long integer(String key) {
      Object v = m.get(key);
      if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
        return ((Number) v).longValue();
      }
      if (v instanceof BigInteger && ((BigInteger) v).bitLength() < 63) {
        return ((BigInteger) v).longValue();
      }
      if (v instanceof Number) {
        double d = ((Number) v).doubleValue();
        if (d == Math.rint(d) && Math.abs(d) < 9e15) {
          return (long) d;
        }
      }
      if (v instanceof String && isDigits(((String) v).trim())) {
        try {
          return Long.parseLong(((String) v).trim());
        } catch (NumberFormatException e) {
          // fall through
        }
      }
      throw error(key, "must be a whole number, was " + describe(v));
    }

    int intValue(String key) {
      long l = integer(key);
      if (l > Integer.MAX_VALUE || l < Integer.MIN_VALUE) {
        throw error(key, "is too large: " + l);
      }
      return (int) l;
    }

    boolean bool(String key) {
      Object v = m.get(key);
      if (v instanceof Boolean) {
        return (Boolean) v;
      }
      if (v instanceof String) {
        String s = ((String) v).trim().toLowerCase(Locale.ROOT);
        if (s.equals("true")) {
          return true;
        }
        if (s.equals("false")) {
          return false;
        }
      }
      throw error(key, "must be true or false, was " + describe(v));
    }

    Duration duration(String key) {
      Object v = m.get(key);
      if (v instanceof Number && ((Number) v).doubleValue() == 0) {
        return Duration.ZERO;
      }
      if (v instanceof Number) {
        throw error(key, v + " needs a unit (ms, s, m, h), e.g. " + v + "s");
      }
      if (!(v instanceof String)) {
        throw error(key, "must be a duration such as 500ms or 5s, was " + describe(v));
      }
      try {
        return parseDuration((String) v);
      } catch (IllegalArgumentException e) {
        throw error(key, e.getMessage());
      }
    }

    double share(String key) {
      try {
        return parseShare(m.get(key));
      } catch (IllegalArgumentException e) {
        throw error(key, e.getMessage());
      }
    }
  }
}
