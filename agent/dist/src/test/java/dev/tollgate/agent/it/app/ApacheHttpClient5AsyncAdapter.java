package dev.tollgate.agent.it.app;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.Timeout;

/**
 * Apache HttpClient 5 async with a streaming response consumer that collects the body as it
 * arrives. To stop reading after the first chunk the consumer throws a CancellationException:
 * cancelling the returned future alone does not stop an exchange on a pooled connection (the data
 * keeps flowing into the consumer), so an application that means to stop must abort it there.
 */
public final class ApacheHttpClient5AsyncAdapter implements ClientAdapter {
  private final CloseableHttpAsyncClient client =
      HttpAsyncClients.custom()
          .setConnectionManager(
              PoolingAsyncClientConnectionManagerBuilder.create()
                  .setDefaultConnectionConfig(
                      ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(2)).build())
                  .build())
          // The contract counts one span per call; the client's own retries of 429/503 (one
          // call per attempt) are checked by ApacheRetryIT.
          .disableAutomaticRetries()
          .build();

  public ApacheHttpClient5AsyncAdapter() {
    client.start();
  }

  @Override
  public String name() {
    return "apache-httpclient-5-async";
  }

  @Override
  public Response call(Request r) {
    try {
      AsyncRequestBuilder b =
          AsyncRequestBuilder.post(r.url())
              .setEntity(AsyncEntityProducers.create(r.body(), ContentType.APPLICATION_JSON));
      r.headers().forEach(b::setHeader);
      AsyncRequestProducer producer = b.build();
      HttpClientContext context = HttpClientContext.create();
      context.setRequestConfig(
          RequestConfig.custom()
              .setResponseTimeout(r.timeoutMillis(), TimeUnit.MILLISECONDS)
              .build());
      StreamingConsumer consumer = new StreamingConsumer(r.read() == Read.FIRST_CHUNK_THEN_CLOSE);
      Future<byte[]> f = client.execute(producer, consumer, context, null);
      if (r.read() == Read.FIRST_CHUNK_THEN_CLOSE) {
        byte[] first = consumer.firstChunk.get(10, TimeUnit.SECONDS);
        f.cancel(true);
        return new Response(
            consumer.status, Arrays.copyOf(first, Math.min(64, first.length)), null);
      }
      byte[] body = f.get();
      return new Response(consumer.status, body, null);
    } catch (Exception e) {
      Throwable c = e instanceof ExecutionException ? e.getCause() : e;
      return new Response(-1, new byte[0], c.getClass().getName() + ": " + c.getMessage());
    }
  }

  private static final class StreamingConsumer implements AsyncResponseConsumer<byte[]> {
    final CompletableFuture<byte[]> firstChunk = new CompletableFuture<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final boolean firstOnly;
    private volatile FutureCallback<byte[]> result;
    volatile int status = -1;

    StreamingConsumer(boolean firstOnly) {
      this.firstOnly = firstOnly;
    }

    @Override
    public void consumeResponse(
        HttpResponse response,
        EntityDetails entityDetails,
        HttpContext context,
        FutureCallback<byte[]> resultCallback) {
      status = response.getCode();
      result = resultCallback;
      if (entityDetails == null) {
        resultCallback.completed(new byte[0]);
      }
    }

    @Override
    public void informationResponse(HttpResponse response, HttpContext context) {}

    @Override
    public void updateCapacity(CapacityChannel capacityChannel) throws java.io.IOException {
      capacityChannel.update(Integer.MAX_VALUE);
    }

    @Override
    public void consume(ByteBuffer src) {
      byte[] b = new byte[src.remaining()];
      src.get(b);
      synchronized (body) {
        body.write(b, 0, b.length);
      }
      if (b.length > 0) {
        firstChunk.complete(b);
        if (firstOnly) {
          throw new java.util.concurrent.CancellationException("the application stopped reading");
        }
      }
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) {
      byte[] all;
      synchronized (body) {
        all = body.toByteArray();
      }
      result.completed(all);
    }

    @Override
    public void failed(Exception cause) {
      firstChunk.completeExceptionally(cause);
    }

    @Override
    public void releaseResources() {}
  }
}
