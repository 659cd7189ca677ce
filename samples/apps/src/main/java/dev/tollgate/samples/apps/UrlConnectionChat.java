package dev.tollgate.samples.apps;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/** Chat completions with the JDK's HttpURLConnection, blocking then streaming. */
public final class UrlConnectionChat {
  private UrlConnectionChat() {}

  public static void main(String[] args) throws Exception {
    run(new Cli(args, System.getenv()), System.out);
  }

  static void run(Cli cli, PrintStream out) throws Exception {
    URL url = new URL(Llm.endpoint(cli.baseUrl(), "/chat/completions"));
    if (cli.blocking()) {
      HttpURLConnection c = post(url, cli, false);
      String body;
      try (InputStream in = stream(c)) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      JdkHttpClientChat.check(c.getResponseCode(), body);
      JsonNode json = Llm.parse(body);
      out.println("blocking: " + Llm.answer(json) + " (" + Llm.usage(json.get("usage")) + ")");
    }
    if (cli.streaming()) {
      HttpURLConnection c = post(url, cli, true);
      if (c.getResponseCode() / 100 != 2) {
        try (InputStream in = stream(c)) {
          JdkHttpClientChat.check(
              c.getResponseCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
      Llm.Stream s = new Llm.Stream();
      out.print("streaming: ");
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(stream(c), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          String text = s.line(line);
          if (text != null) {
            out.print(text);
            out.flush();
          }
        }
      }
      out.println(" (" + Llm.usage(s.usage) + ")");
    }
  }

  private static HttpURLConnection post(URL url, Cli cli, boolean stream) throws Exception {
    HttpURLConnection c = (HttpURLConnection) url.openConnection();
    c.setRequestMethod("POST");
    c.setConnectTimeout(5_000);
    c.setReadTimeout(60_000);
    c.setDoOutput(true);
    c.setRequestProperty("Authorization", "Bearer " + cli.apiKey());
    c.setRequestProperty("Content-Type", "application/json");
    try (OutputStream o = c.getOutputStream()) {
      o.write(Llm.chatRequest(cli.model(), cli.prompt(), stream).getBytes(StandardCharsets.UTF_8));
    }
    return c;
  }

  private static InputStream stream(HttpURLConnection c) throws Exception {
    return c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream();
  }
}
