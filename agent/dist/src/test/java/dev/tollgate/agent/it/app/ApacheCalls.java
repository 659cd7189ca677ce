package dev.tollgate.agent.it.app;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;

/** Apache HttpClient 5 as most code uses it: default clients, default retry behaviour. */
public final class ApacheCalls {
  private ApacheCalls() {}

  public static String classic(String url, String body) throws Exception {
    try (CloseableHttpClient client = HttpClients.createDefault()) {
      HttpPost post = new HttpPost(url);
      post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
      return client.execute(
          post,
          r -> "status=" + r.getCode() + " bytes=" + EntityUtils.toByteArray(r.getEntity()).length);
    }
  }

  /**
   * The same with a streamed entity, which cannot be written twice: neither the client's retry
   * stage nor Tollgate may send it again.
   */
  public static String classicStreamed(String url, String body) throws Exception {
    try (CloseableHttpClient client = HttpClients.createDefault()) {
      HttpPost post = new HttpPost(url);
      post.setEntity(
          new InputStreamEntity(
              new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)),
              ContentType.APPLICATION_JSON));
      return client.execute(
          post,
          r -> "status=" + r.getCode() + " bytes=" + EntityUtils.toByteArray(r.getEntity()).length);
    }
  }

  public static String async(String url, String body) throws Exception {
    try (CloseableHttpAsyncClient client = HttpAsyncClients.createDefault()) {
      client.start();
      SimpleHttpRequest request =
          SimpleRequestBuilder.post(url).setBody(body, ContentType.APPLICATION_JSON).build();
      SimpleHttpResponse r = client.execute(request, null).get(30, TimeUnit.SECONDS);
      return "status=" + r.getCode() + " bytes=" + r.getBodyBytes().length;
    }
  }
}
