package dev.tollgate.agent.instrumentation.okhttp;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.tollgate.agent.installer.HelperInjector;
import dev.tollgate.agent.installer.Targets;
import dev.tollgate.agent.instrumentation.okhttp.inject.TollgateInterceptor;
import java.lang.instrument.Instrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.ClassFileLocator;
import okhttp3.OkHttpClient;

/**
 * OkHttp 3.x, 4.x and 5.x through its own extension point: every {@code OkHttpClient.Builder}
 * constructor ends by putting Tollgate's application interceptor first in the builder's list, and
 * {@code newBuilder()} copies it with the rest. The send path itself is not touched. The
 * interceptor and its helpers are injected into OkHttp's class loader when the builder class loads,
 * so a child loader (a fat jar, a plug-in, OkHttp loaded long after start-up) gets its own.
 */
public final class OkHttpInstrumentation {
  // By name: the advice class refers to OkHttp and must never be loaded by the agent's loader.
  private static final String BUILDER_ADVICE =
      "dev.tollgate.agent.instrumentation.okhttp.OkHttpInstrumentation$BuilderAdvice";

  private OkHttpInstrumentation() {}

  public static AgentBuilder register(
      AgentBuilder builder, ClassFileLocator locator, Instrumentation inst) {
    return builder
        .type(named(Targets.OKHTTP_BUILDER))
        .transform(
            HelperInjector.injecting(
                inst,
                Targets.okHttpHelpers(),
                new AgentBuilder.Transformer.ForAdvice()
                    .include(locator)
                    .advice(isConstructor(), BUILDER_ADVICE)));
  }

  /** Inlined at the end of each {@code OkHttpClient.Builder} constructor. */
  public static final class BuilderAdvice {
    private BuilderAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.This OkHttpClient.Builder builder) {
      TollgateInterceptor.addTo(builder);
    }
  }
}
