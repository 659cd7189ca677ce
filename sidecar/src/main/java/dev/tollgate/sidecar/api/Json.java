package dev.tollgate.sidecar.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes JSON responses. NaN and infinities (a percentile of nothing) become null. */
final class Json {
  private final ObjectMapper mapper =
      JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

  void send(Context ctx, int status, Object body) {
    byte[] bytes;
    try {
      bytes = mapper.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    ctx.status(status).contentType("application/json").result(bytes);
  }

  void error(Context ctx, int status, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message);
    send(ctx, status, m);
  }

  /**
   * USD for JSON: null for NaN, rounded to 8 decimals (a token can cost 1e-8 USD), written plain
   * ({@code 0.0006}, not {@code 6.0E-4}).
   */
  static BigDecimal money(double d) {
    if (!Double.isFinite(d)) {
      return null;
    }
    BigDecimal b = BigDecimal.valueOf(d).setScale(8, RoundingMode.HALF_UP).stripTrailingZeros();
    return b.signum() == 0 ? BigDecimal.ZERO : b;
  }

  /** A value for JSON as people write it: 3 not 3.0; null for NaN; 6 decimals otherwise. */
  static Object value(double d) {
    if (!Double.isFinite(d)) {
      return null;
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return (long) d;
    }
    return Math.round(d * 1e6) / 1e6;
  }

  /** A JSON-safe number: null for NaN, rounded to 3 decimals. */
  static Double num(double d) {
    if (!Double.isFinite(d)) {
      return null;
    }
    return Math.round(d * 1000) / 1000.0;
  }
}
