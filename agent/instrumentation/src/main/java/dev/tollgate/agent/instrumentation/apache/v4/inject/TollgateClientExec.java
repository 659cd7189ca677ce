package dev.tollgate.agent.instrumentation.apache.v4.inject;

import dev.tollgate.agent.bootstrap.Bridge;
import dev.tollgate.agent.bootstrap.Hooks;
import dev.tollgate.agent.bootstrap.Rejection;
import dev.tollgate.agent.instrumentation.inject.Ports;
import dev.tollgate.agent.instrumentation.inject.RequestCapture;
import dev.tollgate.agent.instrumentation.inject.Retries;
import java.io.IOException;
import java.net.URI;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpException;
import org.apache.http.HttpHost;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpExecutionAware;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.impl.execchain.ClientExecChain;
import org.apache.http.protocol.HttpContext;

/**
 * Apache HttpClient 4.3 to 4.5, through its exec chain: wraps the protocol stage that {@code
 * HttpClientBuilder.build()} passes to {@code decorateProtocolExec}. Above it sit the client's
 * retry and redirect stages, so each attempt (numbered by {@link Attempts}) and each redirect hop
 * is one call; below it, the protocol stage has already decompressed the entity and removed its
 * Content-Encoding. Connection failures pass through here too, unlike with request/response
 * interceptors.
 *
 * <p>For an endpoint with a retry policy, this stage also makes the controller's retries, as
 * OkHttp's interceptor does: a repeatable request is sent again when the policy says so. A
 * response the policy refused to retry, and the controller's refusal of a call, are marked final
 * for the client's own retry stages above ({@link GuardedServiceUnavailableRetryStrategy}, {@link
 * GuardedRetryHandler}).
 */
public final class TollgateClientExec implements ClientExecChain {
  static final String CLIENT = "apache-httpclient-4";

  private final ClientExecChain delegate;

  private TollgateClientExec(ClientExecChain delegate) {
    this.delegate = delegate;
  }

  /** From the advice on {@code HttpClientBuilder.decorateProtocolExec}'s return value. */
  public static ClientExecChain wrap(ClientExecChain chain) {
    if (chain == null || chain instanceof TollgateClientExec) {
      return chain;
    }
    return new TollgateClientExec(chain);
  }

  @Override
  public CloseableHttpResponse execute(
      HttpRoute route,
      HttpRequestWrapper request,
      HttpClientContext context,
      HttpExecutionAware execAware)
      throws IOException, HttpException {
    if (!"POST".equals(request.getMethod())) {
      return delegate.execute(route, request, context, execAware);
    }
    Hooks hooks = Bridge.hooks;
    int attempt = Attempts.next(context, request.getOriginal());
    Object call = start(hooks, route, request, attempt);
    if (call == null) {
      return delegate.execute(route, request, context, execAware);
    }
    if (call instanceof Rejection) {
      throw refused(context, (Rejection) call);
    }
    Attempts.record(context, request.getOriginal(), attempt);
    return traced(hooks, call, attempt, route, request, context, execAware);
  }

  private static Object start(
      Hooks hooks, HttpRoute route, HttpRequestWrapper request, int attempt) {
    try {
      HttpHost target = route.getTargetHost();
      String scheme = target.getSchemeName();
      URI uri = request.getURI();
      return hooks.callStart(
          CLIENT,
          "POST",
          scheme,
          target.getHostName(),
          Ports.effective(scheme, target.getPort()),
          uri == null ? null : uri.getRawPath(),
          new HeaderLookup(request, attempt));
    } catch (Throwable t) {
      return null;
    }
  }

  /**
   * Sends the request; when the controller's retry policy says so, sends it again (after the
   * delay it decides, a server's Retry-After included) as long as no response byte has reached
   * the application: the refused response is closed unread and the request's headers put back, as
   * the client's own retry stages do.
   */
  private CloseableHttpResponse traced(
      Hooks hooks,
      Object call,
      int attempt,
      HttpRoute route,
      HttpRequestWrapper request,
      HttpClientContext context,
      HttpExecutionAware execAware)
      throws IOException, HttpException {
    // The stages below add headers to the request: each retry starts from these.
    Header[] headers = replayable(request) ? headers(request) : null;
    while (true) {
      CloseableHttpResponse response;
      try {
        response = send(hooks, call, route, request, context, execAware);
      } catch (Throwable t) {
        hooks.callFailed(call, t);
        long delay = headers != null ? hooks.callRetryDelayNanos(call) : Hooks.NO_RETRY;
        if (delay < 0) {
          throw t;
        }
        call = nextAttempt(hooks, call, delay, context);
        Attempts.record(context, request.getOriginal(), ++attempt);
        request.setHeaders(headers);
        continue;
      }
      int status = status(response);
      Header encoding = response.getFirstHeader("Content-Encoding");
      respond(hooks, call, response, status, encoding);
      if (headers != null && status >= 400) {
        // Decided on the status and headers, before any byte of this response reaches the
        // application.
        long delay = hooks.callRetryDelayNanos(call);
        if (delay >= 0) {
          closeQuietly(response);
          hooks.callEnd(call);
          call = nextAttempt(hooks, call, delay, context);
          Attempts.record(context, request.getOriginal(), ++attempt);
          request.setHeaders(headers);
          continue;
        }
        CloseableHttpResponse tapped = tapped(hooks, call, response, status, encoding);
        if (delay == Hooks.RETRY_REFUSED) {
          // The policy's last word: the client's own retry stage above must not send it again.
          FinalOutcome.mark(context, tapped);
        }
        return tapped;
      }
      return tapped(hooks, call, response, status, encoding);
    }
  }

