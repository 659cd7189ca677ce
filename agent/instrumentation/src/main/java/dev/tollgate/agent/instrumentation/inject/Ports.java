package dev.tollgate.agent.instrumentation.inject;

/** Small shared facts. */
public final class Ports {
  private Ports() {}

  /** The port a client will use when none is given. */
  public static int effective(String scheme, int port) {
    if (port > 0) {
      return port;
    }
    return "https".equalsIgnoreCase(scheme) ? 443 : 80;
  }
}
