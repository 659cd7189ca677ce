package dev.tollgate.agent.launch;

import java.lang.reflect.Method;
import java.util.function.BiFunction;

/**
 * Never loaded by the agent's own loader: {@link TollgatePremain} defines a copy of this class in a
 * private loader and exports {@code jdk.internal.misc} to that loader's module alone, so that the
 * bootstrap bridge can be defined straight into the bootstrap loader. Appending a jar to the
 * bootstrap search path would do the same, but it makes the JVM turn off class data sharing for
 * every class outside java.base (and print a warning into the application's output). Uses
 * java.base types only.
 */
public final class BootDefiner implements BiFunction<String, byte[], Class<?>> {
  private final Object unsafe;
  private final Method define;

  public BootDefiner() throws ReflectiveOperationException {
    Class<?> type = Class.forName("jdk.internal.misc.Unsafe");
    this.unsafe = type.getMethod("getUnsafe").invoke(null);
    this.define =
        type.getMethod(
            "defineClass",
            String.class,
            byte[].class,
            int.class,
            int.class,
            ClassLoader.class,
            java.security.ProtectionDomain.class);
  }

  /** Defines the class in the bootstrap loader (a null loader). */
  @Override
  public Class<?> apply(String name, byte[] bytes) {
    try {
      return (Class<?>) define.invoke(unsafe, name, bytes, 0, bytes.length, null, null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot define " + name + " in the bootstrap loader", e);
    }
  }
}
