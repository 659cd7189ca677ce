package dev.tollgate.agent.instrumentation.apache.v5.inject;

import dev.tollgate.agent.bootstrap.Bridge;
import dev.tollgate.agent.bootstrap.Hooks;
import dev.tollgate.agent.bootstrap.Rejection;
import dev.tollgate.agent.instrumentation.inject.Ports;
import dev.tollgate.agent.instrumentation.inject.RequestCapture;
import dev.tollgate.agent.instrumentation.inject.Retries;
import java.io.IOException;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.NamedElementChain;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Apache HttpClient 5 classic, through its exec chain: the handler right below the retry stage, so
 * each attempt the client makes (it retries 429 and 503 by itself) and each redirect hop is one
 * call, numbered by {@link Attempts}; and above content decompression, so it taps the entity
 * exactly as the application reads it (the decompressing entity then reports no encoding).
 *
 * <p>For an endpoint with a retry policy, the handler also makes the controller's retries, as
 * OkHttp's interceptor does: a repeatable request is sent again when the policy says so, and a
 * response the policy refused to retry, like the controller's refusal of a call, is marked final for
 * the client's own retry stage ({@link GuardedRetryStrategy}).
 */
public final class TollgateExecHandler implements ExecChainHandler {
  static final String NAME = "tollgate";
  static final String CLIENT = "apache-httpclient-5";

  private TollgateExecHandler() {}

  /**
   * From the advice on {@code HttpClientBuilder.customizeExecChain}: once per built client, right
   * below the client's retry stage (each attempt is a call) and above content decompression.
   */
  public static void addTo(NamedElementChain<ExecChainHandler> chain) {
    if (chain != null && chain.find(NAME) == null) {
      TollgateExecHandler h = new TollgateExecHandler();
      if (chain.addAfter("RETRY", h, NAME) == null && chain.addAfter("REDIRECT", h, NAME) == null) {
        chain.addFirst(h, NAME);
      }
    }
  }

