package dev.tollgate.agent.installer;

import dev.tollgate.agent.bootstrap.Bridge;
import dev.tollgate.agent.core.AgentRuntime;
import dev.tollgate.agent.core.config.AgentConfig;
import dev.tollgate.agent.core.config.ConfigLoader;
import dev.tollgate.agent.instrumentation.apache.v4.ApacheHttpClient4Instrumentation;
import dev.tollgate.agent.instrumentation.apache.v5.ApacheHttpClient5Instrumentation;
import dev.tollgate.agent.instrumentation.jdkhttp.JdkHttpClientInstrumentation;
import dev.tollgate.agent.instrumentation.okhttp.OkHttpInstrumentation;
import dev.tollgate.agent.instrumentation.urlconnection.UrlConnectionInstrumentation;
import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Called by {@code TollgatePremain} once the bootstrap bridge is in place: reads the configuration, starts
 * the runtime and installs each client instrumentation. Everything is caught and reported once on
 * stderr; a failure leaves the application running without the agent.
 */
public final class AgentInstaller {
  private AgentInstaller() {}

  public static void install(String args, Instrumentation inst, File agentJar) {
    List<String> problems = new ArrayList<>();
    AgentConfig config = ConfigLoader.fromProcess().load(ConfigLoader.parseAgentArgs(args), problems);
    for (String p : problems) {
      System.err.println("[tollgate] config: " + p);
    }
    if (!config.enabled) {
      return;
    }
    AgentRuntime.start(config, System.err);
    try {
      Bridge.hooks = new HooksImpl(config.openAiIncludeUsage);
      ClassFileLocator locator = ClassFileLocator.ForJarFile.of(agentJar);
      // AgentBuilder.Default() prepares Byte Buddy's self-injection (the Nexus), which reaches for
      // sun.misc.Unsafe and makes JDK 24+ print warnings; the NoOp initialization below never uses
      // it. The property name is the relocated copy's, so only the agent's Byte Buddy reads it.
      System.setProperty(net.bytebuddy.dynamic.Nexus.PROPERTY, "true");
      AgentBuilder builder =
          new AgentBuilder.Default()
              .disableClassFormatChanges()
              .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
              .with(AgentBuilder.TypeStrategy.Default.DECORATE)
              .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
              // Types are described from the instrumented class's own loader; advice classes come
              // from the agent jar.
              .with(AgentBuilder.LocationStrategy.ForClassLoader.STRONG.withFallbackTo(locator))
              .with(
                  Boolean.getBoolean("tollgate.debug.instrumentation")
                      ? AgentBuilder.Listener.StreamWriting.toSystemError().withTransformationsOnly()
                      : AgentBuilder.Listener.StreamWriting.toSystemError().withErrorsOnly())
              // Only the few classes we instrument are worth looking at; everything else is
              // dismissed by name, the cheapest test there is.
              .ignore(
                  ElementMatchers.<net.bytebuddy.description.type.TypeDescription>nameStartsWith("dev.tollgate.")
                      .or(ElementMatchers.nameStartsWith("net.bytebuddy."))
                      .or(ElementMatchers.isSynthetic()))
              // Instrumented JDK modules must be able to read the bootstrap loader's unnamed
              // module, where the agent's classes live.
              .assureReadEdgeTo(inst, Bridge.class);
      builder = JdkHttpClientInstrumentation.register(builder, locator, inst);
      builder = UrlConnectionInstrumentation.register(builder, locator, inst);
      builder = OkHttpInstrumentation.register(builder, locator, inst);
      builder = ApacheHttpClient5Instrumentation.register(builder, locator, inst);
      builder = ApacheHttpClient4Instrumentation.register(builder, locator, inst);
      builder.installOn(inst);
    } catch (Throwable t) {
      Bridge.hooks = dev.tollgate.agent.bootstrap.Hooks.NOOP;
      System.err.println("[tollgate] instrumentation failed, the application runs without it: " + t);
    }
  }
}
