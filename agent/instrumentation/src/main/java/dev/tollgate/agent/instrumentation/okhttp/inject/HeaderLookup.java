package dev.tollgate.agent.instrumentation.okhttp.inject;

import java.util.function.Function;
import okhttp3.Headers;

/** A header by name (case-insensitive), as the bootstrap hooks read them. */
final class HeaderLookup implements Function<String, String> {
  private final Headers headers;

  HeaderLookup(Headers headers) {
    this.headers = headers;
  }

  @Override
  public String apply(String name) {
    return headers.get(name);
  }
}
