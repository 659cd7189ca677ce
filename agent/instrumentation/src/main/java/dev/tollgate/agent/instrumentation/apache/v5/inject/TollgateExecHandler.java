package dev.tollgate.agent.instrumentation.apache.v5.inject;

import dev.tollgate.agent.bootstrap.Bridge;
import dev.tollgate.agent.bootstrap.Hooks;
import dev.tollgate.agent.bootstrap.Rejection;
import dev.tollgate.agent.instrumentation.inject.Ports;
import dev.tollgate.agent.instrumentation.inject.RequestCapture;
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
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Apache HttpClient 5 classic, through its exec chain: the handler right below the retry stage, so
 * each attempt the client makes (it retries 429 and 503 by itself) and each redirect hop is one
 * call, numbered by {@link Attempts}; and above content decompression, so it taps the entity
 * exactly as the application reads it (the decompressing entity then reports no encoding).
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
      throw ((Rejection) call).error;
    }
    Attempts.record(context(scope), original(scope), attempt);
    return traced(hooks, call, request, scope, chain);
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

  private static ClassicHttpResponse traced(
      Hooks hooks, Object call, ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
      throws IOException, HttpException {
    HttpEntity original = request.getEntity();
    // The opt-in include_usage: each attempt rewrites the application's entity afresh.
    HttpEntity rewritten = UsageEntity.rewrite(hooks, call, request, original);
    HttpEntity sent = rewritten != null ? rewritten : original;
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
    ClassicHttpResponse response;
    try {
      response = chain.proceed(request, scope);
    } catch (Throwable t) {
      capture.handOver();
      hooks.callFailed(call, t);
      throw t;
    } finally {
      if (teed) {
        // The request object may be the application's own: give it back unchanged.
        request.setEntity(original);
      }
    }
    capture.handOver();
    try {
      HttpEntity entity = response.getEntity();
      String encoding = encodingRead(response, entity);
      hooks.callResponse(call, response.getCode(), new HeaderLookup(response), encoding);
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
    if (entity == null || entity.getContentEncoding() == null) {
      return null;
    }
    Header h = response.getFirstHeader("Content-Encoding");
    return h == null ? null : h.getValue();
  }
}