  /** One attempt: the request goes out with its entity teed (and rewritten under include_usage). */
  private CloseableHttpResponse send(
      Hooks hooks,
      Object call,
      HttpRoute route,
      HttpRequestWrapper request,
      HttpClientContext context,
      HttpExecutionAware execAware)
      throws IOException, HttpException {
    // Every attempt is captured: one whose connection was refused before its body was written
    // leaves the model to the next.
    RequestCapture capture = new RequestCapture(hooks, call);
    HttpEntityEnclosingRequest enclosing = null;
    HttpEntity original = null;
    try {
      if (request instanceof HttpEntityEnclosingRequest) {
        enclosing = (HttpEntityEnclosingRequest) request;
        original = enclosing.getEntity();
        if (original != null) {
          // The opt-in include_usage: each attempt rewrites the application's entity afresh.
          HttpEntity rewritten = UsageEntity.rewrite(hooks, call, request, original);
          enclosing.setEntity(new TeeEntity(rewritten != null ? rewritten : original, capture));
        }
      }
    } catch (Throwable t) {
      original = null;
    }
    try {
      return delegate.execute(route, request, context, execAware);
    } finally {
      capture.handOver();
      if (original != null) {
        enclosing.setEntity(original);
      }
    }
  }

  /**
   * Only a request whose entity can be written again is re-sent, the rule of the client's own
   * retry stages ({@code InputStreamEntity} and other streamed entities are not).
   */
  private static boolean replayable(HttpRequestWrapper request) {
    try {
      if (!(request instanceof HttpEntityEnclosingRequest)) {
        return true;
      }
      HttpEntity entity = ((HttpEntityEnclosingRequest) request).getEntity();
      return entity == null || entity.isRepeatable();
    } catch (Throwable t) {
      return false;
    }
  }

  private static Header[] headers(HttpRequestWrapper request) {
    try {
      return request.getAllHeaders();
    } catch (Throwable t) {
      return null;
    }
  }

  private static int status(CloseableHttpResponse response) {
    try {
      return response.getStatusLine().getStatusCode();
    } catch (Throwable t) {
      return 0;
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
   * retry stage ({@code RetryExec}, which retries a POST whose request was not sent) does not ask
   * again for a call the controller just refused.
   */
  private static IOException refused(HttpContext context, Rejection rejection) {
    FinalOutcome.mark(context, rejection.error);
    return rejection.error;
  }

  private static void closeQuietly(CloseableHttpResponse response) {
    try {
      response.close();
    } catch (Throwable ignored) {
      // the connection is the client's to discard
    }
  }

  private static void respond(
      Hooks hooks, Object call, CloseableHttpResponse response, int status, Header encoding) {
    try {
      hooks.callResponse(
          call, status, new HeaderLookup(response), encoding == null ? null : encoding.getValue());
    } catch (Throwable ignored) {
      // never reaches the application
    }
  }

  /** The response as the application will read it, its entity tapped. */
  private static CloseableHttpResponse tapped(
      Hooks hooks, Object call, CloseableHttpResponse response, int status, Header encoding) {
    try {
      HttpEntity entity = response.getEntity();
      if (entity == null) {
        hooks.callEnd(call);
        return response;
      }
      Header type = response.getFirstHeader("Content-Type");
      Object filter =
          hooks.callUsageFilter(
              call,
              status,
              type == null ? null : type.getValue(),
              encoding == null ? null : encoding.getValue());
      if (filter != null) {
        // The body the application reads is shorter than the one sent: its length is unknown.
        response.removeHeaders("Content-Length");
      }
      response.setEntity(new TappedEntity(entity, hooks, call, filter));
      return new TappedResponse(response, hooks, call);
    } catch (Throwable t) {
      hooks.callEnd(call);
      return response;
    }
  }
}
