package dev.tollgate.agent.instrumentation.okhttp.inject;

import dev.tollgate.agent.bootstrap.Bridge;
import dev.tollgate.agent.bootstrap.Hooks;
import dev.tollgate.agent.bootstrap.Rejection;
import dev.tollgate.agent.instrumentation.inject.Retries;
import java.io.IOException;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * OkHttp's own extension point: an application interceptor, first in every client's list, so it
 * sees each call the application makes exactly once, {@code execute} and {@code enqueue} alike, and
 * the response exactly as the application will read it (already gunzipped when OkHttp asked for
 * gzip itself; still encoded, with its Content-Encoding, when the application asked).
 *
 * <p>Injected into OkHttp's class loader (see {@code HelperInjector}); binary-compatible with
 * OkHttp 3.x, 4.x and 5.x. Anything that is not a POST passes straight through without an
 * allocation; for a POST, recognition costs the path string and a header view.
 */
public final class TollgateInterceptor implements Interceptor {
  static final String CLIENT = "okhttp";
  private static final TollgateInterceptor INSTANCE = new TollgateInterceptor();

  private TollgateInterceptor() {}

  /**
   * Called by the advice when any {@code OkHttpClient.Builder} constructor returns: leaves exactly
   * one Tollgate interceptor, first. ({@code Builder(OkHttpClient)} first runs {@code Builder()},
   * then copies the client's list, which already holds one.)
   */
  public static void addTo(OkHttpClient.Builder builder) {
    List<Interceptor> list = builder.interceptors();
    boolean seen = false;
    for (int i = 0; i < list.size(); ) {
      if (list.get(i) instanceof TollgateInterceptor) {
        if (seen) {
          list.remove(i);
          continue;
        }
        seen = true;
      }
      i++;
    }
    if (!seen) {
      list.add(0, INSTANCE);
    }
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    if (!"POST".equals(request.method())) {
      return chain.proceed(request);
    }
    Hooks hooks = Bridge.hooks;
    Object call = start(hooks, request);
    if (call == null) {
      return chain.proceed(request);
    }
    if (call instanceof Rejection) {
      // The controller refused the call: the application gets it as OkHttp's own IOException.
      throw ((Rejection) call).error;
    }
    return traced(hooks, call, chain, request);
  }

  private static Object start(Hooks hooks, Request request) {
    try {
      HttpUrl url = request.url();
      return hooks.callStart(
          CLIENT,
          "POST",
          url.scheme(),
          url.host(),
          url.port(),
          url.encodedPath(),
          new HeaderLookup(request.headers()));
    } catch (Throwable t) {
      return null;
    }
  }

  private static Response traced(Hooks hooks, Object call, Chain chain, Request request)
      throws IOException {
    // The opt-in include_usage; every attempt sends the same (possibly rewritten) request.
    request = UsageRequest.rewrite(hooks, call, request);
    TeeRequestBody tee = null;
    Request sent = request;
    try {
      RequestBody body = request.body();
      if (body != null && !TeeRequestBody.isDuplex(body)) {
        tee = new TeeRequestBody(body, hooks, call);
        sent = request.newBuilder().method(request.method(), tee).build();
      }
    } catch (Throwable t) {
      tee = null;
      sent = request;
    }
    boolean replayable = replayable(request);
    while (true) {
      Response response;
      try {
        response = chain.proceed(sent);
      } catch (Throwable t) {
        if (tee != null) {
          tee.handOver();
        }
        hooks.callFailed(call, t);
        long delay = replayable ? hooks.callRetryDelayNanos(call) : -1;
        if (delay < 0) {
          throw t;
        }
        call = nextAttempt(hooks, call, delay);
        sent = request;
        tee = null;
        continue;
      }
      if (tee != null) {
        tee.handOver();
      }
      if (replayable && response.code() >= 400) {
        // Decided on the status and headers, before any byte of this response reaches the
        // application: a retried response is closed unread and the request sent again.
        respond(hooks, call, response);
        long delay = hooks.callRetryDelayNanos(call);
        if (delay >= 0) {
          response.close();
          hooks.callEnd(call);
          call = nextAttempt(hooks, call, delay);
          sent = request;
          tee = null;
          continue;
        }
        return tappedBody(hooks, call, response);
      }
      return tapped(hooks, call, response);
    }
  }

  /** The next attempt; a refusal is thrown as OkHttp's own IOException. */
  private static Object nextAttempt(Hooks hooks, Object call, long delayNanos) throws IOException {
    Object next = Retries.next(hooks, call, delayNanos);
    if (next instanceof Rejection) {
      throw ((Rejection) next).error;
    }
    return next;
  }

  /**
   * Only a body that can be written again may be re-sent: no one-shot or duplex bodies (OkHttp 3
   * has neither notion, and its bodies are not assumed replayable).
   */
  private static boolean replayable(Request request) {
    try {
      RequestBody body = request.body();
      return body == null || (!body.isOneShot() && !body.isDuplex());
    } catch (Throwable t) {
      return false;
    }
  }

  private static void respond(Hooks hooks, Object call, Response response) {
    try {
      hooks.callResponse(
          call,
          response.code(),
          new HeaderLookup(response.headers()),
          response.header("Content-Encoding"));
    } catch (Throwable ignored) {
      // never reaches the application
    }
  }

  private static Response tappedBody(Hooks hooks, Object call, Response response) {
    try {
      ResponseBody body = response.body();
      if (body == null) {
        hooks.callEnd(call);
        return response;
      }
      Object filter =
          hooks.callUsageFilter(
              call,
              response.code(),
              response.header("Content-Type"),
              response.header("Content-Encoding"));
      if (filter != null) {
        // The body the application reads is shorter than the one sent: its length is unknown.
        return response
            .newBuilder()
            .removeHeader("Content-Length")
            .body(new TappedResponseBody(body, hooks, call, filter))
            .build();
      }
      return response.newBuilder().body(new TappedResponseBody(body, hooks, call, null)).build();
    } catch (Throwable t) {
      hooks.callEnd(call);
      return response;
    }
  }

  private static Response tapped(Hooks hooks, Object call, Response response) {
    respond(hooks, call, response);
    return tappedBody(hooks, call, response);
  }

}
