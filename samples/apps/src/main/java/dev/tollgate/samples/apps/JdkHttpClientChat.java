package dev.tollgate.samples.apps;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;

/** Chat completions with java.net.http.HttpClient, blocking then streaming. */
public final class JdkHttpClientChat {
  private JdkHttpClientChat() {}

  public static void main(String[] args) throws Exception {
    run(new Cli(args, System.getenv()), System.out);
  }

  static void run(Cli cli, PrintStream out) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI uri = URI.create(Llm.endpoint(cli.baseUrl(), "/chat/completions"));
    if (cli.blocking()) {
      HttpResponse<String> r =
          client.send(request(uri, cli, false), HttpResponse.BodyHandlers.ofString());
      check(r.statusCode(), r.body());
      JsonNode body = Llm.parse(r.body());
      out.println("blocking: " + Llm.answer(body) + " (" + Llm.usage(body.get("usage")) + ")");
    }
    if (cli.streaming()) {
      HttpResponse<java.util.stream.Stream<String>> r =
          client.send(request(uri, cli, true), HttpResponse.BodyHandlers.ofLines());
      if (r.statusCode() / 100 != 2) {
        check(r.statusCode(), String.join("\n", r.body().toList()));
      }
      Llm.Stream s = new Llm.Stream();
      out.print("streaming: ");
      for (Iterator<String> it = r.body().iterator(); it.hasNext(); ) {
        String text = s.line(it.next());
        if (text != null) {
          out.print(text);
          out.flush();
        }
      }
      out.println(" (" + Llm.usage(s.usage) + ")");
    }
  }

  private static HttpRequest request(URI uri, Cli cli, boolean stream) {
    return HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + cli.apiKey())
        .header("Content-Type", "application/json")
        .POST(
            HttpRequest.BodyPublishers.ofString(Llm.chatRequest(cli.model(), cli.prompt(), stream)))
        .build();
  }

  static void check(int status, String body) {
    if (status / 100 != 2) {
      throw new IllegalStateException("HTTP " + status + ": " + body);
    }
  }
}
