package dev.tollgate.agent.instrumentation.apache.v4;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.tollgate.agent.installer.HelperInjector;
import dev.tollgate.agent.installer.Targets;
import dev.tollgate.agent.instrumentation.apache.v4.inject.GuardedRetryHandler;
import dev.tollgate.agent.instrumentation.apache.v4.inject.GuardedServiceUnavailableRetryStrategy;
import dev.tollgate.agent.instrumentation.apache.v4.inject.TollgateClientExec;
import java.lang.instrument.Instrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.apache.http.client.HttpRequestRetryHandler;
import org.apache.http.client.ServiceUnavailableRetryStrategy;
import org.apache.http.impl.execchain.ClientExecChain;

/**
 * Apache HttpClient 4.3 to 4.5 (clients made by {@code HttpClientBuilder} / {@code HttpClients}):
 * the protocol stage of the exec chain is wrapped as the builder hands it to its own decoration
 * hook. The deprecated {@code DefaultHttpClient} family has no exec chain and is not recorded. The
 * client's retry stages get their strategies wrapped as they are built, so that the controller
 * has the last word on what it decided.
 */
public final class ApacheHttpClient4Instrumentation {
  private static final String PREFIX =
      "dev.tollgate.agent.instrumentation.apache.v4.ApacheHttpClient4Instrumentation$";
  private static final String SERVICE_UNAVAILABLE_STRATEGY =
      "org.apache.http.client.ServiceUnavailableRetryStrategy";
  private static final String RETRY_HANDLER = "org.apache.http.client.HttpRequestRetryHandler";

  private ApacheHttpClient4Instrumentation() {}

  public static AgentBuilder register(
      AgentBuilder builder, ClassFileLocator locator, Instrumentation inst) {
    return builder
        .type(named(Targets.APACHE4_BUILDER))
        .transform(
            HelperInjector.injecting(
                inst,
                Targets.apache4Helpers(),
                new AgentBuilder.Transformer.ForAdvice()
                    .include(locator)
                    .advice(
                        named("decorateProtocolExec").and(takesArguments(1)),
                        PREFIX + "DecorateAdvice")))
        // The client's retry stages: their strategies leave alone what the controller made final
        // (see GuardedServiceUnavailableRetryStrategy, GuardedRetryHandler).
        .type(named(Targets.APACHE4_SERVICE_UNAVAILABLE_RETRY_EXEC))
        .transform(
            wrappingStrategy(
                inst, locator, SERVICE_UNAVAILABLE_STRATEGY, "ServiceUnavailableRetryAdvice"))
        .type(named(Targets.APACHE4_RETRY_EXEC))
        .transform(wrappingStrategy(inst, locator, RETRY_HANDLER, "RetryAdvice"));
  }

  /** The advice on a retry stage's constructor {@code (ClientExecChain, strategy)}. */
  private static AgentBuilder.Transformer wrappingStrategy(
      Instrumentation inst, ClassFileLocator locator, String strategyType, String advice) {
    return HelperInjector.injecting(
        inst,
        Targets.apache4Helpers(),
        new AgentBuilder.Transformer.ForAdvice()
            .include(locator)
            .advice(
                isConstructor().and(takesArguments(2)).and(takesArgument(1, named(strategyType))),
                PREFIX + advice));
  }

  /** Inlined at the end of {@code HttpClientBuilder.decorateProtocolExec}. */
  public static final class DecorateAdvice {
    private DecorateAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.Return(readOnly = false) ClientExecChain chain) {
      chain = TollgateClientExec.wrap(chain);
    }
  }

  /**
   * Inlined at the start of {@code ServiceUnavailableRetryExec(ClientExecChain,
   * ServiceUnavailableRetryStrategy)}.
   */
  public static final class ServiceUnavailableRetryAdvice {
    private ServiceUnavailableRetryAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(
        @Advice.Argument(value = 1, readOnly = false) ServiceUnavailableRetryStrategy strategy) {
      strategy = GuardedServiceUnavailableRetryStrategy.wrap(strategy);
    }
  }

  /** Inlined at the start of {@code RetryExec(ClientExecChain, HttpRequestRetryHandler)}. */
  public static final class RetryAdvice {
    private RetryAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(
        @Advice.Argument(value = 1, readOnly = false) HttpRequestRetryHandler handler) {
      handler = GuardedRetryHandler.wrap(handler);
    }
  }
}
