package dev.tollgate.agent.it.app;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** java.net.http.HttpClient, through {@code send} or {@code sendAsync}. */
public final class JdkHttpClientAdapter implements ClientAdapter {
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
  private final boolean async;

  public JdkHttpClientAdapter(boolean async) {
    this.async = async;
  }

  @Override
  public String name() {
    return async ? "jdk-httpclient-async" : "jdk-httpclient";
  }

  @Override
  public Response call(Request r) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(r.url()))
              .timeout(Duration.ofMillis(r.timeoutMillis()))
              .POST(HttpRequest.BodyPublishers.ofString(r.body()));
      r.headers().forEach(b::header);
      HttpRequest request = b.build();
      HttpResponse<InputStream> resp =
          async
              ? client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).get()
              : client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = resp.body()) {
        return new Response(resp.statusCode(), Reading.read(in, r.read()), null);
      }
    } catch (Exception e) {
      Throwable c = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      return new Response(-1, new byte[0], c.getClass().getName() + ": " + c.getMessage());
    }
  }
}
