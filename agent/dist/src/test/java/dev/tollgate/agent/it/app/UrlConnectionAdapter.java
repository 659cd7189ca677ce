package dev.tollgate.agent.it.app;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/** java.net.HttpURLConnection, the way most hand-written clients use it. */
public final class UrlConnectionAdapter implements ClientAdapter {
  @Override
  public String name() {
    return "http-url-connection";
  }

  @Override
  public Response call(Request r) {
    HttpURLConnection c = null;
    try {
      c = (HttpURLConnection) new URL(r.url()).openConnection();
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setConnectTimeout(2000);
      c.setReadTimeout(r.timeoutMillis());
      for (var h : r.headers().entrySet()) {
        c.setRequestProperty(h.getKey(), h.getValue());
      }
      try (OutputStream out = c.getOutputStream()) {
        out.write(r.body().getBytes(StandardCharsets.UTF_8));
      }
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      byte[] body;
      try (InputStream s = in) {
        body = s == null ? new byte[0] : Reading.read(s, r.read());
      }
      return new Response(status, body, null);
    } catch (Exception e) {
      return new Response(-1, new byte[0], e.getClass().getName() + ": " + e.getMessage());
    }
  }
}
