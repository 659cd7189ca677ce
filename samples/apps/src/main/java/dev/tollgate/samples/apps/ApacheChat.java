package dev.tollgate.samples.apps;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

/** Chat completions with Apache HttpClient 5 (classic API), blocking then streaming. */
public final class ApacheChat {
  private ApacheChat() {}

  public static void main(String[] args) throws Exception {
    run(new Cli(args, System.getenv()), System.out);
  }

  static void run(Cli cli, PrintStream out) throws Exception {
    String url = Llm.endpoint(cli.baseUrl(), "/chat/completions");
    try (CloseableHttpClient client = HttpClients.createDefault()) {
      if (cli.blocking()) {
        String line =
            client.execute(
                post(url, cli, false),
                response -> {
                  String body = EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
                  JdkHttpClientChat.check(response.getCode(), body);
                  JsonNode json = Llm.parse(body);
                  return Llm.answer(json) + " (" + Llm.usage(json.get("usage")) + ")";
                });
        out.println("blocking: " + line);
      }
      if (cli.streaming()) {
        out.print("streaming: ");
        Llm.Stream s =
            client.execute(
                post(url, cli, true),
                response -> {
                  if (response.getCode() / 100 != 2) {
                    JdkHttpClientChat.check(
                        response.getCode(),
                        EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8));
                  }
                  Llm.Stream st = new Llm.Stream();
                  try (BufferedReader r =
                      new BufferedReader(
                          new InputStreamReader(
                              response.getEntity().getContent(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                      String text = st.line(l);
                      if (text != null) {
                        out.print(text);
                        out.flush();
                      }
                    }
                  }
                  return st;
                });
        out.println(" (" + Llm.usage(s.usage) + ")");
      }
    }
  }

  private static HttpPost post(String url, Cli cli, boolean stream) {
    HttpPost p = new HttpPost(url);
    p.setHeader("Authorization", "Bearer " + cli.apiKey());
    p.setEntity(
        new StringEntity(
            Llm.chatRequest(cli.model(), cli.prompt(), stream), ContentType.APPLICATION_JSON));
    return p;
  }
}
