package dev.tollgate.sidecar.ingest;

import dev.tollgate.conventions.GenAi;
import dev.tollgate.conventions.Tollgate;
import dev.tollgate.sidecar.aggregate.CallRecord;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * The one place where a span becomes a {@link CallRecord}: which attributes mean what, what a
 * missing attribute means, and which spans are not GenAI calls at all.
 *
 * <p>A span is a GenAI call when it has {@code gen_ai.operation.name}, {@code gen_ai.provider.name}
 * or the deprecated {@code gen_ai.system}; any other span is skipped after one pass over its
 * attribute keys. Values are read leniently (an int sent as a string or a double still counts), and
 * nothing here throws on odd input: an unreadable value is treated as absent.
 */
public final class SpanMapper {
  static final String UNKNOWN_SERVICE = "unknown_service";
  private static final String SERVICE_NAME = "service.name";
  private static final int MAX_PRICE_LENGTH = 64;

  /** Value types of {@link Fields#set(String, int, String, long, double)}. */
  static final int NONE = 0;
  static final int STRING = 1;
  static final int INT = 2;
  static final int DOUBLE = 3;
  static final int BOOL = 4;

  /** Spelled by the newer GenAI conventions (renamed from cache_creation). */
  private static final String CACHE_WRITE_INPUT_TOKENS = "gen_ai.usage.cache_write.input_tokens";


  private SpanMapper() {}

  /** The resource's {@code service.name}, or {@code unknown_service} as the SDKs default to. */
  public static String serviceName(Resource resource) {
    for (KeyValue kv : resource.getAttributesList()) {
      if (SERVICE_NAME.equals(kv.getKey())) {
        AnyValue v = kv.getValue();
        return serviceName(v.hasStringValue() ? v.getStringValue() : null);
      }
    }
    return UNKNOWN_SERVICE;
  }

  /** {@code unknown_service} for a missing or empty name. */
  static String serviceName(String name) {
    return name == null || name.isEmpty() ? UNKNOWN_SERVICE : name;
  }

  /** Maps a span; null when it is not a GenAI call. */
  public static CallRecord map(String service, Span span) {
    Fields f = new Fields();
    List<KeyValue> attributes = span.getAttributesList();
    for (int i = 0, n = attributes.size(); i < n; i++) {
      KeyValue kv = attributes.get(i);
      String key = kv.getKey();
      if (wants(key)) {
        f.set(key, kv.getValue());
      }
    }
    return f.build(
        service,
        span.getStartTimeUnixNano(),
        span.getEndTimeUnixNano(),
        span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR);
  }

  private static final Set<String> KEYS =
      Set.of(
          GenAi.PROVIDER_NAME,
          GenAi.SYSTEM_DEPRECATED,
          GenAi.OPERATION_NAME,
          GenAi.REQUEST_MODEL,
          GenAi.RESPONSE_MODEL,
          GenAi.REQUEST_STREAM,
          GenAi.RESPONSE_TIME_TO_FIRST_CHUNK,
          GenAi.USAGE_INPUT_TOKENS,
          GenAi.USAGE_OUTPUT_TOKENS,
          GenAi.USAGE_CACHE_READ_INPUT_TOKENS,
          GenAi.USAGE_CACHE_CREATION_INPUT_TOKENS,
          CACHE_WRITE_INPUT_TOKENS,
          GenAi.USAGE_REASONING_OUTPUT_TOKENS,
          GenAi.SERVER_ADDRESS,
          GenAi.SERVER_PORT,
          GenAi.ERROR_TYPE,
          GenAi.HTTP_RESPONSE_STATUS_CODE,
          Tollgate.ENDPOINT_NAME,
          Tollgate.ATTEMPT,
          Tollgate.UNMETERED,
          Tollgate.DIFY_PRICE,
          Tollgate.DIFY_CURRENCY,
          Tollgate.DIFY_APP,
          Tollgate.WAIT_SECONDS,
          Tollgate.REJECTED_BY);

  /** True for the attribute keys the mapping reads; decoders skip the values of all others. */
  static boolean wants(String key) {
    return KEYS.contains(key);
  }