  @Override
  public ClassicHttpResponse execute(
      ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
      throws IOException, HttpException {
    if (!"POST".equals(request.getMethod())) {
      return chain.proceed(request, scope);
    }
    Hooks hooks = Bridge.hooks;
    int attempt = Attempts.next(context(scope), original(scope));
    Object call = start(hooks, request, scope, attempt);
    if (call == null) {
      return chain.proceed(request, scope);
    }
    if (call instanceof Rejection) {
      throw refused(context(scope), (Rejection) call);
    }
    Attempts.record(context(scope), original(scope), attempt);
    return traced(hooks, call, attempt, request, scope, chain);
  }

  private static HttpContext context(ExecChain.Scope scope) {
    try {
      return scope.clientContext;
    } catch (Throwable t) {
      return null;
    }
  }

  private static Object original(ExecChain.Scope scope) {
    try {
      return scope.originalRequest;
    } catch (Throwable t) {
      return null;
    }
  }

  private static Object start(
      Hooks hooks, ClassicHttpRequest request, ExecChain.Scope scope, int attempt) {
    try {
      HttpHost target = scope.route.getTargetHost();
      String scheme = target.getSchemeName();
      return hooks.callStart(
          CLIENT,
          "POST",
          scheme,
          target.getHostName(),
          Ports.effective(scheme, target.getPort()),
          request.getPath(),
          new HeaderLookup(request, attempt));
    } catch (Throwable t) {
      return null;
    }
  }

  /**
   * Sends the request; when the controller's retry policy says so, sends it again (after the
   * delay it decides, a server's Retry-After included) as long as no response byte has reached
   * the application: the refused response is closed unread, as the client's own retry stage does.
   */
  private static ClassicHttpResponse traced(
      Hooks hooks,
      Object call,
      int attempt,
      ClassicHttpRequest request,
      ExecChain.Scope scope,
      ExecChain chain)
      throws IOException, HttpException {
    boolean replayable = replayable(request);
    while (true) {
      ClassicHttpResponse response;
      try {
        response = send(hooks, call, request, scope, chain);
      } catch (Throwable t) {
        hooks.callFailed(call, t);
        ClassicHttpRequest again = replayable ? copy(scope) : null;
        long delay = again != null ? hooks.callRetryDelayNanos(call) : Hooks.NO_RETRY;
        if (delay < 0) {
          throw t;
        }
        call = nextAttempt(hooks, call, delay, context(scope));
        Attempts.record(context(scope), original(scope), ++attempt);
        request = again;
        continue;
      }
      HttpEntity entity = response.getEntity();
      String encoding = encodingRead(response, entity);
      respond(hooks, call, response, encoding);
      if (replayable && response.getCode() >= 400) {
        // Decided on the status and headers, before any byte of this response reaches the
        // application.
        ClassicHttpRequest again = copy(scope);
        long delay = again != null ? hooks.callRetryDelayNanos(call) : Hooks.NO_RETRY;
        if (delay >= 0) {
          closeQuietly(response);
          hooks.callEnd(call);
          call = nextAttempt(hooks, call, delay, context(scope));
          Attempts.record(context(scope), original(scope), ++attempt);
          request = again;
          continue;
        }
        if (delay == Hooks.RETRY_REFUSED) {
          // The policy's last word: the client's own retry stage above must not send it again.
          FinalOutcome.mark(context(scope), response);
        }
      }
      return tapped(hooks, call, response, entity, encoding);
    }
  }

  /** One attempt: the request goes out with its entity teed (and rewritten under include_usage). */
  private static ClassicHttpResponse send(
      Hooks hooks, Object call, ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
      throws IOException, HttpException {
    HttpEntity original = request.getEntity();
    // The opt-in include_usage: each attempt rewrites the application's entity afresh.
    HttpEntity rewritten = UsageEntity.rewrite(hooks, call, request, original);
    HttpEntity sent = rewritten != null ? rewritten : original;
    // Every attempt is captured: one whose connection was refused before its body was written
    // leaves the model to the next.
    RequestCapture capture = new RequestCapture(hooks, call);
    boolean teed = false;
    if (sent != null) {
      try {
        request.setEntity(new TeeEntity(sent, capture));
        teed = true;
      } catch (Throwable ignored) {
        // send the application's entity as it is
      }
    }
    try {
      return chain.proceed(request, scope);
    } finally {
      capture.handOver();
      if (teed) {
        // The request object may be the application's own: give it back unchanged.
        request.setEntity(original);
      }
    }
  }

  /**
   * Only a request whose entity can be written again is re-sent, the rule of the client's own
   * retry stage ({@code InputStreamEntity} and other streamed entities are not).
   */
  private static boolean replayable(ClassicHttpRequest request) {
    try {
      HttpEntity entity = request.getEntity();
      return entity == null || entity.isRepeatable();
    } catch (Throwable t) {
      return false;
    }
  }

  /**
   * A fresh copy of the hop's request, as the client's retry stage sends: the stages below add
   * headers to the request they are given. Null when it cannot be made (then no retry).
   */
  private static ClassicHttpRequest copy(ExecChain.Scope scope) {
    try {
      return ClassicRequestBuilder.copy(scope.originalRequest).build();
    } catch (Throwable t) {
      return null;
    }
  }

  /** The next attempt; a refusal is thrown as the client's IOException, marked final. */
  private static Object nextAttempt(
      Hooks hooks, Object call, long delayNanos, HttpContext context) throws IOException {
    Object next = Retries.next(hooks, call, delayNanos);
    if (next instanceof Rejection) {
      throw refused(context, (Rejection) next);
    }
    return next;
  }

  /**
   * The controller's refusal, as the client's own IOException; marked final so that the client's
   * retry stage does not ask again for a call the controller just refused.
   */
  private static IOException refused(HttpContext context, Rejection rejection) {
    FinalOutcome.mark(context, rejection.error);
    return rejection.error;
  }

  private static void closeQuietly(ClassicHttpResponse response) {
    try {
      response.close();
    } catch (Throwable ignored) {
      // the connection is the client's to discard
    }
  }

  private static void respond(
      Hooks hooks, Object call, ClassicHttpResponse response, String encoding) {
    try {
      hooks.callResponse(call, response.getCode(), new HeaderLookup(response), encoding);
    } catch (Throwable ignored) {
      // never reaches the application
    }
  }

  /** The response as the application will read it, its entity tapped. */
  private static ClassicHttpResponse tapped(
      Hooks hooks, Object call, ClassicHttpResponse response, HttpEntity entity, String encoding) {
    try {
      if (entity == null) {
        hooks.callEnd(call);
      } else {
        Header type = response.getFirstHeader("Content-Type");
        Object filter =
            hooks.callUsageFilter(
                call, response.getCode(), type == null ? null : type.getValue(), encoding);
        if (filter != null) {
          // The body the application reads is shorter than the one sent: its length is unknown.
          response.removeHeaders("Content-Length");
        }
        response.setEntity(new TappedEntity(entity, hooks, call, filter));
      }
    } catch (Throwable t) {
      hooks.callEnd(call);
    }
    return response;
  }

  /**
   * The encoding of the bytes the application will read: null when the client's content compression
   * decoded them (newer versions keep the header but the decompressing entity reports no encoding;
   * older ones remove the header).
   */
  private static String encodingRead(ClassicHttpResponse response, HttpEntity entity) {
    try {
      if (entity == null || entity.getContentEncoding() == null) {
        return null;
      }
      Header h = response.getFirstHeader("Content-Encoding");
      return h == null ? null : h.getValue();
    } catch (Throwable t) {
      return null;
    }
  }
}
