package dev.tollgate.agent.instrumentation.apache.v4.inject;

import java.util.function.Function;
import org.apache.http.Header;
import org.apache.http.HttpMessage;

/**
 * A header by name (case-insensitive), as the bootstrap hooks read them. For a retry made by the
 * client itself, which sends no retry header, it answers the retry count the way the SDKs' {@code
 * x-stainless-retry-count} does, so the attempt is recorded like theirs.
 */
final class HeaderLookup implements Function<String, String> {
  private static final String RETRY_COUNT = "x-stainless-retry-count";

  private final HttpMessage message;
  private final int attempt;

  HeaderLookup(HttpMessage message) {
    this(message, 1);
  }

  HeaderLookup(HttpMessage message, int attempt) {
    this.message = message;
    this.attempt = attempt;
  }

  @Override
  public String apply(String name) {
    Header h = message.getFirstHeader(name);
    if (h != null) {
      return h.getValue();
    }
    return attempt > 1 && RETRY_COUNT.equalsIgnoreCase(name) ? Integer.toString(attempt - 1) : null;
  }
}
