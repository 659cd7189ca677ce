package dev.tollgate.agent.instrumentation.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/**
 * The JDK client's side of the include_usage filter: the application's demand is honoured exactly
 * (an item that yields nothing yet is made good by asking the client for one more), and an event
 * cut short at the end waits for demand before it and the completion are delivered.
 */
class UsageFilterSubscriberTest {
  private static final String NULL_CHUNK = "data: {\"id\":\"x\",\"choices\":[{}],\"usage\":null}\n\n";
  private static final String USAGE_CHUNK =
      "data: {\"id\":\"x\",\"choices\":[],\"usage\":{\"prompt_tokens\":1}}\n\n";
  private static final String CLEAN_CHUNK = "data: {\"id\":\"x\",\"choices\":[{}]}\n\n";

  @Test
  void passesOtherResponsesToTheApplicationsOwnSubscriber() {
    App app = new App(1);
    assertThat(UsageFilterSubscriber.wrap(app, info(200, "application/json"))).isSameAs(app);
    assertThat(UsageFilterSubscriber.wrap(app, info(500, "text/event-stream"))).isSameAs(app);
  }

  @Test
  void oneItemAtATime_theApplicationGetsTheFilteredEventsAndTheClientIsAskedForWhatIsOwed() {
    App app = new App(1);
    HttpResponse.BodySubscriber<String> s = UsageFilterSubscriber.wrap(app, info(200, "text/event-stream"));
    Upstream up = new Upstream();
    s.onSubscribe(up);
    assertThat(up.requested).isEqualTo(1);
    String stream = NULL_CHUNK + USAGE_CHUNK + "data: [DONE]\n\n";
    byte[] b = stream.getBytes(StandardCharsets.UTF_8);
    // Items of 9 bytes: most end inside an event and give the application nothing yet.
    for (int i = 0; i < b.length; i += 9) {
      assertThat(up.requested).as("the client may send only what was asked").isGreaterThan(up.sent);
      up.sent++;
      s.onNext(List.of(ByteBuffer.wrap(b, i, Math.min(9, b.length - i)).slice()));
    }
    s.onComplete();
    assertThat(app.body()).isEqualTo(CLEAN_CHUNK + "data: [DONE]\n\n");
    assertThat(app.items).as("one item per complete event").isEqualTo(2);
    assertThat(app.completed).isTrue();
  }

  @Test
  void anEventCutShortAtTheEndWaitsForDemand() {
    App app = new App(0); // asks for nothing until told
    HttpResponse.BodySubscriber<String> s = UsageFilterSubscriber.wrap(app, info(200, "text/event-stream"));
    Upstream up = new Upstream();
    s.onSubscribe(up);
    app.subscription.request(1);
    byte[] b = (NULL_CHUNK + "data: {\"id\"").getBytes(StandardCharsets.UTF_8);
    s.onNext(List.of(ByteBuffer.wrap(b)));
    assertThat(app.body()).isEqualTo(CLEAN_CHUNK);
    s.onComplete();
    assertThat(app.completed).as("the rest comes first").isFalse();
    app.subscription.request(1);
    assertThat(app.body()).isEqualTo(CLEAN_CHUNK + "data: {\"id\"");
    assertThat(app.completed).isTrue();
  }

  @Test
  void anErrorMidEventDeliversWhatArrivedThenTheError() {
    App app = new App(Long.MAX_VALUE);
    HttpResponse.BodySubscriber<String> s = UsageFilterSubscriber.wrap(app, info(200, "text/event-stream"));
    s.onSubscribe(new Upstream());
    byte[] b = "data: {\"id\"".getBytes(StandardCharsets.UTF_8);
    s.onNext(List.of(ByteBuffer.wrap(b).asReadOnlyBuffer()));
    IOException reset = new IOException("connection reset");
    s.onError(reset);
    assertThat(app.body()).isEqualTo("data: {\"id\"");
    assertThat(app.error).isSameAs(reset);
  }

  private static HttpResponse.ResponseInfo info(int status, String contentType) {
    HttpHeaders h = HttpHeaders.of(Map.of("content-type", List.of(contentType)), (k, v) -> true);
    return new HttpResponse.ResponseInfo() {
      @Override
      public int statusCode() {
        return status;
      }

      @Override
      public HttpHeaders headers() {
        return h;
      }

      @Override
      public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
      }
    };
  }

  private static final class Upstream implements Flow.Subscription {
    long requested;
    long sent;

    @Override
    public void request(long n) {
      requested += n;
    }

    @Override
    public void cancel() {}
  }

  /** The application's subscriber: asks for {@code initial}, then one more per item. */
  private static final class App implements HttpResponse.BodySubscriber<String> {
    private final long initial;
    Flow.Subscription subscription;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int items;
    boolean completed;
    Throwable error;

    App(long initial) {
      this.initial = initial;
    }

    @Override
    public CompletionStage<String> getBody() {
      return new CompletableFuture<>();
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (initial > 0) {
        s.request(initial);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      items++;
      for (ByteBuffer b : item) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        bytes.write(a, 0, a.length);
      }
      if (initial > 0) {
        subscription.request(1);
      }
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onComplete() {
      completed = true;
    }

    String body() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }
}
