package dev.tollgate.agent.installer;

import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.function.Supplier;

/**
 * Never loaded by the agent's own loader: {@link HelperInjector} defines a copy of this class in a
 * private loader, opens java.lang to that loader's module only, and asks it for {@code
 * ClassLoader}'s protected defining methods made accessible. Uses java.base types only.
 */
public final class DefineClassAccess implements Supplier<Method[]> {
  public DefineClassAccess() {}

  @Override
  public Method[] get() {
    try {
      Method define =
          ClassLoader.class.getDeclaredMethod(
              "defineClass",
              String.class,
              byte[].class,
              int.class,
              int.class,
              ProtectionDomain.class);
      Method findLoaded = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
      Method lock = ClassLoader.class.getDeclaredMethod("getClassLoadingLock", String.class);
      define.setAccessible(true);
      findLoaded.setAccessible(true);
      lock.setAccessible(true);
      return new Method[] {define, findLoaded, lock};
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }
}
