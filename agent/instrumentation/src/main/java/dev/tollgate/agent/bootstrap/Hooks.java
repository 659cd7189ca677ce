package dev.tollgate.agent.bootstrap;

/**
 * What inlined advice may call. It lives on the bootstrap class path, so it names java.base types
 * only: the JDK's own HTTP client is defined by the platform class loader and OkHttp or Apache by
 * the application's, and none of those can see the agent's class loader. Handles are opaque
 * {@code Object}s; the implementation behind them is the agent's ordinary code.
 */
public interface Hooks {
  /**
   * java.net.http: a request is about to be sent. Returns a call handle, null for a call that is
   * not tracked, or a {@link Rejection} when the controller refused it.
   */
  Object jdkHttpStart(Object client, Object request);

  /** java.net.http: wraps the application's BodyHandler so the body is tapped on its way. */
  Object jdkHttpWrapHandler(Object call, Object handler);

  /**
   * java.net.http: sendAsync returned (or threw). Returns the future to hand the application: the
   * client's own, or one that also covers the controller's retries.
   */
  Object jdkHttpSent(Object call, Object client, Object request, Object handler, Object future, Throwable thrown);

  /**
   * HttpURLConnection: about to connect or send (getOutputStream, getInputStream). Returns a
   * {@link Rejection} when the controller refused the call, else null.
   */
  Object urlConnectionEnter(Object connection);

  /** HttpURLConnection: getOutputStream returned; returns the stream to give the application. */
  Object urlConnectionOutput(Object connection, Object stream, Throwable thrown);

  /** HttpURLConnection: getInputStream/getErrorStream returned; returns the stream to give the application. */
  Object urlConnectionInput(Object connection, Object stream, Throwable thrown, boolean errorStream);

  /** HttpURLConnection: disconnect() was called. */
  void urlConnectionDisconnect(Object connection);

  // The client-neutral call life cycle, for instrumentations whose helpers live in the
  // application's class loader (OkHttp, Apache HttpClient): they adapt their own types to these.

  /**
   * A request is about to be sent. Returns a call handle for an LLM or Dify call, null for
   * anything else (then the client does nothing more for this request), or a {@link Rejection}
   * when the controller refused the call (the client then fails it with the rejection's error).
   *
   * @param requestHeaders reads a request header by lower-case name; may be null
   */
  Object callStart(
      String client,
      String method,
      String scheme,
      String host,
      int port,
      String rawPath,
      java.util.function.Function<String, String> requestHeaders);

  /** A capped prefix of the request body, for the model, stream flag and max tokens. */
  void callRequestBody(Object call, byte[] body, int offset, int length, boolean truncated);

  /**
   * The response headers arrived.
   *
   * @param headers reads a response header by lower-case name
   * @param contentEncoding the encoding of the bytes the client will pass to {@link #callBytes}
   *     (null when the client already decoded them)
   */
  void callResponse(
      Object call,
      int status,
      java.util.function.Function<String, String> headers,
      String contentEncoding);

  /** Body bytes exactly as the application receives them. */
  void callBytes(Object call, byte[] bytes, int offset, int length);

  /** Body bytes as the application receives them; the buffer's position is not moved. */
  void callBytes(Object call, java.nio.ByteBuffer buffer);

  /** The body ended (or the response had none). */
  void callEnd(Object call);

  /** The application closed the body before its end. */
  void callAborted(Object call);

  /** The call failed with an exception, before the response or while reading it. */
  void callFailed(Object call, Throwable error);

  /** {@link #callRetryDelayNanos}: no retry, and no retry policy of the agent's covers the call. */
  long NO_RETRY = -1;

  /**
   * {@link #callRetryDelayNanos}: no retry, because the endpoint's retry policy refused one (not
   * retryable, attempts or budget spent, a server delay too long): the outcome is final, and a
   * client's own retry stage should not send the request again either.
   */
  long RETRY_REFUSED = -2;

  /**
   * After {@link #callResponse} or {@link #callFailed}: should the client send the request again?
   * Returns the delay in nanoseconds before the next attempt, or a negative value for no retry
   * ({@link #NO_RETRY} or {@link #RETRY_REFUSED}; then the response goes to the application as it
   * is). Asking counts: a retry it allows is drawn from the budget, so ask only when the request
   * can be re-sent. Only for clients that can re-send safely.
   */
  long callRetryDelayNanos(Object call);

  /**
   * Starts the next attempt of a call the controller decided to retry: a new call handle with the
   * attempt number one higher, admitted by the controller; a {@link Rejection} when refused.
   */
  Object callRetry(Object previousCall);

