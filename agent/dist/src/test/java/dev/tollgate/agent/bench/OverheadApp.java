package dev.tollgate.agent.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Executors;

/**
 * The application side of the overhead benchmark: a loopback server with canned responses and a
 * client that calls it many times. Run with and without the agent by {@link OverheadBenchmark};
 * prints one line of figures per kind of call.
 */
public final class OverheadApp {
  static final String CHAT =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini-2024-07-18\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello! How can I assist you today?\"},"
          + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":10,\"total_tokens\":29,"
          + "\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}";

  /** One way of making the benchmark's calls: the JDK client, OkHttp or Apache HttpClient 5. */
  interface Caller {
    void call(String url, String body) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int warmup = Integer.parseInt(args[0]);
    int iterations = Integer.parseInt(args[1]);
    String clientName = args.length > 2 ? args[2] : "jdk";
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
    server.setExecutor(Executors.newFixedThreadPool(2));
    byte[] chat = CHAT.getBytes(StandardCharsets.UTF_8);
    byte[] stream = streamBody().getBytes(StandardCharsets.UTF_8);
    byte[] ping = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    server.createContext("/internal/ping", x -> respond(x, "application/json", ping));
    com.sun.net.httpserver.HttpHandler completions = x -> {
      byte[] req = x.getRequestBody().readAllBytes();
      boolean streaming = new String(req, StandardCharsets.UTF_8).contains("\"stream\":true");
      respond(x, streaming ? "text/event-stream" : "application/json", streaming ? stream : chat);
    };
    server.createContext("/v1/chat/completions", completions);
    // The same server code and the same bytes under a path the agent does not recognize: the
    // twin of an LLM call, for measuring the agent's LLM path inside one JVM (see paired()).
    server.createContext("/internal/twin", completions);
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    Caller caller = caller(clientName);
    String nonLlmUrl = base + "/internal/ping";
    String llmUrl = base + "/v1/chat/completions";
    String nonLlmBody = "{\"order\":1}";
    String blockingBody = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    String streamingBody = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}";

    if (args.length > 3 && args[3].equals("paired")) {
      paired(caller, nonLlmUrl, llmUrl, base + "/internal/twin", blockingBody, streamingBody, warmup, iterations);
      server.stop(0);
      System.exit(0);
    }

    long t0 = System.nanoTime();
    caller.call(llmUrl, blockingBody);
    long firstCallDone = System.currentTimeMillis();
    long startMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
    System.out.println("startup_to_first_call_ms " + (firstCallDone - startMillis) + " first_call_us " + (System.nanoTime() - t0) / 1000);

