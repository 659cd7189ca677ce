package dev.tollgate.agent.it.app;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.InputStreamEntity;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.DefaultServiceUnavailableRetryStrategy;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;

/** Apache HttpClient 4.5 as code uses it: a built client, a response per call. */
public final class Apache4Calls {
  private Apache4Calls() {}

  /**
   * @param retry503 with the client's own status retry stage, as an application configures it
   *     (the default strategy: one retry of a 503, after a second)
   * @param streamed the body as a streamed entity, which cannot be written twice
   */
  public static String post(String url, String body, boolean retry503, boolean streamed)
      throws Exception {
    HttpClientBuilder builder = HttpClients.custom();
    if (retry503) {
      builder.setServiceUnavailableRetryStrategy(new DefaultServiceUnavailableRetryStrategy());
    }
    try (CloseableHttpClient client = builder.build()) {
      HttpPost post = new HttpPost(url);
      post.setEntity(
          streamed
              ? new InputStreamEntity(
                  new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)),
                  ContentType.APPLICATION_JSON)
              : new StringEntity(body, ContentType.APPLICATION_JSON));
      try (CloseableHttpResponse r = client.execute(post)) {
        return "status="
            + r.getStatusLine().getStatusCode()
            + " bytes="
            + EntityUtils.toByteArray(r.getEntity()).length;
      }
    }
  }
}
