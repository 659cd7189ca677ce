package dev.tollgate.sidecar.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes JSON responses. NaN and infinities (a percentile of nothing) become null. */
final class Json {
  private final ObjectMapper mapper = new ObjectMapper();

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

  /** A JSON-safe number: null for NaN, rounded to 3 decimals. */
  static Double num(double d) {
    if (!Double.isFinite(d)) {
      return null;
    }
    return Math.round(d * 1000) / 1000.0;
  }
}
