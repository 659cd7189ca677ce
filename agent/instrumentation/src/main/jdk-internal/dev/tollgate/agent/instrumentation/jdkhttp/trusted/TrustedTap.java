package dev.tollgate.agent.instrumentation.jdkhttp.trusted;

import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.BiFunction;
import jdk.internal.net.http.ResponseSubscribers.TrustedSubscriber;

/**
 * Puts the agent's tapping subscriber in front of the application's without costing a thread hop.
 *
 * <p>The JDK client calls {@code getBody()} of a subscriber it does not know on its executor, in
 * case it blocks; its own subscribers (byte arrays, strings, input streams, lines) are "trusted"
 * and called in place. A tap of unknown class in front of a trusted subscriber would therefore add
 * a hand-off to another thread to every LLM call. This class says what the application's own
 * subscriber says: trusted, and needing an executor exactly when the application's does.
 *
 * <p>Compiled apart from the agent (it implements a type of the non-exported package {@code
 * jdk.internal.net.http}) and defined by a loader of its own, to whose module alone that package is
 * exported ({@code JdkHttpHelpers}). Uses java.base and java.net.http types only. When any of this
 * fails (another JDK), the tap stays untrusted, as before.
 */
public final class TrustedTap
    implements BiFunction<BodySubscriber<Object>, BodySubscriber<Object>, BodySubscriber<Object>> {
  public TrustedTap() {}

  /** Wraps {@code tap}, which delivers to {@code application}. */
  @Override
  public BodySubscriber<Object> apply(BodySubscriber<Object> tap, BodySubscriber<Object> application) {
    return new Subscriber<>(tap, TrustedSubscriber.needsExecutor(application));
  }

  private static final class Subscriber<T> implements TrustedSubscriber<T> {
    private final BodySubscriber<T> tap;
    private final boolean needsExecutor;

    Subscriber(BodySubscriber<T> tap, boolean needsExecutor) {
      this.tap = tap;
      this.needsExecutor = needsExecutor;
    }

    @Override
    public boolean needsExecutor() {
      return needsExecutor;
    }

    @Override
    public CompletionStage<T> getBody() {
      return tap.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      tap.onSubscribe(subscription);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      tap.onNext(item);
    }

    @Override
    public void onError(Throwable throwable) {
      tap.onError(throwable);
    }

    @Override
    public void onComplete() {
      tap.onComplete();
    }
  }
}
