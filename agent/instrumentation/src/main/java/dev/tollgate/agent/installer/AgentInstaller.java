package dev.tollgate.agent.installer;

import dev.tollgate.agent.bootstrap.Bridge;
import dev.tollgate.agent.core.AgentRuntime;
import dev.tollgate.agent.core.config.AgentConfig;
import dev.tollgate.agent.core.config.ConfigLoader;
import dev.tollgate.agent.instrumentation.jdkhttp.TrustedTaps;
import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * Called by {@code TollgatePremain} once the bootstrap bridge is in place: reads the
 * configuration, starts the runtime and registers the {@link CachingTransformer}, which instruments
 * each client's classes as they load. Everything is caught and reported once on stderr; a failure
 * leaves the application running without the agent.
 */
public final class AgentInstaller {
  private AgentInstaller() {}

  /** The class cache this JVM's agent uses, for {@link WarmCache}. */
  private static volatile TransformCache installedCache = TransformCache.OFF;

  /** The directory of this agent build's class cache, or null when the cache is off. */
  static java.nio.file.Path cacheDirectory() {
    return installedCache.directory();
  }

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
      TrustedTaps.setInstrumentation(inst);
      List<String> cacheProblems = new ArrayList<>();
      TransformCache cache = TransformCache.open(config.cacheDir, agentJar, cacheProblems);
      installedCache = cache;
      for (String p : cacheProblems) {
        System.err.println("[tollgate] " + p);
      }
      boolean verbose = Boolean.getBoolean("tollgate.debug.instrumentation");
      CachingTransformer transformer =
          new CachingTransformer(
              inst,
              Targets.byInternalName(),
              cache,
              new ByteBuddyTransformer(inst, agentJar, verbose),
              System.err,
              verbose);
      if (!cache.enabled() || cache.fresh()) {
        // Every target will need Byte Buddy: build it beside the application's own start-up
        // rather than when the first HTTP client class loads.
        transformer.warmUpInBackground();
      }
      inst.addTransformer(transformer, true);
      transformer.retransformLoaded();
    } catch (Throwable t) {
      Bridge.hooks = dev.tollgate.agent.bootstrap.Hooks.NOOP;
      System.err.println("[tollgate] instrumentation failed, the application runs without it: " + t);
    }
  }
}
