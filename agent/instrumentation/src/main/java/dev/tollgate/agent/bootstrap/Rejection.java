package dev.tollgate.agent.bootstrap;

import java.io.IOException;

/**
 * Returned by a hook when the controller refused a call: advice skips the client's method and
 * hands the application this exception instead, the way the client reports its own failures.
 */
public final class Rejection {
  public final IOException error;

  public Rejection(IOException error) {
    this.error = error;
  }
}
