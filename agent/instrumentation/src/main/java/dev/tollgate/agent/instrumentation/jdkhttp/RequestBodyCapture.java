package dev.tollgate.agent.instrumentation.jdkhttp;

import dev.tollgate.agent.core.CallTracker;
import dev.tollgate.agent.core.TrackedCall;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * Reads the request body of an LLM call to find the model, stream flag and max tokens.
 *
 * <p>A body publisher may be single-use (an InputStream, a file being written), and subscribing
 * to one twice would steal the application's bytes. So only the JDK's in-memory publishers
 * ({@code ofString}, {@code ofByteArray}), which replay their array to every subscriber, are read,
 * and only when they deliver synchronously; anything else is left alone and the request model is
 * taken from the response instead.
 */
final class RequestBodyCapture {
  private RequestBodyCapture() {}

  private static final String BYTE_ARRAY_PUBLISHER =
      "jdk.internal.net.http.RequestPublishers$ByteArrayPublisher";

  static void capture(CallTracker tracker, TrackedCall call, HttpRequest request) {
    HttpRequest.BodyPublisher publisher = request.bodyPublisher().orElse(null);
    if (publisher == null || !isReplayable(publisher.getClass())) {
      return;
    }
    long length = publisher.contentLength();
    if (length <= 0) {
      return;
    }
    int limit = (int) Math.min(length, CallTracker.REQUEST_CAPTURE_LIMIT);
    Collector c = new Collector(limit);
    publisher.subscribe(c);
    if (c.done) {
      tracker.requestBody(call, c.bytes, 0, c.size, length > limit);
    } else {
      c.cancel();
    }
  }

  /**
   * The whole body of a replayable in-memory publisher, when it is shorter than {@code max} bytes;
   * null for anything else (a stream, a file, a body of unknown or larger length).
   */
  static byte[] whole(HttpRequest request, int max) {
    HttpRequest.BodyPublisher publisher = request.bodyPublisher().orElse(null);
    if (publisher == null || !isReplayable(publisher.getClass())) {
      return null;
    }
    long length = publisher.contentLength();
    if (length <= 0 || length >= max) {
      return null;
    }
    Collector c = new Collector((int) length);
    publisher.subscribe(c);
    if (!c.done || c.size != length) {
      c.cancel();
      return null;
    }
    return c.bytes;
  }

  private static boolean isReplayable(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (c.getName().equals(BYTE_ARRAY_PUBLISHER)) {
        return true;
      }
    }
    return false;
  }

  private static final class Collector implements Flow.Subscriber<ByteBuffer> {
    final byte[] bytes;
    int size;
    volatile boolean done;
    private Flow.Subscription subscription;

    Collector(int limit) {
      bytes = new byte[limit];
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ByteBuffer item) {
      int n = Math.min(item.remaining(), bytes.length - size);
      item.duplicate().get(bytes, size, n);
      size += n;
      if (size == bytes.length) {
        done = true;
        subscription.cancel();
      }
    }

    @Override
    public void onError(Throwable throwable) {}

    @Override
    public void onComplete() {
      done = true;
    }

    void cancel() {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }
}
