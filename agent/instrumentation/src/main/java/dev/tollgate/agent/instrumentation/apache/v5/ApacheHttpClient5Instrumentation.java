package dev.tollgate.agent.instrumentation.apache.v5;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.tollgate.agent.installer.HelperInjector;
import dev.tollgate.agent.installer.Targets;
import dev.tollgate.agent.instrumentation.apache.v5.inject.GuardedRetryStrategy;
import dev.tollgate.agent.instrumentation.apache.v5.inject.TollgateAsyncExecHandler;
import dev.tollgate.agent.instrumentation.apache.v5.inject.TollgateExecHandler;
import java.lang.instrument.Instrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.config.NamedElementChain;

/**
 * Apache HttpClient 5, classic and async, through the exec chain each builder assembles: when
 * {@code build()} hands the finished chain to {@code customizeExecChain}, Tollgate's handler goes
 * first (once; the chain is new for every build). Clients not made by these builders (the minimal
 * async client, the HTTP/2-only builder) have no exec chain and are not recorded. The classic
 * client's retry stage gets its strategy wrapped as it is built, so that the controller has the
 * last word on what it decided.
 */
public final class ApacheHttpClient5Instrumentation {
  private static final String PREFIX =
      "dev.tollgate.agent.instrumentation.apache.v5.ApacheHttpClient5Instrumentation$";

  private static final String RETRY_STRATEGY =
      "org.apache.hc.client5.http.HttpRequestRetryStrategy";

  private ApacheHttpClient5Instrumentation() {}

  public static AgentBuilder register(
      AgentBuilder builder, ClassFileLocator locator, Instrumentation inst) {
    return builder
        // The caching builders override the hook without calling it: matched by name too (the
        // handler is added once per chain whichever runs).
        .type(
            named(Targets.APACHE5_CLASSIC_BUILDER)
                .or(named(Targets.APACHE5_CACHING_CLASSIC_BUILDER)))
        .transform(
            HelperInjector.injecting(
                inst,
                Targets.apache5Helpers(),
                new AgentBuilder.Transformer.ForAdvice()
                    .include(locator)
                    .advice(
                        named("customizeExecChain").and(takesArguments(1)),
                        PREFIX + "ClassicChainAdvice")))
        .type(
            named(Targets.APACHE5_ASYNC_BUILDER)
                .or(named(Targets.APACHE5_CACHING_ASYNC_BUILDER)))
        .transform(
            HelperInjector.injecting(
                inst,
                Targets.apache5Helpers(),
                new AgentBuilder.Transformer.ForAdvice()
                    .include(locator)
                    .advice(
                        named("customizeExecChain").and(takesArguments(1)),
                        PREFIX + "AsyncChainAdvice")))
        // The classic retry stage: its strategy leaves alone what the controller made final (see
        // GuardedRetryStrategy).
        .type(named(Targets.APACHE5_RETRY_EXEC))
        .transform(
            HelperInjector.injecting(
                inst,
                Targets.apache5Helpers(),
                new AgentBuilder.Transformer.ForAdvice()
                    .include(locator)
                    .advice(
                        isConstructor()
                            .and(takesArguments(1))
                            .and(takesArgument(0, named(RETRY_STRATEGY))),
                        PREFIX + "RetryExecAdvice")));
  }

  /** Inlined at the start of {@code HttpClientBuilder.customizeExecChain}. */
  public static final class ClassicChainAdvice {
    private ClassicChainAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(0) NamedElementChain<ExecChainHandler> chain) {
      TollgateExecHandler.addTo(chain);
    }
  }

  /** Inlined at the start of {@code HttpRequestRetryExec(HttpRequestRetryStrategy)}. */
  public static final class RetryExecAdvice {
    private RetryExecAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(
        @Advice.Argument(value = 0, readOnly = false) HttpRequestRetryStrategy strategy) {
      strategy = GuardedRetryStrategy.wrap(strategy);
    }
  }

  /** Inlined at the start of {@code HttpAsyncClientBuilder.customizeExecChain}. */
  public static final class AsyncChainAdvice {
    private AsyncChainAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(0) NamedElementChain<AsyncExecChainHandler> chain) {
      TollgateAsyncExecHandler.addTo(chain);
    }
  }
}
