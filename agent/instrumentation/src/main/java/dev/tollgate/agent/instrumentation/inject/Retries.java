package dev.tollgate.agent.instrumentation.inject;

import dev.tollgate.agent.bootstrap.Hooks;
import java.io.IOException;
import java.io.InterruptedIOException;

/** The controller's retries, for the clients whose helpers re-send a request themselves. */
public final class Retries {
  private Retries() {}

  /**
   * Waits the delay the controller chose, then starts the next attempt: the new call handle, or a
   * {@link dev.tollgate.agent.bootstrap.Rejection} when the controller refused it (the client
   * throws its error, as for a first attempt).
   */
  public static Object next(Hooks hooks, Object call, long delayNanos) throws IOException {
    try {
      Thread.sleep(delayNanos / 1_000_000L, (int) (delayNanos % 1_000_000L));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
    Object next = hooks.callRetry(call);
    if (next == null) {
      throw new IOException("Tollgate: the retry could not be started");
    }
    return next;
  }
}
