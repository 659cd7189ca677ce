package dev.tollgate.agent.it.app;

import java.nio.charset.StandardCharsets;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;

/**
 * One OkHttp call, written against the API that OkHttp 3, 4 and 5 share; {@link LlmCallsApp} loads
 * this class both from the application class path and from a class loader it creates late.
 */
public final class OkHttpCalls {
  private OkHttpCalls() {}

  /** Returns what the application saw, and where OkHttp and the first interceptor came from. */
  public static String post(String url, String body) throws Exception {
    OkHttpClient client = new OkHttpClient();
    okhttp3.Request request =
        new okhttp3.Request.Builder()
            .url(url)
            .post(
                RequestBody.create(
                    MediaType.parse("application/json"), body.getBytes(StandardCharsets.UTF_8)))
            .build();
    try (okhttp3.Response resp = client.newCall(request).execute()) {
      byte[] bytes = resp.body().bytes();
      Interceptor first = client.interceptors().isEmpty() ? null : client.interceptors().get(0);
      String where =
          OkHttpClient.class.getProtectionDomain().getCodeSource().getLocation().getPath();
      return "status="
          + resp.code()
          + " bytes="
          + bytes.length
          + " okhttp="
          + where.substring(where.lastIndexOf('/') + 1)
          + " interceptors="
          + client.interceptors().size()
          + " first="
          + (first == null ? "none" : first.getClass().getName())
          + " sameLoader="
          + (first != null
              && first.getClass().getClassLoader() == OkHttpClient.class.getClassLoader());
    }
  }
}
