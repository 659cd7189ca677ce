package dev.tollgate.agent.it.app;

import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/** Apache HttpClient 5 classic, the way most services use it: one client, a response per call. */
public final class ApacheHttpClient5Adapter implements ClientAdapter {
  private final CloseableHttpClient client =
      HttpClients.custom()
          .setConnectionManager(
              PoolingHttpClientConnectionManagerBuilder.create()
                  .setDefaultConnectionConfig(
                      ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(2)).build())
                  .build())
          // The contract counts one span per call; the client's own retries of 429/503 (one
          // call per attempt) are checked by ApacheRetryIT.
          .disableAutomaticRetries()
          .build();

  @Override
  public String name() {
    return "apache-httpclient-5";
  }

  @Override
  @SuppressWarnings("deprecation")
  public Response call(Request r) {
    HttpPost post = new HttpPost(r.url());
    post.setConfig(
        RequestConfig.custom()
            .setResponseTimeout(r.timeoutMillis(), TimeUnit.MILLISECONDS)
            .build());
    r.headers().forEach(post::setHeader);
    post.setEntity(new StringEntity(r.body(), ContentType.APPLICATION_JSON));
    try (CloseableHttpResponse resp = client.execute(post)) {
      HttpEntity entity = resp.getEntity();
      byte[] body = new byte[0];
      if (entity != null) {
        try (InputStream in = entity.getContent()) {
          body = Reading.read(in, r.read());
        }
      }
      return new Response(resp.getCode(), body, null);
    } catch (Exception e) {
      return new Response(-1, new byte[0], e.getClass().getName() + ": " + e.getMessage());
    }
  }
}