    for (String kind : new String[] {"non_llm", "llm_blocking", "llm_streaming"}) {
      String url = kind.equals("non_llm") ? nonLlmUrl : llmUrl;
      String body = kind.equals("non_llm") ? nonLlmBody : kind.equals("llm_blocking") ? blockingBody : streamingBody;
      for (int i = 0; i < warmup; i++) {
        caller.call(url, body);
      }
      long[] lat = new long[iterations];
      long cpu0 = processCpuNanos();
      for (int i = 0; i < iterations; i++) {
        long s = System.nanoTime();
        caller.call(url, body);
        lat[i] = System.nanoTime() - s;
      }
      // CPU of every thread in the process (client, server, and the agent's recorder and
      // exporter): steadier than latency on a shared 2-core machine.
      double cpuPerCall = (processCpuNanos() - cpu0) / 1000.0 / iterations;
      Arrays.sort(lat);
      System.out.printf(
          "%s median_us %.2f p99_us %.2f cpu_us_per_call %.2f%n",
          kind, lat[iterations / 2] / 1000.0, lat[(int) (iterations * 0.99)] / 1000.0, cpuPerCall);
    }
    System.gc();
    Thread.sleep(200);
    System.gc();
    long used = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    System.out.println("heap_used_after_gc_mb " + used / (1024 * 1024.0));
    server.stop(0);
    System.exit(0);
  }

  /**
   * The agent's LLM path measured inside one JVM: each LLM call is paired with a call to its twin,
   * a path the agent does not recognize that the same handler answers with the same bytes, in
   * alternating order. Both see the same JIT state, heap and scheduler, so the difference of their
   * medians resolves a few microseconds where comparing separate JVMs cannot (identical runs of
   * those differ by tens of µs on a 2-core machine). Without the agent the difference is the
   * harness's own error; with it, what the agent's LLM path costs beyond its non-LLM path.
   */
  static void paired(
      Caller caller, String nonLlmUrl, String llmUrl, String twinUrl, String blockingBody, String streamingBody, int warmup, int iterations)
      throws Exception {
    nonLlmPaired(caller, nonLlmUrl, warmup, iterations);
    for (String kind : new String[] {"llm_blocking", "llm_streaming"}) {
      String body = kind.equals("llm_blocking") ? blockingBody : streamingBody;
      for (int i = 0; i < warmup; i++) {
        caller.call(llmUrl, body);
        caller.call(twinUrl, body);
      }
      long[] llm = new long[iterations];
      long[] twin = new long[iterations];
      for (int i = 0; i < iterations; i++) {
        boolean llmFirst = (i & 1) == 0;
        long s = System.nanoTime();
        caller.call(llmFirst ? llmUrl : twinUrl, body);
        long m = System.nanoTime();
        caller.call(llmFirst ? twinUrl : llmUrl, body);
        long e = System.nanoTime();
        llm[i] = llmFirst ? m - s : e - m;
        twin[i] = llmFirst ? e - m : m - s;
      }
      Arrays.sort(llm);
      Arrays.sort(twin);
      System.out.printf(
          "%s_paired llm_median_us %.2f twin_median_us %.2f%n",
          kind, llm[iterations / 2] / 1000.0, twin[iterations / 2] / 1000.0);
    }
  }

  /**
   * The agent's non-LLM path inside one JVM: the same non-LLM call, alternately with the agent's
   * hooks installed and with the no-op hooks the agent starts with (the bootstrap bridge's field,
   * swapped between calls). What stays in both halves is the advice itself, compiled into the
   * client: a volatile read and an interface call (JDK client, Apache), or one interceptor step
   * (OkHttp). Without the agent there is nothing to swap and the difference is the harness's own.
   */
  static void nonLlmPaired(Caller caller, String url, int warmup, int iterations) throws Exception {
    java.lang.reflect.Field hooks = null;
    try {
      hooks = Class.forName("dev.tollgate.agent.bootstrap.Bridge").getField("hooks");
    } catch (ClassNotFoundException noAgent) {
      // measured as a control
    }
    Object real = hooks == null ? null : hooks.get(null);
    Object noop = hooks == null ? null : Class.forName("dev.tollgate.agent.bootstrap.Hooks").getField("NOOP").get(null);
    String body = "{\"order\":1}";
    long[] withHooks = new long[iterations];
    long[] withNoop = new long[iterations];
    for (int round = 0; round < 2; round++) {
      int n = round == 0 ? warmup : iterations;
      for (int i = 0; i < n; i++) {
        boolean hooksFirst = (i & 1) == 0;
        long a = 0;
        long b = 0;
        for (int half = 0; half < 2; half++) {
          boolean useHooks = hooksFirst == (half == 0);
          if (hooks != null) {
            hooks.set(null, useHooks ? real : noop);
          }
          long s = System.nanoTime();
          caller.call(url, body);
          long e = System.nanoTime() - s;
          if (useHooks) {
            a = e;
          } else {
            b = e;
          }
        }
        if (round == 1) {
          withHooks[i] = a;
          withNoop[i] = b;
        }
      }
    }
    if (hooks != null) {
      hooks.set(null, real);
    }
    Arrays.sort(withHooks);
    Arrays.sort(withNoop);
    System.out.printf(
        "non_llm_paired hooks_median_us %.2f noop_median_us %.2f%n",
        withHooks[iterations / 2] / 1000.0, withNoop[iterations / 2] / 1000.0);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static Caller caller(String name) {
    switch (name) {
      case "jdk": {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return (url, body) -> {
          HttpResponse<InputStream> resp =
              client.send(
                  HttpRequest.newBuilder(URI.create(url))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofInputStream());
          try (InputStream in = resp.body()) {
            in.transferTo(OutputStream.nullOutputStream());
          }
        };
      }
      case "okhttp": {
        okhttp3.OkHttpClient client = new okhttp3.OkHttpClient();
        okhttp3.MediaType json = okhttp3.MediaType.parse("application/json");
        return (url, body) -> {
          try (okhttp3.Response resp =
              client.newCall(new okhttp3.Request.Builder().url(url).post(okhttp3.RequestBody.create(json, body)).build()).execute()) {
            try (InputStream in = resp.body().byteStream()) {
              in.transferTo(OutputStream.nullOutputStream());
            }
          }
        };
      }
      case "apache5": {
        org.apache.hc.client5.http.impl.classic.CloseableHttpClient client =
            org.apache.hc.client5.http.impl.classic.HttpClients.createDefault();
        return (url, body) -> {
          org.apache.hc.client5.http.classic.methods.HttpPost post = new org.apache.hc.client5.http.classic.methods.HttpPost(url);
          post.setEntity(new org.apache.hc.core5.http.io.entity.StringEntity(body, org.apache.hc.core5.http.ContentType.APPLICATION_JSON));
          try (org.apache.hc.client5.http.impl.classic.CloseableHttpResponse resp = client.execute(post)) {
            try (InputStream in = resp.getEntity().getContent()) {
              in.transferTo(OutputStream.nullOutputStream());
            }
          }
        };
      }
      default:
        throw new IllegalArgumentException("client " + name);
    }
  }

  private static void respond(com.sun.net.httpserver.HttpExchange x, String type, byte[] body) throws java.io.IOException {
    x.getRequestBody().readAllBytes();
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(200, body.length);
    try (OutputStream os = x.getResponseBody()) {
      os.write(body);
    }
  }

  /**
   * A 100-token reply streamed the way OpenAI sends it when the request asks for usage: every
   * chunk carries {@code "usage": null} and {@code "finish_reason": null}, the last content chunk
   * the finish reason, an extra chunk the usage.
   */
  static String streamBody() {
    StringBuilder sb = new StringBuilder();
    String prefix =
        "data: {\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,"
            + "\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_06737a9306\",";
    sb.append(prefix).append("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},")
        .append("\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
    for (int i = 1; i <= 100; i++) {
      sb.append(prefix).append("\"choices\":[{\"index\":0,\"delta\":{\"content\":\" token").append(i)
          .append("\"},\"logprobs\":null,\"finish_reason\":").append(i == 100 ? "\"stop\"" : "null").append("}],\"usage\":null}\n\n");
    }
    sb.append(prefix).append("\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":100,\"total_tokens\":109,")
        .append("\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},")
        .append("\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}\n\n");
    sb.append("data: [DONE]\n\n");
    return sb.toString();
  }
}
