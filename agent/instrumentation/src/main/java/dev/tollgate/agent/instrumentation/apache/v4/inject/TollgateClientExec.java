package dev.tollgate.agent.instrumentation.apache.v4.inject;

import dev.tollgate.agent.bootstrap.Bridge;
import dev.tollgate.agent.bootstrap.Hooks;
import dev.tollgate.agent.bootstrap.Rejection;
import dev.tollgate.agent.instrumentation.inject.Ports;
import dev.tollgate.agent.instrumentation.inject.RequestCapture;
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

/**
 * Apache HttpClient 4.3 to 4.5, through its exec chain: wraps the protocol stage that {@code
 * HttpClientBuilder.build()} passes to {@code decorateProtocolExec}. Above it sit the client's
 * retry and redirect stages, so each attempt (numbered by {@link Attempts}) and each redirect hop
 * is one call; below it, the protocol stage has already decompressed the entity and removed its
 * Content-Encoding. Connection failures pass through here too, unlike with request/response
 * interceptors.
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
      throw ((Rejection) call).error;
    }
    Attempts.record(context, request.getOriginal(), attempt);
    return traced(hooks, call, route, request, context, execAware);
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

  private CloseableHttpResponse traced(
      Hooks hooks,
      Object call,
      HttpRoute route,
      HttpRequestWrapper request,
      HttpClientContext context,
      HttpExecutionAware execAware)
      throws IOException, HttpException {
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
    CloseableHttpResponse response;
    try {
      response = delegate.execute(route, request, context, execAware);
    } catch (Throwable t) {
      capture.handOver();
      hooks.callFailed(call, t);
      throw t;
    } finally {
      if (original != null) {
        enclosing.setEntity(original);
      }
    }
    capture.handOver();
    try {
      Header encoding = response.getFirstHeader("Content-Encoding");
      hooks.callResponse(
          call,
          response.getStatusLine().getStatusCode(),
          new HeaderLookup(response),
          encoding == null ? null : encoding.getValue());
      HttpEntity entity = response.getEntity();
      if (entity == null) {
        hooks.callEnd(call);
        return response;
      }
      Header type = response.getFirstHeader("Content-Type");
      Object filter =
          hooks.callUsageFilter(
              call,
              response.getStatusLine().getStatusCode(),
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