  // The opt-in include_usage (tollgate.openai.include_usage): the agent asks an OpenAI-compatible
  // stream for its usage and takes what that adds back out before the application reads it.

  /**
   * java.net.http: the request to send for a tracked call: the application's own, or a copy whose
   * body also asks for {@code stream_options.include_usage}.
   */
  Object jdkHttpRequest(Object call, Object request);

  /**
   * True when the opt-in is on and this call may have {@code include_usage} added (decided from
   * the route, URL and headers; cheap), so the client should offer its body to {@link
   * #callAddUsage}.
   *
   * @param rawQuery the query string without '?', or null
   * @param requestHeaders reads a request header by lower-case name; may be null
   */
  boolean callMayAddUsage(
      Object call,
      String rawPath,
      String rawQuery,
      java.util.function.Function<String, String> requestHeaders);

  /**
   * The whole request body with {@code include_usage} added (the call is marked so that its
   * response is filtered), or null to send the body as it is.
   */
  byte[] callAddUsage(Object call, byte[] body, int offset, int length);

  /**
   * After {@link #callResponse}: a filter for the response body of a call whose request was
   * rewritten, when the response is a stream it can edit; null otherwise (the body then passes as
   * it is). The client feeds the filter what it received ({@link #usageFilterWrite}, {@link
   * #usageFilterEnd}) and gives the application what {@link #usageFilterRead} returns.
   */
  Object callUsageFilter(Object call, int status, String contentType, String contentEncoding);

  void usageFilterWrite(Object filter, byte[] bytes, int offset, int length);

  void usageFilterEnd(Object filter);

  /** Moves up to {@code length} bytes for the application into {@code into}; 0 when none is ready. */
  int usageFilterRead(Object filter, byte[] into, int offset, int length);

  /** The default before the agent is installed, and after a failure: does nothing. */
  Hooks NOOP =
      new Hooks() {
        @Override
        public Object jdkHttpStart(Object client, Object request) {
          return null;
        }

        @Override
        public Object jdkHttpWrapHandler(Object call, Object handler) {
          return handler;
        }

        @Override
        public Object jdkHttpSent(
            Object call, Object client, Object request, Object handler, Object future, Throwable thrown) {
          return future;
        }

        @Override
        public Object urlConnectionEnter(Object connection) {
          return null;
        }

        @Override
        public Object urlConnectionOutput(Object connection, Object stream, Throwable thrown) {
          return stream;
        }

        @Override
        public Object urlConnectionInput(
            Object connection, Object stream, Throwable thrown, boolean errorStream) {
          return stream;
        }

        @Override
        public void urlConnectionDisconnect(Object connection) {}

        @Override
        public Object callStart(
            String client,
            String method,
            String scheme,
            String host,
            int port,
            String rawPath,
            java.util.function.Function<String, String> requestHeaders) {
          return null;
        }

        @Override
        public void callRequestBody(Object call, byte[] body, int offset, int length, boolean truncated) {}

        @Override
        public void callResponse(
            Object call,
            int status,
            java.util.function.Function<String, String> headers,
            String contentEncoding) {}

        @Override
        public void callBytes(Object call, byte[] bytes, int offset, int length) {}

        @Override
        public void callBytes(Object call, java.nio.ByteBuffer buffer) {}

        @Override
        public void callEnd(Object call) {}

        @Override
        public void callAborted(Object call) {}

        @Override
        public void callFailed(Object call, Throwable error) {}

        @Override
        public long callRetryDelayNanos(Object call) {
          return NO_RETRY;
        }

        @Override
        public Object callRetry(Object previousCall) {
          return null;
        }

        @Override
        public Object jdkHttpRequest(Object call, Object request) {
          return request;
        }

        @Override
        public boolean callMayAddUsage(
            Object call,
            String rawPath,
            String rawQuery,
            java.util.function.Function<String, String> requestHeaders) {
          return false;
        }

        @Override
        public byte[] callAddUsage(Object call, byte[] body, int offset, int length) {
          return null;
        }

        @Override
        public Object callUsageFilter(
            Object call, int status, String contentType, String contentEncoding) {
          return null;
        }

        @Override
        public void usageFilterWrite(Object filter, byte[] bytes, int offset, int length) {}

        @Override
        public void usageFilterEnd(Object filter) {}

        @Override
        public int usageFilterRead(Object filter, byte[] into, int offset, int length) {
          return 0;
        }
      };
}
