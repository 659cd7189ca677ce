package dev.tollgate.samples.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The command line, validated. See {@link #USAGE} and samples/README.md. */
final class Options {
  String url;
  Scenario.Kind scenario = Scenario.Kind.OPENAI;
  String path;
  boolean stream;
  Integer concurrency;
  long rampUpNanos;
  Long durationNanos;
  long requests; // 0 = no limit
  double rate; // 0 = closed loop
  String apiKey = "sk-loadgen";
  String model;
  String prompt = Scenario.DEFAULT_PROMPT;
  int maxTokens;
  long timeoutNanos = 30_000_000_000L;
  long warmupNanos;
  String jsonPath;
  Double priceInput;
  Double priceOutput;
  final List<String> headers = new ArrayList<>();
  String client = "auto";
  int ioThreads;
  String progress = "auto";
  boolean help;

  static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar tollgate-loadgen.jar --url URL [flags]",
          "  --url URL             base URL: http://host:port or http://host:port/v1 (env"
              + " LOADGEN_URL)",
          "  --scenario S          openai | anthropic | dify-chat | dify-workflow | mixed | service"
              + " (default openai)",
          "  --path P              request path, overriding the scenario's",
          "  --stream              ask for server-sent events (default: blocking)",
          "  --concurrency N       closed loop: N connections each sending back to back (default"
              + " 16);",
          "                        open loop: at most N connections (default 512)",
          "  --ramp-up D           closed loop: start the N connections evenly over D (default 0s)",
          "  --duration D          how long to send (default 10s unless --requests is given)",
          "  --requests N          stop after N requests",
          "  --rate R              open loop: R requests/s at fixed intervals; latency counts from"
              + " each",
          "                        request's scheduled start, so queueing is not hidden",
          "  --api-key K           bearer token / x-api-key (env LOADGEN_API_KEY; default"
              + " sk-loadgen)",
          "  --model M             model in the request body and for pricing",
          "  --prompt TEXT         the user message",
          "  --max-tokens N        cap on output tokens sent in the request",
          "  --timeout D           per request, from its (scheduled) start (default 30s)",
          "  --warmup D            send for D first and discard what it measured (JIT, pools;"
              + " default 0)",
          "  --json FILE           also write the report as JSON",
          "  --price-input USD     price per million input tokens (default: built-in table by"
              + " model)",
          "  --price-output USD    price per million output tokens",
          "  --header 'K: V'       extra request header (repeatable)",
          "  --client C            auto | nio | jdk (auto: nio for http, jdk for https)",
          "  --io-threads N        nio selector threads (default 1 on <= 2 cores, else 2)",
          "  --progress P          auto | tty | lines | off (auto: in place on a TTY, else every 5"
              + " s)",
          "Durations: 500ms, 10s, 2m; a bare number is seconds.");

  static Options parse(String[] args, Map<String, String> env) {
    Options o = new Options();
    o.url = env.get("LOADGEN_URL");
    if (env.get("LOADGEN_API_KEY") != null) {
      o.apiKey = env.get("LOADGEN_API_KEY");
    }
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String inline = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        inline = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      final String flag = a;
      final String[] argv = args;
      final int[] idx = {i};
      final String inl = inline;
      java.util.function.Supplier<String> value =
          () -> {
            if (inl != null) {
              return inl;
            }
            if (idx[0] + 1 >= argv.length) {
              throw new IllegalArgumentException(flag + " needs a value");
            }
            return argv[++idx[0]];
          };
      switch (flag) {
        case "-h", "--help" -> o.help = true;
        case "--url" -> o.url = value.get();
        case "--scenario" -> o.scenario = Scenario.Kind.parse(value.get());
        case "--path" -> o.path = value.get();
        case "--stream" -> o.stream = true;
        case "--no-stream" -> o.stream = false;
        case "--concurrency", "-c" -> o.concurrency = positiveInt(flag, value.get());
        case "--ramp-up" -> o.rampUpNanos = Durations.parseNanos(value.get());
        case "--duration", "-d" -> o.durationNanos = Durations.parseNanos(value.get());
        case "--requests", "-n" -> o.requests = positiveLong(flag, value.get());
        case "--rate", "-r" -> o.rate = positiveDouble(flag, value.get());
        case "--api-key" -> o.apiKey = value.get();
        case "--model" -> o.model = value.get();
        case "--prompt" -> o.prompt = value.get();
        case "--max-tokens" -> o.maxTokens = positiveInt(flag, value.get());
        case "--timeout" -> o.timeoutNanos = Durations.parseNanos(value.get());
        case "--warmup" -> o.warmupNanos = Durations.parseNanos(value.get());
        case "--json" -> o.jsonPath = value.get();
        case "--price-input" -> o.priceInput = nonNegative(flag, value.get());
        case "--price-output" -> o.priceOutput = nonNegative(flag, value.get());
        case "--header", "-H" -> {
          String h = value.get();
          if (h.indexOf(':') <= 0) {
            throw new IllegalArgumentException("--header must be 'Name: value'");
          }
          o.headers.add(h);
        }
        case "--client" -> o.client = oneOf(flag, value.get(), "auto", "nio", "jdk");
        case "--io-threads" -> o.ioThreads = positiveInt(flag, value.get());
        case "--progress" -> o.progress = oneOf(flag, value.get(), "auto", "tty", "lines", "off");
        default -> throw new IllegalArgumentException("unknown flag: " + flag);
      }
      i = idx[0];
    }
    if (o.help) {
      return o;
    }
    if (o.url == null || o.url.isBlank()) {
      throw new IllegalArgumentException("--url is required");
    }
    if (o.durationNanos == null && o.requests == 0) {
      o.durationNanos = 10_000_000_000L;
    }
    if (o.durationNanos != null && o.durationNanos == 0) {
      throw new IllegalArgumentException("--duration must be > 0");
    }
    if (o.timeoutNanos <= 0) {
      throw new IllegalArgumentException("--timeout must be > 0");
    }
    if (o.rate > 0 && o.rampUpNanos > 0) {
      throw new IllegalArgumentException(
          "--ramp-up applies to the closed loop only, not with --rate");
    }
    if (o.concurrency == null) {
      o.concurrency = o.rate > 0 ? 512 : 16;
    }
    if (o.ioThreads == 0) {
      o.ioThreads = Runtime.getRuntime().availableProcessors() <= 2 ? 1 : 2;
    }
    o.ioThreads = Math.min(o.ioThreads, o.concurrency);
    return o;
  }

  boolean openLoop() {
    return rate > 0;
  }

  private static int positiveInt(String flag, String v) {
    try {
      int n = Integer.parseInt(v.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // below
    }
    throw new IllegalArgumentException(flag + " must be a positive integer: " + v);
  }

  private static long positiveLong(String flag, String v) {
    try {
      long n = Long.parseLong(v.trim().replace("_", ""));
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // below
    }
    throw new IllegalArgumentException(flag + " must be a positive integer: " + v);
  }

  private static double positiveDouble(String flag, String v) {
    double d = nonNegative(flag, v);
    if (d <= 0) {
      throw new IllegalArgumentException(flag + " must be > 0");
    }
    return d;
  }

  private static double nonNegative(String flag, String v) {
    try {
      double d = Double.parseDouble(v.trim());
      if (d >= 0 && !Double.isInfinite(d)) {
        return d;
      }
    } catch (NumberFormatException ignored) {
      // below
    }
    throw new IllegalArgumentException(flag + " must be a number >= 0: " + v);
  }

  private static String oneOf(String flag, String v, String... allowed) {
    for (String a : allowed) {
      if (a.equals(v.toLowerCase(Locale.ROOT))) {
        return a;
      }
    }
    throw new IllegalArgumentException(flag + " must be one of " + String.join(", ", allowed));
  }
}
