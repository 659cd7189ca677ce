package dev.tollgate.controller.time;

/**
 * The controller's only source of time: a monotonic nanosecond counter for every interval, plus the
 * wall clock for the few places that talk to humans or servers in calendar time (an HTTP-date
 * {@code Retry-After}, "tried again at" in an exception message). Injected everywhere so tests run
 * on a {@link FakeClock} and never sleep.
 */
public interface NanoClock {
  /** Monotonic nanoseconds with an arbitrary origin, like {@link System#nanoTime()}. */
  long nanoTime();

  /** Wall-clock milliseconds since the epoch, like {@link System#currentTimeMillis()}. */
  default long epochMillis() {
    return System.currentTimeMillis();
  }

  /** The JVM's clocks. */
  NanoClock SYSTEM = System::nanoTime;
}
