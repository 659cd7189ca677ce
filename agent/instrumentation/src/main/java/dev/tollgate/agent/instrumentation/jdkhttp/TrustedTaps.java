package dev.tollgate.agent.instrumentation.jdkhttp;

import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodySubscriber;
import java.util.Collections;
import java.util.function.BiFunction;

/**
 * Loads {@code TrustedTap} (see its comment: it spares every LLM call a thread hop in the JDK
 * client) into a loader of its own, on first use. Any failure (a JDK without the internal type,
 * a JVM that refuses the export) leaves taps untrusted, which costs the hop and nothing else.
 */
public final class TrustedTaps {
  private static final String TAP = "dev.tollgate.agent.instrumentation.jdkhttp.trusted.TrustedTap";
  private static final String SUBSCRIBER = TAP + "$Subscriber";

  private static volatile Instrumentation instrumentation;
  private static volatile BiFunction<BodySubscriber<Object>, BodySubscriber<Object>, BodySubscriber<Object>> wrapper;
  private static volatile boolean unavailable;

  private TrustedTaps() {}

  /** Called once at installation (loads nothing of java.net.http). */
  public static void setInstrumentation(Instrumentation inst) {
    instrumentation = inst;
  }

  /** {@code tap} made as trusted as {@code application}'s subscriber, or {@code tap} itself. */
  @SuppressWarnings("unchecked")
  static <T> BodySubscriber<T> trusted(BodySubscriber<T> tap, BodySubscriber<T> application) {
    BiFunction<BodySubscriber<Object>, BodySubscriber<Object>, BodySubscriber<Object>> w = wrapper;
    if (w == null) {
      if (unavailable) {
        return tap;
      }
      w = load();
      if (w == null) {
        return tap;
      }
    }
    try {
      return (BodySubscriber<T>) (BodySubscriber<?>) w.apply((BodySubscriber<Object>) tap, (BodySubscriber<Object>) application);
    } catch (Throwable t) {
      return tap;
    }
  }

  @SuppressWarnings("unchecked")
  private static synchronized BiFunction<BodySubscriber<Object>, BodySubscriber<Object>, BodySubscriber<Object>> load() {
    if (wrapper != null || unavailable) {
      return wrapper;
    }
    unavailable = true; // one attempt only
    Instrumentation inst = instrumentation;
    if (inst == null) {
      return null;
    }
    try {
      Loader loader = new Loader();
      inst.redefineModule(
          HttpClient.class.getModule(),
          Collections.emptySet(),
          Collections.singletonMap(
              "jdk.internal.net.http", Collections.singleton(loader.getUnnamedModule())),
          Collections.emptyMap(),
          Collections.emptySet(),
          Collections.emptyMap());
      loader.define(SUBSCRIBER);
      Class<?> tap = loader.define(TAP);
      wrapper =
          (BiFunction<BodySubscriber<Object>, BodySubscriber<Object>, BodySubscriber<Object>>)
              tap.getConstructor().newInstance();
      unavailable = false;
    } catch (Throwable t) {
      // untrusted taps: correct, one thread hop slower
    }
    return wrapper;
  }

  /** Parent: the platform loader, which defines java.net.http; the module is this loader's own. */
  private static final class Loader extends ClassLoader {
    Loader() {
      super(ClassLoader.getPlatformClassLoader());
    }

    Class<?> define(String name) throws Exception {
      byte[] bytes;
      try (InputStream in =
          TrustedTaps.class.getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class")) {
        if (in == null) {
          throw new IllegalStateException("missing " + name);
        }
        bytes = in.readAllBytes();
      }
      return defineClass(name, bytes, 0, bytes.length);
    }
  }
}