  /**
   * One span's attributes as they are read, from a decoded {@link Span} or straight off the wire
   * ({@link OtlpProtobufDecoder}); {@link #build} applies the rules. Reusable after {@link
   * #reset}.
   */
  static final class Fields {
    private String provider;
    private String system;
    private String operation;
    private String requestModel;
    private String responseModel;
    private String endpoint;
    private String difyApp;
    private Boolean stream;
    private String serverAddress;
    private int serverPort;
    private double ttft;
    private String errorType;
    private int httpStatus;
    private int attempt;
    private long input;
    private long output;
    private long cacheRead;
    private long cacheWrite;
    private long reasoning;
    private Boolean unmeteredFlag;
    private String price;
    private String currency;
    private double wait;
    private String rejectedBy;

    Fields() {
      reset();
    }

    void reset() {
      provider = null;
      system = null;
      operation = null;
      requestModel = null;
      responseModel = null;
      endpoint = null;
      difyApp = null;
      stream = null;
      serverAddress = null;
      serverPort = 0;
      ttft = Double.NaN;
      errorType = null;
      httpStatus = 0;
      attempt = 1;
      input = CallRecord.UNKNOWN;
      output = CallRecord.UNKNOWN;
      cacheRead = CallRecord.UNKNOWN;
      cacheWrite = CallRecord.UNKNOWN;
      reasoning = CallRecord.UNKNOWN;
      unmeteredFlag = null;
      price = null;
      currency = null;
      wait = Double.NaN;
      rejectedBy = null;
    }

    void set(String key, AnyValue v) {
      switch (v.getValueCase()) {
        case STRING_VALUE -> set(key, STRING, v.getStringValue(), 0, 0);
        case INT_VALUE -> set(key, INT, null, v.getIntValue(), 0);
        case DOUBLE_VALUE -> set(key, DOUBLE, null, 0, v.getDoubleValue());
        case BOOL_VALUE -> set(key, BOOL, null, v.getBoolValue() ? 1 : 0, 0);
        default -> set(key, NONE, null, 0, 0);
      }
    }

    /**
     * Sets one attribute. {@code type} says which of {@code s} (STRING), {@code l} (INT, or BOOL
     * as 0/1) and {@code d} (DOUBLE) holds the value; NONE for arrays, maps and bytes.
     */
    void set(String key, int type, String s, long l, double d) {
      switch (key) {
        case GenAi.PROVIDER_NAME -> provider = string(type, s, l, d);
        case GenAi.SYSTEM_DEPRECATED -> system = string(type, s, l, d);
        case GenAi.OPERATION_NAME -> operation = string(type, s, l, d);
        case GenAi.REQUEST_MODEL -> requestModel = string(type, s, l, d);
        case GenAi.RESPONSE_MODEL -> responseModel = string(type, s, l, d);
        case GenAi.REQUEST_STREAM -> stream = bool(type, s, l);
        case GenAi.RESPONSE_TIME_TO_FIRST_CHUNK -> ttft = nonNegative(dbl(type, s, l, d));
        case GenAi.USAGE_INPUT_TOKENS -> input = tokens(type, s, l, d);
        case GenAi.USAGE_OUTPUT_TOKENS -> output = tokens(type, s, l, d);
        case GenAi.USAGE_CACHE_READ_INPUT_TOKENS -> cacheRead = tokens(type, s, l, d);
        case GenAi.USAGE_CACHE_CREATION_INPUT_TOKENS, CACHE_WRITE_INPUT_TOKENS ->
            cacheWrite = tokens(type, s, l, d);
        case GenAi.USAGE_REASONING_OUTPUT_TOKENS -> reasoning = tokens(type, s, l, d);
        case GenAi.SERVER_ADDRESS -> serverAddress = string(type, s, l, d);
        case GenAi.SERVER_PORT -> serverPort = (int) clamp(lng(type, s, l, d), 0, 65535);
        case GenAi.ERROR_TYPE -> errorType = string(type, s, l, d);
        case GenAi.HTTP_RESPONSE_STATUS_CODE ->
            httpStatus = (int) clamp(lng(type, s, l, d), 0, 999);
        case Tollgate.ENDPOINT_NAME -> endpoint = string(type, s, l, d);
        case Tollgate.ATTEMPT -> attempt = (int) clamp(lng(type, s, l, d), 1, 1_000_000);
        case Tollgate.UNMETERED -> unmeteredFlag = bool(type, s, l);
        case Tollgate.DIFY_PRICE -> price = string(type, s, l, d);
        case Tollgate.DIFY_CURRENCY -> currency = string(type, s, l, d);
        case Tollgate.DIFY_APP -> difyApp = string(type, s, l, d);
        case Tollgate.WAIT_SECONDS -> wait = nonNegative(dbl(type, s, l, d));
        case Tollgate.REJECTED_BY -> rejectedBy = string(type, s, l, d);
        default -> {}
      }
    }

