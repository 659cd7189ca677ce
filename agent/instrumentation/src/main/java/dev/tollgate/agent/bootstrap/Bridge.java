package dev.tollgate.agent.bootstrap;

/**
 * The one static entry point inlined advice reaches: a volatile reference to the installed
 * {@link Hooks}. Defined by the bootstrap class loader, so every class loader (the platform
 * loader of java.net.http, an application server's web-app loaders) resolves the same class.
 */
public final class Bridge {
  private Bridge() {}

  public static volatile Hooks hooks = Hooks.NOOP;
}
