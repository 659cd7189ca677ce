package dev.tollgate.agent.installer;

import dev.tollgate.agent.bootstrap.Bridge;
import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * The agent's one class file transformer. Every class the JVM loads passes through it, so it first
 * looks the name up among the few {@link Targets} (a hash lookup; everything else returns at once).
 * A target is served from the {@link TransformCache} when this agent build has transformed those
 * exact bytes before; only on a miss is Byte Buddy built ({@link ByteBuddyTransformer}) and asked,
 * and its result stored. A warm start therefore never loads Byte Buddy at all.
 *
 * <p>Whatever goes wrong, the class is left as it was and the reason printed once: the
 * application runs, that client is just not recorded.
 */
final class CachingTransformer implements ClassFileTransformer {
  /** How long a class load may wait for Byte Buddy being built on the warm-up thread. */
  private static final long BUILD_WAIT_SECONDS = 30;

  private final Instrumentation inst;
  private final Map<String, String[]> targets;
  private final TransformCache cache;
  private final FutureTask<ClassFileTransformer> byteBuddy;
  private final PrintStream diagnostics;
  private final boolean verbose;
  private final Set<String> reported = Collections.synchronizedSet(new HashSet<>());

  CachingTransformer(
      Instrumentation inst,
      Map<String, String[]> targets,
      TransformCache cache,
      Callable<ClassFileTransformer> byteBuddy,
      PrintStream diagnostics,
      boolean verbose) {
    this.inst = inst;
    this.targets = targets;
    this.cache = cache;
    this.byteBuddy = new FutureTask<>(byteBuddy);
    this.diagnostics = diagnostics;
    this.verbose = verbose;
  }

  /**
   * Builds Byte Buddy on a daemon thread now, so that the first target class to load finds it ready
   * (used when the cache is empty: every target will need it).
   */
  void warmUpInBackground() {
    Thread t = new Thread(byteBuddy, "tollgate-warmup");
    t.setDaemon(true);
    t.start();
  }

  /** Retransforms the targets that were loaded before the transformer was added. */
  void retransformLoaded() {
    List<Class<?>> loaded = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (targets.containsKey(c.getName().replace('.', '/')) && inst.isModifiableClass(c)) {
        loaded.add(c);
      }
    }
    for (Class<?> c : loaded) {
      try {
        inst.retransformClasses(c);
      } catch (Throwable t) {
        report(c.getName(), t);
      }
    }
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain domain,
      byte[] classfile) {
    if (className == null) {
      return null;
    }
    String[] helpers = targets.get(className);
    if (helpers == null) {
      return null;
    }
    try {
      if (helpers.length > 0 && (loader == null || !HelperInjector.inject(inst, loader, helpers))) {
        return null; // HelperInjector has said why
      }
      byte[] out = cache.lookup(className, classfile);
      boolean cached = out != null;
      if (!cached) {
        out = byteBuddy().transform(module, loader, className, classBeingRedefined, domain, classfile);
        if (out != null) {
          cache.store(className, classfile, out);
        }
      }
      if (out != null) {
        readBridge(module);
        if (verbose) {
          diagnostics.println(
              "[tollgate] transformed " + className.replace('/', '.') + (cached ? " (from the class cache)" : ""));
        }
      }
      return out;
    } catch (Throwable t) {
      report(className.replace('/', '.'), t);
      return null;
    }
  }

  private ClassFileTransformer byteBuddy() throws Exception {
    byteBuddy.run(); // no-op when already run or running elsewhere
    return byteBuddy.get(BUILD_WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** Instrumented code in a named module (java.net.http, java.base) must read the bridge's module. */
  private void readBridge(Module module) {
    Module bridge = Bridge.class.getModule();
    if (module != null && module.isNamed() && !module.canRead(bridge)) {
      inst.redefineModule(
          module,
          Collections.singleton(bridge),
          Collections.emptyMap(),
          Collections.emptyMap(),
          Collections.emptySet(),
          Collections.emptyMap());
    }
  }

  private void report(String className, Throwable t) {
    if (reported.add(className)) {
      diagnostics.println(
          "[tollgate] could not instrument " + className + "; calls through it are not recorded: " + t);
    }
  }
}
