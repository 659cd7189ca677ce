package dev.tollgate.agent.it.app;

import java.io.InputStream;
import org.apache.http.HttpEntity;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

/** Apache HttpClient 4.5, built by {@code HttpClients.custom()}. */
public final class ApacheHttpClient4Adapter implements ClientAdapter {
  private final CloseableHttpClient client = HttpClients.custom().build();

  @Override
  public String name() {
    return "apache-httpclient-4";
  }

  @Override
  public Response call(Request r) {
    HttpPost post = new HttpPost(r.url());
    post.setConfig(
        RequestConfig.custom().setConnectTimeout(2000).setSocketTimeout(r.timeoutMillis()).build());
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
      return new Response(resp.getStatusLine().getStatusCode(), body, null);
    } catch (Exception e) {
      return new Response(-1, new byte[0], e.getClass().getName() + ": " + e.getMessage());
    }
  }
}
