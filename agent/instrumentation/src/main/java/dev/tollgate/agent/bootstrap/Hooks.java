package dev.tollgate.agent.bootstrap;

/**
 * What inlined advice may call. It lives on the bootstrap class path, so it names java.base types
 * only: the JDK's own HTTP client is defined by the platform class loader and OkHttp or Apache by
 * the application's, and none of those can see the agent's class loader. Handles are opaque
 * {@code Object}s; the implementation behind them is the agent's ordinary code.
 */
public interface Hooks {
  /** java.net.http: a request is about to be sent; returns a call handle or null. */
  Object jdkHttpStart(Object request);

  /** java.net.http: wraps the application's BodyHandler so the body is tapped on its way. */
  Object jdkHttpWrapHandler(Object call, Object handler);

  /** java.net.http: sendAsync returned (or threw). */
  void jdkHttpSent(Object call, Object future, Throwable thrown);

  /** HttpURLConnection: getOutputStream returned; returns the stream to give the application. */
  Object urlConnectionOutput(Object connection, Object stream, Throwable thrown);

  /** HttpURLConnection: getInputStream/getErrorStream returned; returns the stream to give the application. */
  Object urlConnectionInput(Object connection, Object stream, Throwable thrown, boolean errorStream);

  /** HttpURLConnection: disconnect() was called. */
  void urlConnectionDisconnect(Object connection);

  /** The default before the agent is installed, and after a failure: does nothing. */
  Hooks NOOP =
      new Hooks() {
        @Override
        public Object jdkHttpStart(Object request) {
          return null;
        }

        @Override
        public Object jdkHttpWrapHandler(Object call, Object handler) {
          return handler;
        }

        @Override
        public void jdkHttpSent(Object call, Object future, Throwable thrown) {}

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
      };
}
