package dev.tollgate.agent.core;

import dev.tollgate.agent.core.call.LlmCall;
import dev.tollgate.agent.core.parse.ResponseTap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One recognized call in flight: the record being filled in, the tap on its response body, and a
 * once-only guard so that a call reported from two places (say, end of body and disconnect) is
 * exported exactly once.
 */
public final class TrackedCall {
  private static final AtomicIntegerFieldUpdater<TrackedCall> FINISHED =
      AtomicIntegerFieldUpdater.newUpdater(TrackedCall.class, "finished");

  public final LlmCall call;
  ResponseTap tap;
  private volatile int finished;

  TrackedCall(LlmCall call) {
    this.call = call;
  }

  /** The response tap, or null before the response headers arrived. */
  public ResponseTap tap() {
    return tap;
  }

  boolean markFinished() {
    return FINISHED.compareAndSet(this, 0, 1);
  }

  public boolean isFinished() {
    return finished != 0;
  }
}
