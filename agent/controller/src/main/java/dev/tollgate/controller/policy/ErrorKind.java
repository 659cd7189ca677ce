package dev.tollgate.controller.policy;

/**
 * How a call failed below HTTP, as the instrumentation saw it. A call that got an HTTP status and a
 * complete body is {@link #NONE}; its status tells the rest.
 */
public enum ErrorKind {
  /** No transport error: judge the call by its status. */
  NONE("none"),
  /** The connection could not be made (refused, DNS, TLS handshake): nothing reached the server. */
  CONNECT("connect_error"),
  /** A connect, read or overall timeout. */
  TIMEOUT("timeout"),
  /** Another I/O error after the connection was made (reset, truncated stream). */
  IO("io_error"),
  /** An error event inside a 200 stream, e.g. Anthropic's {@code overloaded_error}. */
  STREAM_ERROR("stream_error_event"),
  /**
   * The application gave up on the call (cancelled, closed the stream early): says nothing about
   * the backend.
   */
  CANCELLED("client_aborted");

  private final String errorType;

  ErrorKind(String errorType) {
    this.errorType = errorType;
  }

  /** The {@code error.type} value of this kind (Tollgate's conventions). */
  public String errorType() {
    return errorType;
  }

  /**
   * Maps an {@code error.type} value (as the agent records it) to a kind; null, unknown values and
   * HTTP status codes give {@link #NONE}, since the status is passed separately.
   */
  public static ErrorKind fromErrorType(String errorType) {
    if (errorType == null) {
      return NONE;
    }
    switch (errorType) {
      case "connect_error":
        return CONNECT;
      case "timeout":
        return TIMEOUT;
      case "io_error":
      case "stream_truncated":
        return IO;
      case "stream_error_event":
        return STREAM_ERROR;
      case "client_aborted":
        return CANCELLED;
      default:
        return NONE;
    }
  }
}
