package dev.tollgate.samples.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny service with an LLM behind it: {@code POST /ask} takes {@code {"question": "..."}}, asks
 * the model through java.net.http (streaming with {@code ?stream=true}) and answers {@code
 * {"answer", "model", "usage"}}. Upstream errors pass through with their status; an unreachable
 * upstream is a 502. It knows nothing of Tollgate: the demo attaches the agent to it.
 */
public final class SampleService implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient client;
  private final URI chat;
  private final String apiKey;
  private final String model;
  private final Duration timeout;

  SampleService(Cli cli) throws IOException {
    // The JDK server writes headers and body separately; with Nagle on, a keep-alive client's
    // delayed ACK adds 40 ms to every answer.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    int port = Integer.parseInt(cli.get("port", "PORT", "0"));
    int threads = Integer.parseInt(cli.get("threads", "SAMPLE_THREADS", "64"));
    chat = URI.create(Llm.endpoint(cli.baseUrl(), "/chat/completions"));
    apiKey = cli.apiKey();
    model = cli.model();
    timeout = Duration.ofSeconds(Long.parseLong(cli.get("timeout-seconds", null, "60")));
    client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    executor = Executors.newFixedThreadPool(threads);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
    server.setExecutor(executor);
    server.createContext("/ask", this::ask);
    server.createContext("/health", e -> reply(e, 200, "{\"status\":\"ok\"}"));
    server.start();
  }

  public static void main(String[] args) throws Exception {
    // On fewer than 3 CPUs the common pool has parallelism 1 and CompletableFuture starts a new
    // thread for every async step, which java.net.http takes once per response.
    if (System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
      System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "4");
    }
    SampleService s = new SampleService(new Cli(args, System.getenv()));
    System.out.println("sample-service listening on http://127.0.0.1:" + s.port());
    System.out.println("answering with " + s.model + " at " + s.chat);
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(s::close));
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void ask(HttpExchange e) throws IOException {
    try {
      answer(e);
    } catch (IOException | RuntimeException ex) {
      ObjectNode err = Llm.JSON.createObjectNode().put("error", "upstream: " + ex);
      reply(e, 502, err.toString());
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      reply(e, 503, "{\"error\":\"interrupted\"}");
    } finally {
      e.close();
    }
  }

  private void answer(HttpExchange e) throws IOException, InterruptedException {
    if (!"POST".equals(e.getRequestMethod())) {
      reply(e, 405, "{\"error\":\"use POST\"}");
      return;
    }
    String raw = new String(e.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String question = raw;
    String askModel = model;
    if (raw.trim().startsWith("{")) {
      JsonNode body = Llm.parse(raw);
      question = body.path("question").asText("");
      askModel = body.path("model").asText(model);
    }
    String query = e.getRequestURI().getQuery();
    boolean stream = query != null && query.contains("stream=true");
    HttpRequest request =
        HttpRequest.newBuilder(chat)
            .timeout(timeout)
            .header("Authorization", "Bearer " + apiKey)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Llm.chatRequest(askModel, question, stream)))
            .build();
    ObjectNode answer = Llm.JSON.createObjectNode();
    if (stream) {
      HttpResponse<java.util.stream.Stream<String>> r =
          client.send(request, HttpResponse.BodyHandlers.ofLines());
      if (r.statusCode() / 100 != 2) {
        reply(e, r.statusCode(), String.join("\n", r.body().toList()));
        return;
      }
      Llm.Stream s = new Llm.Stream();
      for (Iterator<String> it = r.body().iterator(); it.hasNext(); ) {
        s.line(it.next());
      }
      answer.put("answer", s.answer.toString());
      answer.set("usage", s.usage);
    } else {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        reply(e, r.statusCode(), r.body());
        return;
      }
      JsonNode completion = Llm.parse(r.body());
      answer.put("answer", Llm.answer(completion));
      answer.set("usage", completion.get("usage"));
    }
    answer.put("model", askModel);
    answer.put("streamed", stream);
    reply(e, 200, answer.toString());
  }

  private static void reply(HttpExchange e, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    e.getResponseHeaders().set("Content-Type", "application/json");
    e.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream o = e.getResponseBody()) {
      o.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
