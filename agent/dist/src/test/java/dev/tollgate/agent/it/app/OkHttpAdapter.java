package dev.tollgate.agent.it.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;

/**
 * OkHttp through {@code execute} or {@code enqueue}. Compiled against OkHttp 5 and run on 3.x, 4.x
 * and 5.x alike (only API all three share). Each call makes a client with its own read timeout by
 * {@code newBuilder()}, as applications do, which also checks that the agent's interceptor is
 * copied rather than added twice.
 */
public final class OkHttpAdapter implements ClientAdapter {
  // Daemon dispatcher threads: OkHttp's own idle for a minute before the JVM may exit.
  private final OkHttpClient client =
      new OkHttpClient.Builder()
          .connectTimeout(2, TimeUnit.SECONDS)
          .dispatcher(
              new Dispatcher(
                  Executors.newCachedThreadPool(
                      r -> {
                        Thread t = new Thread(r, "okhttp-dispatcher");
                        t.setDaemon(true);
                        return t;
                      })))
          .build();
  private final boolean async;

  public OkHttpAdapter(boolean async) {
    this.async = async;
  }

  @Override
  public String name() {
    return async ? "okhttp-async" : "okhttp";
  }

  @Override
  public Response call(Request r) {
    try {
      OkHttpClient c =
          client.newBuilder().readTimeout(r.timeoutMillis(), TimeUnit.MILLISECONDS).build();
      okhttp3.Request.Builder b =
          new okhttp3.Request.Builder()
              .url(r.url())
              .post(
                  RequestBody.create(
                      MediaType.parse("application/json"),
                      r.body().getBytes(StandardCharsets.UTF_8)));
      r.headers().forEach(b::header);
      okhttp3.Response resp =
          async ? enqueue(c.newCall(b.build())) : c.newCall(b.build()).execute();
      try (InputStream in = resp.body().byteStream()) {
        return new Response(resp.code(), Reading.read(in, r.read()), null);
      }
    } catch (Exception e) {
      Throwable c = e instanceof ExecutionException ? e.getCause() : e;
      return new Response(-1, new byte[0], c.getClass().getName() + ": " + c.getMessage());
    }
  }

  private static okhttp3.Response enqueue(Call call) throws Exception {
    CompletableFuture<okhttp3.Response> f = new CompletableFuture<>();
    call.enqueue(
        new Callback() {
          @Override
          public void onFailure(Call call, IOException e) {
            f.completeExceptionally(e);
          }

          @Override
          public void onResponse(Call call, okhttp3.Response response) {
            f.complete(response);
          }
        });
    return f.get();
  }
}
