package dev.tollgate.agent.instrumentation.jdkhttp;

import dev.tollgate.agent.core.rewrite.IncludeUsage;
import dev.tollgate.agent.core.rewrite.UsageChunkFilter;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The opt-in include_usage on the JDK client: between the tap (which sees the stream as it came,
 * usage included) and the application's own subscriber, which gets the stream with what the
 * agent's request added taken out again ({@link UsageChunkFilter}).
 *
 * <p>The filter holds an event until its blank line, so an item from the client may yield nothing
 * for the application yet. Such an item is made good by asking the client for one more, so the
 * application's demand and the client's stay equal. The one case that needs an item the client
 * never sends is an event cut short at the end of the body: its bytes go out as one more item once
 * the application has demand for it, then the completion (or the error) follows.
 */
final class UsageFilterSubscriber<T> implements HttpResponse.BodySubscriber<T> {
  private final HttpResponse.BodySubscriber<T> app;
  private final UsageChunkFilter filter = new UsageChunkFilter();
  private Flow.Subscription upstream;
  private byte[] scratch;

  private final Object lock = new Object();
  /** The application's outstanding demand. Guarded by {@link #lock}. */
  private long demand;
  /** Bytes held back at the end of the body, and the signal to send after them. */
  private byte[] tail;

  private Throwable tailError;
  private boolean tailPending;

  private UsageFilterSubscriber(HttpResponse.BodySubscriber<T> app) {
    this.app = app;
  }

  /** Wraps the application's subscriber when the response is a stream the filter can edit. */
  static <T> HttpResponse.BodySubscriber<T> wrap(
      HttpResponse.BodySubscriber<T> app, HttpResponse.ResponseInfo info) {
    String type = info.headers().firstValue("content-type").orElse(null);
    String encoding = info.headers().firstValue("content-encoding").orElse(null);
    if (!IncludeUsage.filters(info.statusCode(), type, encoding)) {
      return app;
    }
    return new UsageFilterSubscriber<>(app);
  }

  @Override
  public CompletionStage<T> getBody() {
    return app.getBody();
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    upstream = subscription;
    app.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {
            byte[] rest = null;
            Throwable error = null;
            boolean deliver = false;
            synchronized (lock) {
              if (n > 0) {
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
              }
              if (tailPending) {
                tailPending = false;
                deliver = true;
                rest = tail;
                error = tailError;
                tail = null;
              }
            }
            if (deliver) {
              finish(rest, error);
            } else {
              subscription.request(n); // n <= 0 too: the client reports that error itself
            }
          }

          @Override
          public void cancel() {
            subscription.cancel();
          }
        });
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    for (int i = 0, n = item.size(); i < n; i++) {
      write(item.get(i));
    }
    byte[] out = filter.drain();
    if (out == null) {
      upstream.request(1); // nothing for the application yet: ask for the item it is owed
      return;
    }
    synchronized (lock) {
      demand--;
    }
    app.onNext(List.of(ByteBuffer.wrap(out)));
  }

  private void write(ByteBuffer b) {
    int n = b.remaining();
    if (n == 0) {
      return;
    }
    if (b.hasArray()) {
      filter.write(b.array(), b.arrayOffset() + b.position(), n);
      return;
    }
    ByteBuffer view = b.duplicate();
    if (scratch == null) {
      scratch = new byte[8192];
    }
    while (view.hasRemaining()) {
      int k = Math.min(view.remaining(), scratch.length);
      view.get(scratch, 0, k);
      filter.write(scratch, 0, k);
    }
  }

  @Override
  public void onError(Throwable throwable) {
    end(throwable);
  }

  @Override
  public void onComplete() {
    end(null);
  }

  private void end(Throwable error) {
    filter.end();
    byte[] rest = filter.drain();
    if (rest != null) {
      synchronized (lock) {
        if (demand <= 0) {
          // Sent when the application asks for more (see request above).
          tail = rest;
          tailError = error;
          tailPending = true;
          return;
        }
      }
    }
    finish(rest, error);
  }

  private void finish(byte[] rest, Throwable error) {
    if (rest != null) {
      synchronized (lock) {
        demand--;
      }
      app.onNext(List.of(ByteBuffer.wrap(rest)));
    }
    if (error == null) {
      app.onComplete();
    } else {
      app.onError(error);
    }
  }
}