    /** The call, or null when the span is not a GenAI call. */
    CallRecord build(String service, long start, long end, boolean statusError) {
      if (operation == null && provider == null && system == null) {
        return null;
      }
      String prov = provider != null ? provider : system;
      String error = errorType != null && errorType.isEmpty() ? null : errorType;
      if (error == null) {
        if (httpStatus >= 400) {
          error = Integer.toString(httpStatus);
        } else if (statusError) {
          error = Tollgate.ErrorTypes.OTHER;
        }
      }
      String rejected = rejectedBy != null && rejectedBy.isEmpty() ? null : rejectedBy;
      boolean unmetered;
      if (unmeteredFlag != null) {
        unmetered = unmeteredFlag;
      } else {
        // Other sources do not say; a successful call without any usage had its tokens unseen.
        unmetered =
            error == null
                && rejected == null
                && input == CallRecord.UNKNOWN
                && output == CallRecord.UNKNOWN;
      }
      double duration = start > 0 && end >= start ? (end - start) / 1e9 : Double.NaN;
      return new CallRecord(
          service,
          prov == null ? "" : prov,
          operation == null ? "" : operation,
          requestModel,
          responseModel,
          endpoint,
          difyApp,
          stream,
          serverAddress,
          serverPort,
          start,
          end,
          duration,
          ttft,
          error,
          httpStatus,
          attempt,
          input,
          output,
          cacheRead,
          cacheWrite,
          reasoning,
          unmetered,
          price(price),
          currency,
          wait,
          rejected);
    }
  }

  static String string(int type, String s, long l, double d) {
    return switch (type) {
      case STRING -> s;
      case INT -> Long.toString(l);
      case DOUBLE -> Double.toString(d);
      case BOOL -> Boolean.toString(l != 0);
      default -> null;
    };
  }

  /** A long, or UNKNOWN (-1) when absent or unreadable. */
  private static long lng(int type, String s, long l, double d) {
    switch (type) {
      case INT:
        return l;
      case DOUBLE:
        return Double.isFinite(d) ? (long) d : CallRecord.UNKNOWN;
      case STRING:
        String t = s.trim();
        if (t.isEmpty() || t.length() > 20) {
          return CallRecord.UNKNOWN;
        }
        try {
          return Long.parseLong(t);
        } catch (NumberFormatException e) {
          return CallRecord.UNKNOWN;
        }
      default:
        return CallRecord.UNKNOWN;
    }
  }

  private static long tokens(int type, String s, long l, double d) {
    long t = lng(type, s, l, d);
    return t < 0 ? CallRecord.UNKNOWN : t;
  }

  private static double dbl(int type, String s, long l, double d) {
    switch (type) {
      case DOUBLE:
        return d;
      case INT:
        return l;
      case STRING:
        String t = s.trim();
        if (t.isEmpty() || t.length() > 32) {
          return Double.NaN;
        }
        try {
          return Double.parseDouble(t);
        } catch (NumberFormatException e) {
          return Double.NaN;
        }
      default:
        return Double.NaN;
    }
  }

  private static double nonNegative(double d) {
    return d >= 0 && Double.isFinite(d) ? d : Double.NaN;
  }

  private static Boolean bool(int type, String s, long l) {
    return switch (type) {
      case BOOL, INT -> l != 0;
      case STRING ->
          "true".equalsIgnoreCase(s) ? Boolean.TRUE : "false".equalsIgnoreCase(s) ? Boolean.FALSE : null;
      default -> null;
    };
  }

  private static long clamp(long v, long lo, long hi) {
    return v < lo ? lo : Math.min(v, hi);
  }

  /** Dify's decimal price; null when absent, unreadable, negative or absurd. */
  private static BigDecimal price(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_PRICE_LENGTH) {
      return null;
    }
    try {
      BigDecimal d = new BigDecimal(s.trim());
      if (d.signum() < 0
          || Math.abs(d.scale()) > 32
          || d.compareTo(BigDecimal.valueOf(1_000_000_000L)) > 0) {
        return null;
      }
      return d;
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }
}
