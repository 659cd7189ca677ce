package dev.tollgate.agent.installer;

import dev.tollgate.agent.bootstrap.Hooks;
import dev.tollgate.agent.instrumentation.jdkhttp.JdkHttpHelpers;
import dev.tollgate.agent.instrumentation.urlconnection.UrlConnectionHelpers;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Routes the bootstrap {@link Hooks} to each client's helpers, where the real types are known.
 * Every method stops every throwable: a fault here must never reach the application.
 */
final class HooksImpl implements Hooks {
  @Override
  public Object jdkHttpStart(Object request) {
    try {
      return JdkHttpHelpers.start((HttpRequest) request);
    } catch (Throwable t) {
      return null;
    }
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Object jdkHttpWrapHandler(Object call, Object handler) {
    try {
      return JdkHttpHelpers.wrap(call, (HttpResponse.BodyHandler) handler);
    } catch (Throwable t) {
      return handler;
    }
  }

  @Override
  public void jdkHttpSent(Object call, Object future, Throwable thrown) {
    try {
      JdkHttpHelpers.onSent(call, (CompletableFuture<?>) future, thrown);
    } catch (Throwable ignored) {
      // never reaches the application
    }
  }

  @Override
  public Object urlConnectionOutput(Object connection, Object stream, Throwable thrown) {
    try {
      return UrlConnectionHelpers.onOutputStream(
          (HttpURLConnection) connection, (OutputStream) stream, thrown);
    } catch (Throwable t) {
      return stream;
    }
  }

  @Override
  public Object urlConnectionInput(
      Object connection, Object stream, Throwable thrown, boolean errorStream) {
    try {
      return UrlConnectionHelpers.onInputStream(
          (HttpURLConnection) connection, (InputStream) stream, thrown, errorStream);
    } catch (Throwable t) {
      return stream;
    }
  }

  @Override
  public void urlConnectionDisconnect(Object connection) {
    try {
      UrlConnectionHelpers.onDisconnect((HttpURLConnection) connection);
    } catch (Throwable ignored) {
      // never reaches the application
    }
  }
}
