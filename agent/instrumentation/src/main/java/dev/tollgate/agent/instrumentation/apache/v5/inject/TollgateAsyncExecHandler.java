package dev.tollgate.agent.instrumentation.apache.v5.inject;

import dev.tollgate.agent.bootstrap.Bridge;
import dev.tollgate.agent.bootstrap.Hooks;
import dev.tollgate.agent.bootstrap.Rejection;
import dev.tollgate.agent.instrumentation.inject.Ports;
import dev.tollgate.agent.instrumentation.inject.RequestCapture;
import java.io.IOException;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.config.NamedElementChain;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Apache HttpClient 5 async, through its exec chain, one call per attempt (see {@link
 * TollgateExecHandler}). The request's entity producer is teed for the model and stream flag, and
 * the callback is wrapped so that the data consumer the application's response consumer returns
 * passes every buffer through the tap first.
 */
public final class TollgateAsyncExecHandler implements AsyncExecChainHandler {
  static final String NAME = "tollgate";

  private TollgateAsyncExecHandler() {}

  /**
   * From the advice on {@code HttpAsyncClientBuilder.customizeExecChain}: once per built client,
   * right below the client's retry stage (which sits below content decompression here, so the tap
   * gets the encoded bytes and their encoding).
   */
  public static void addTo(NamedElementChain<AsyncExecChainHandler> chain) {
    if (chain != null && chain.find(NAME) == null) {
      TollgateAsyncExecHandler h = new TollgateAsyncExecHandler();
      if (chain.addAfter("RETRY", h, NAME) == null && chain.addAfter("REDIRECT", h, NAME) == null) {
        chain.addFirst(h, NAME);
      }
    }
  }

  @Override
  public void execute(
      HttpRequest request,
      AsyncEntityProducer entityProducer,
      AsyncExecChain.Scope scope,
      AsyncExecChain chain,
      AsyncExecCallback callback)
      throws HttpException, IOException {
    if (!"POST".equals(request.getMethod())) {
      chain.proceed(request, entityProducer, scope, callback);
      return;
    }
    Hooks hooks = Bridge.hooks;
    int attempt = Attempts.next(context(scope), original(scope));
    Object call = start(hooks, request, scope, attempt);
    if (call == null) {
      chain.proceed(request, entityProducer, scope, callback);
      return;
    }
    if (call instanceof Rejection) {
      callback.failed(((Rejection) call).error);
      return;
    }
    Attempts.record(context(scope), original(scope), attempt);
    RequestCapture capture = new RequestCapture(hooks, call);
    AsyncEntityProducer producer = entityProducer;
    AsyncExecCallback tapping = callback;
    try {
      if (entityProducer != null) {
        producer = new TeeEntityProducer(entityProducer, capture);
      }
      tapping =
          new TappingAsyncCallback(callback, hooks, call, capture, scope.cancellableDependency);
    } catch (Throwable t) {
      chain.proceed(request, entityProducer, scope, callback);
      return;
    }
    try {
      chain.proceed(request, producer, scope, tapping);
    } catch (Throwable t) {
      capture.handOver();
      hooks.callFailed(call, t);
      throw t;
    }
  }

  private static HttpContext context(AsyncExecChain.Scope scope) {
    try {
      return scope.clientContext;
    } catch (Throwable t) {
      return null;
    }
  }

  private static Object original(AsyncExecChain.Scope scope) {
    try {
      return scope.originalRequest;
    } catch (Throwable t) {
      return null;
    }
  }

  private static Object start(
      Hooks hooks, HttpRequest request, AsyncExecChain.Scope scope, int attempt) {
    try {
      HttpHost target = scope.route.getTargetHost();
      String scheme = target.getSchemeName();
      return hooks.callStart(
          TollgateExecHandler.CLIENT,
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
}
