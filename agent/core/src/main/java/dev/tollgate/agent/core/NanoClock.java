package dev.tollgate.agent.core;

/** Monotonic time in nanoseconds. Injected everywhere time matters so tests can use a fake. */
public interface NanoClock {
  long nanoTime();

  NanoClock SYSTEM = System::nanoTime;
}
