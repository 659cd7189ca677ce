package dev.tollgate.controller.time;

import java.util.concurrent.locks.LockSupport;

/**
 * How a thread waits. Every wait in the controller is a loop of {@code park} calls checked against
 * a {@link NanoClock} deadline, so an implementation may return early (an unpark, an interrupt or a
 * spurious wake-up) and the caller simply parks again. A test supplies {@link FakeClock}, whose
 * {@code park} advances fake time instead of blocking.
 */
public interface Sleeper {
  /** Parks the current thread for at most {@code nanos}; may return early. */
  void park(long nanos);

  /** {@link LockSupport#parkNanos(long)}: returns early on unpark or interrupt. */
  Sleeper SYSTEM = LockSupport::parkNanos;
}
