package dev.tollgate.e2e.app;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A service that knows nothing of Tollgate: makes a fixed mix of LLM calls and prints one line
 * per call with the status it saw.
 *
 * <p>Arguments: base URL, blocking OpenAI calls, streamed Anthropic calls, calls answered 429,
 * calls to a refused port.
 */
public final class ChatApp {
  public static void main(String[] args) throws Exception {
    String base = args[0];
    int blocking = Integer.parseInt(args[1]);
    int streamed = Integer.parseInt(args[2]);
    int limited = Integer.parseInt(args[3]);
    int refusedPort = Integer.parseInt(args[4]);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (int i = 0; i < blocking; i++) {
      call(client, base + "/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }
    for (int i = 0; i < streamed; i++) {
      call(client, base + "/v1/messages", "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":512,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }
    for (int i = 0; i < limited; i++) {
      call(client, base + "/limited/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}");
    }
    call(client, "http://127.0.0.1:" + refusedPort + "/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}");
  }

  private static void call(HttpClient client, String url, String body) {
    try {
      HttpResponse<InputStream> r =
          client.send(
              HttpRequest.newBuilder(URI.create(url))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        in.readAllBytes();
      }
      System.out.println(r.statusCode());
    } catch (Exception e) {
      System.out.println("error " + e.getClass().getSimpleName());
    }
  }
}
