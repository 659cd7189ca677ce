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
  /** The controller's permit (a {@code dev.tollgate.controller.Admission}), or null when ungoverned. */
  private Object admission;
  /** The request's {@code x-stainless-retry-count}, -1 when absent. */
  private int sdkRetryCount = -1;

  TrackedCall(LlmCall call) {
    this.call = call;
  }

  /** The response tap, or null before the response headers arrived. */
  public ResponseTap tap() {
    return tap;
  }

  public Object admission() {
    return admission;
  }

  public void admission(Object a) {
    admission = a;
  }

  public int sdkRetryCount() {
    return sdkRetryCount;
  }

  public void sdkRetryCount(int n) {
    sdkRetryCount = n;
  }

  boolean markFinished() {
    return FINISHED.compareAndSet(this, 0, 1);
  }

  public boolean isFinished() {
    return finished != 0;
  }
}
