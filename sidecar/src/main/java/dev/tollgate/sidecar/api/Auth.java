package dev.tollgate.sidecar.api;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The optional bearer token. Guards ingest (/v1/*), the API (/api/*) and /metrics; /healthz stays
 * open so liveness probes need no secret. Comparison is constant-time.
 */
final class Auth {
  private final byte[] token;

  Auth(String token) {
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  boolean enabled() {
    return token != null;
  }

  static boolean guarded(String path) {
    return path.startsWith("/v1/") || path.startsWith("/api/") || path.equals("/metrics");
  }

  /** True when the request may proceed. */
  boolean allows(Context ctx) {
    if (token == null || !guarded(ctx.path())) {
      return true;
    }
    String h = ctx.header("Authorization");
    if (h == null || h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = h.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token);
  }
}
