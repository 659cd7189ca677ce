package dev.tollgate.samples.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;

/** Runs a Dify workflow with the JDK client and streams its text chunks. */
public final class DifyWorkflowClient {
  private DifyWorkflowClient() {}

  public static void main(String[] args) throws Exception {
    run(new Cli(args, System.getenv()), System.out);
  }

  static void run(Cli cli, PrintStream out) throws Exception {
    String base = cli.get("base-url", "DIFY_BASE_URL", null);
    if (base == null) {
      base = cli.baseUrl();
    }
    ObjectNode body = Llm.JSON.createObjectNode();
    body.putObject("inputs").put("query", cli.prompt());
    body.put("response_mode", "streaming");
    body.put("user", "sample-user");
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(Llm.endpoint(base, "/workflows/run")))
            .timeout(Duration.ofSeconds(120))
            .header("Authorization", "Bearer " + cli.get("api-key", "DIFY_API_KEY", "app-sample"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    HttpResponse<java.util.stream.Stream<String>> r =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());
    if (r.statusCode() / 100 != 2) {
      JdkHttpClientChat.check(r.statusCode(), String.join("\n", r.body().toList()));
    }
    out.print("workflow: ");
    StringBuilder text = new StringBuilder();
    String finished = "no workflow_finished event";
    for (Iterator<String> it = r.body().iterator(); it.hasNext(); ) {
      String line = it.next();
      if (!line.startsWith("data:")) {
        continue; // blank separators and the data-less "event: ping"
      }
      JsonNode event = Llm.parse(line.substring(5).trim());
      switch (event.path("event").asText()) {
        case "text_chunk" -> {
          String chunk = event.path("data").path("text").asText();
          text.append(chunk);
          out.print(chunk);
          out.flush();
        }
        case "workflow_finished" ->
            finished =
                event.path("data").path("status").asText()
                    + ", total tokens "
                    + event.path("data").path("total_tokens").asText();
        case "error" -> throw new IllegalStateException("workflow error: " + line);
        default -> {}
      }
    }
    out.println(" (" + finished + ")");
  }
}
