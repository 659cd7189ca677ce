package dev.tollgate.agent.it.app;

import java.util.Map;

/**
 * One HTTP client as the application would use it. The shared contract scenarios run through
 * every adapter; adding a client to the contract test means adding one small implementation.
 */
public interface ClientAdapter {
  /** How the application consumes the body. */
  enum Read {
    /** Read the whole body, as a blocking call does. */
    ALL,
    /** Read the first chunk of the body, then close it. */
    FIRST_CHUNK_THEN_CLOSE
  }

  record Request(String url, String body, Map<String, String> headers, Read read, int timeoutMillis) {}

  /** status is -1 and error ("class: message") set when the call threw. */
  record Response(int status, byte[] body, String error) {}

  String name();

  Response call(Request request);
}
