package dev.tollgate.agent.installer;

import dev.tollgate.agent.bootstrap.Bridge;
import dev.tollgate.agent.instrumentation.apache.v4.ApacheHttpClient4Instrumentation;
import dev.tollgate.agent.instrumentation.apache.v5.ApacheHttpClient5Instrumentation;
import dev.tollgate.agent.instrumentation.jdkhttp.JdkHttpClientInstrumentation;
import dev.tollgate.agent.instrumentation.okhttp.OkHttpInstrumentation;
import dev.tollgate.agent.instrumentation.urlconnection.UrlConnectionInstrumentation;
import java.io.File;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.Callable;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Builds the Byte Buddy transformer of every instrumentation. Only {@link CachingTransformer}
 * calls it, on a cache miss (or on the warm-up thread): this class is the agent's one door to Byte
 * Buddy, so a warm start that finds every class in the cache never loads it.
 */
final class ByteBuddyTransformer implements Callable<ClassFileTransformer> {
  private final Instrumentation inst;
  private final File agentJar;
  private final boolean verbose;

  ByteBuddyTransformer(Instrumentation inst, File agentJar, boolean verbose) {
    this.inst = inst;
    this.agentJar = agentJar;
    this.verbose = verbose;
  }

  @Override
  public ClassFileTransformer call() throws Exception {
    ClassFileLocator locator = ClassFileLocator.ForJarFile.of(agentJar);
    // AgentBuilder.Default() prepares Byte Buddy's self-injection (the Nexus), which reaches for
    // sun.misc.Unsafe and makes JDK 24+ print warnings; the NoOp initialization below never uses
    // it. The property name is the relocated copy's, so only the agent's Byte Buddy reads it.
    System.setProperty(net.bytebuddy.dynamic.Nexus.PROPERTY, "true");
    AgentBuilder builder =
        new AgentBuilder.Default()
            .disableClassFormatChanges()
            .with(AgentBuilder.TypeStrategy.Default.DECORATE)
            .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
            // Types are described from the instrumented class's own loader; advice classes come
            // from the agent jar.
            .with(AgentBuilder.LocationStrategy.ForClassLoader.STRONG.withFallbackTo(locator))
            .with(
                verbose
                    ? AgentBuilder.Listener.StreamWriting.toSystemError().withTransformationsOnly()
                    : AgentBuilder.Listener.StreamWriting.toSystemError().withErrorsOnly())
            .ignore(
                ElementMatchers.<net.bytebuddy.description.type.TypeDescription>nameStartsWith("dev.tollgate.")
                    .or(ElementMatchers.nameStartsWith("net.bytebuddy."))
                    .or(ElementMatchers.isSynthetic()))
            // Instrumented JDK modules must be able to read the bootstrap loader's unnamed
            // module, where the bridge lives (CachingTransformer does the same for cached classes).
            .assureReadEdgeTo(inst, Bridge.class);
    builder = JdkHttpClientInstrumentation.register(builder, locator, inst);
    builder = UrlConnectionInstrumentation.register(builder, locator, inst);
    builder = OkHttpInstrumentation.register(builder, locator, inst);
    builder = ApacheHttpClient5Instrumentation.register(builder, locator, inst);
    builder = ApacheHttpClient4Instrumentation.register(builder, locator, inst);
    // Raw: CachingTransformer is the registered transformer and decides what Byte Buddy sees.
    return builder.makeRaw();
  }
}
