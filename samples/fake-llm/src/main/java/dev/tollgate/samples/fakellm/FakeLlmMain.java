package dev.tollgate.samples.fakellm;

import java.util.Locale;
import java.util.Map;

/** {@code java -jar fake-llm.jar [flags]}: see samples/README.md. */
public final class FakeLlmMain {
  private FakeLlmMain() {}

  public static void main(String[] args) throws Exception {
    Config c;
    try {
      c = Config.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("fake-llm: " + e.getMessage());
      System.err.println(usage());
      System.exit(2);
      return;
    }
    if (c.help) {
      System.out.println(usage());
      return;
    }
    FakeLlmServer server = FakeLlmServer.start(c.port, c.threads, c.knobs, null);
    // Scripts read the port from this exact first line.
    System.out.println("fake-llm listening on http://127.0.0.1:" + server.port());
    System.out.println("knobs " + Reply.write(c.knobs.toJson()));
    System.out.flush();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception ignored) {
                    // exiting anyway
                  }
                }));
    Thread.currentThread().join();
  }

  /**
   * Starts a server in this JVM from the same flags as the command line (environment ignored): for
   * tests of other modules, e.g. {@code launch("--zero-latency", "--rate429", "0.1")}.
   */
  public static FakeLlmServer launch(String... flags) throws Exception {
    Config c = Config.parse(flags, Map.of());
    return FakeLlmServer.start(c.port, c.threads, c.knobs, null);
  }

  /** Flags, then environment variables under them, then defaults. */
  static final class Config {
    int port = 0;
    int threads = 16;
    boolean help;
    Knobs knobs = Knobs.defaults();

    static Config parse(String[] args, Map<String, String> env) {
      Config c = new Config();
      String envPort = env.get("FAKE_LLM_PORT");
      if (envPort != null) {
        c.port = Integer.parseInt(envPort.trim());
      }
      String envThreads = env.get("FAKE_LLM_THREADS");
      if (envThreads != null) {
        c.threads = Integer.parseInt(envThreads.trim());
      }
      if ("true".equalsIgnoreCase(env.get("FAKE_LLM_ZERO_LATENCY"))) {
        c.knobs = c.knobs.zeroLatency();
      }
      for (String knob : Knobs.NAMES) {
        String v = env.get(Knobs.envName(knob));
        if (v != null) {
          c.knobs = c.knobs.with(knob, v);
        }
      }
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String value = null;
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 0) {
          value = a.substring(eq + 1);
          a = a.substring(0, eq);
        }
        switch (a) {
          case "-h", "--help" -> c.help = true;
          case "--zero-latency" -> c.knobs = c.knobs.zeroLatency();
          case "--port" -> c.port = Integer.parseInt(value != null ? value : need(args, ++i, a));
          case "--threads" ->
              c.threads = Integer.parseInt(value != null ? value : need(args, ++i, a));
          default -> {
            String knob = a.startsWith("--") ? Knobs.forFlag(a) : null;
            if (knob == null) {
              throw new IllegalArgumentException("unknown flag: " + a);
            }
            c.knobs = c.knobs.with(knob, value != null ? value : need(args, ++i, a));
          }
        }
      }
      if (c.port < 0 || c.port > 65535) {
        throw new IllegalArgumentException("--port must be within 0..65535");
      }
      return c;
    }

    private static String need(String[] args, int i, String flag) {
      if (i >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      return args[i];
    }
  }

  private static final Map<String, String> HELP =
      Map.ofEntries(
          Map.entry("latencyMs", "base latency of every answer, ms"),
          Map.entry("jitterMs", "mean of an exponential extra delay, ms (capped at 20x)"),
          Map.entry("ttftMs", "prefill time before the first token, ms"),
          Map.entry("perTokenMs", "time per output token, ms"),
          Map.entry("outputTokens", "output tokens per answer (capped by the request's max)"),
          Map.entry("knee", "in-flight requests past which latency grows; 0 = off"),
          Map.entry("saturationExponent", "k in (inflight/knee)^k past the knee"),
          Map.entry("rate429", "share of requests answered 429, 0..1"),
          Map.entry("retryAfterSeconds", "Retry-After on 429s (OpenAI, Anthropic); 0 = none"),
          Map.entry("errorRate", "share of requests answered with --error-status, 0..1"),
          Map.entry("errorStatus", "5xx status of those errors (500, 502, 503, 529...)"),
          Map.entry("outage", "true: every model request fails per --outage-mode"),
          Map.entry("outageMode", "503 | reset (TCP RST) | hang (never answers)"),
          Map.entry("outageWindows", "FROM-TO[,FROM-TO...] seconds since start, e.g. 30-45"),
          Map.entry("cacheFraction", "share of prompt tokens reported as cached, 0..1"),
          Map.entry("reasoningFraction", "share of output tokens that are hidden reasoning, 0..1"),
          Map.entry("difyModel", "the model Dify apps report (Dify requests name none)"));

  static String usage() {
    Knobs d = Knobs.defaults();
    StringBuilder sb = new StringBuilder();
    sb.append("usage: java -jar fake-llm.jar [flags]\n");
    sb.append(
        "  --port N                    listen on 127.0.0.1:N (default 0 = any free port; env"
            + " FAKE_LLM_PORT)\n");
    sb.append(
        "  --threads N                 Jetty worker threads (default 16; env FAKE_LLM_THREADS)\n");
    sb.append("  --zero-latency              latency, jitter, ttft and per-token delay all 0\n");
    for (String knob : Knobs.NAMES) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-27s %s (default %s)%n",
              Knobs.flagName(knob) + " V",
              HELP.get(knob),
              d.toJson().get(knob)));
    }
    sb.append(
        "Every knob also reads FAKE_LLM_<NAME> from the environment, e.g. FAKE_LLM_RATE_429.\n");
    sb.append(
        "Runtime: POST /admin/config with a JSON object of the same knobs (rate429, outage,"
            + " ...),\n");
    sb.append("GET /admin/config, GET /admin/stats, POST /admin/reset. See samples/README.md.");
    return sb.toString();
  }
}
