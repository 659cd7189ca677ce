package dev.tollgate.agent.instrumentation.apache.v4;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.tollgate.agent.installer.HelperInjector;
import dev.tollgate.agent.installer.Targets;
import dev.tollgate.agent.instrumentation.apache.v4.inject.TollgateClientExec;
import java.lang.instrument.Instrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.apache.http.impl.execchain.ClientExecChain;

/**
 * Apache HttpClient 4.3 to 4.5 (clients made by {@code HttpClientBuilder} / {@code HttpClients}):
 * the protocol stage of the exec chain is wrapped as the builder hands it to its own decoration
 * hook. The deprecated {@code DefaultHttpClient} family has no exec chain and is not recorded.
 */
public final class ApacheHttpClient4Instrumentation {
  private static final String ADVICE =
      "dev.tollgate.agent.instrumentation.apache.v4.ApacheHttpClient4Instrumentation$DecorateAdvice";

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
                    .advice(named("decorateProtocolExec").and(takesArguments(1)), ADVICE)));
  }

  /** Inlined at the end of {@code HttpClientBuilder.decorateProtocolExec}. */
  public static final class DecorateAdvice {
    private DecorateAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.Return(readOnly = false) ClientExecChain chain) {
      chain = TollgateClientExec.wrap(chain);
    }
  }
}
