package dev.tollgate.agent.instrumentation.jdkhttp;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.tollgate.agent.bootstrap.Bridge;
import dev.tollgate.agent.bootstrap.Rejection;
import dev.tollgate.agent.installer.Targets;
import java.lang.instrument.Instrumentation;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.ClassFileLocator;

/**
 * {@code java.net.http.HttpClient}: {@code send}, {@code sendAsync} and the push-promise variant
 * all funnel into one private four-argument {@code sendAsync} of {@code HttpClientImpl}, so one
 * advice there sees every call exactly once. The advice swaps in a body handler that taps the
 * bytes on their way to the application's own handler.
 */
public final class JdkHttpClientInstrumentation {
  private JdkHttpClientInstrumentation() {}

  public static AgentBuilder register(
      AgentBuilder builder, ClassFileLocator locator, Instrumentation inst) {
    return builder
        .type(named(Targets.JDK_HTTP_CLIENT))
        .transform(
            new AgentBuilder.Transformer.ForAdvice()
                .include(locator)
                .advice(
                    named("sendAsync").and(takesArguments(4)),
                    SendAsyncAdvice.class.getName()));
  }

  /** Inlined into {@code HttpClientImpl.sendAsync(request, handler, pushHandler, executor)}. */
  public static final class SendAsyncAdvice {
    private SendAsyncAdvice() {}

    /**
     * A {@link Rejection} skips the method: the controller refused the call. With the opt-in
     * include_usage the request sent may be a copy with a rewritten body; the application's own
     * is kept for a retry by the controller, which rewrites it afresh.
     */
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Rejection.class)
    public static Object onEnter(
        @Advice.This Object client,
        @Advice.Argument(value = 0, readOnly = false) HttpRequest request,
        @Advice.Argument(value = 1, readOnly = false) HttpResponse.BodyHandler<?> handler,
        @Advice.Local("applicationRequest") HttpRequest applicationRequest) {
      applicationRequest = request;
      Object call = Bridge.hooks.jdkHttpStart(client, request);
      if (call != null && !(call instanceof Rejection)) {
        request = (HttpRequest) Bridge.hooks.jdkHttpRequest(call, request);
        handler = (HttpResponse.BodyHandler<?>) Bridge.hooks.jdkHttpWrapHandler(call, handler);
      }
      return call;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.This Object client,
        @Advice.Enter Object call,
        @Advice.Local("applicationRequest") HttpRequest applicationRequest,
        @Advice.Argument(1) HttpResponse.BodyHandler<?> handler,
        @Advice.Return(readOnly = false) CompletableFuture<?> future,
        @Advice.Thrown Throwable thrown) {
      if (call instanceof Rejection) {
        future = CompletableFuture.failedFuture(((Rejection) call).error);
      } else if (call != null) {
        future =
            (CompletableFuture<?>)
                Bridge.hooks.jdkHttpSent(call, client, applicationRequest, handler, future, thrown);
      }
    }
  }
}
