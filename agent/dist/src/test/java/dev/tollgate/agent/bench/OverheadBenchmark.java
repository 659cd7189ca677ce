package dev.tollgate.agent.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the agent adds per call, measured end to end: {@link OverheadApp} runs in fresh JVMs
 * alternately without and with the real agent jar (exporting to a local OTLP sink), several
 * rounds each, and the medians of the per-round figures are compared. Run with
 * {@code bench/agent-overhead.sh} (see the README); it is a benchmark, not a test.
 */
public final class OverheadBenchmark {
  public static void main(String[] args) throws Exception {
    String agentJar = args.length > 0 ? args[0] : "agent/dist/target/tollgate-agent.jar";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 20000;
    int iterations = args.length > 3 ? Integer.parseInt(args[3]) : 20000;
    String[] clients = (args.length > 4 ? args[4] : "jdk,okhttp,apache5").split(",");
    // An older agent jar to compare with in the same run (a change measured against the old code).
    String baselineJar = args.length > 5 && !args[5].isEmpty() ? args[5] : null;
    // "paired": the LLM path measured against its non-LLM twin inside each JVM (OverheadApp.paired).
    mode = args.length > 6 && !args[6].isEmpty() ? args[6] : "standard";
    HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    sink.createContext("/", x -> {
      x.getRequestBody().readAllBytes();
      x.sendResponseHeaders(200, -1);
      x.close();
    });
    sink.start();
    String endpoint = "http://127.0.0.1:" + sink.getAddress().getPort();
    for (String client : clients) {
      Map<String, List<Double>> without = new LinkedHashMap<>();
      Map<String, List<Double>> with = new LinkedHashMap<>();
      Map<String, List<Double>> old = new LinkedHashMap<>();
      for (int r = 0; r < rounds; r++) {
        collect(run(null, endpoint, warmup, iterations, client), without);
        if (baselineJar != null) {
          collect(run(baselineJar, endpoint, warmup, iterations, client), old);
        }
        Map<String, Double> figures = run(agentJar, endpoint, warmup, iterations, client);
        if (!mode.equals("paired")) {
          figures.put("startup_cold_cache_ms", coldStartup(agentJar, endpoint, client));
        }
        collect(figures, with);
      }
      System.out.println();
      String title = client + " (median of " + rounds + ")";
      if (baselineJar == null) {
        System.out.printf("%-30s %12s %12s %12s%n", title, "no agent", "agent", "added");
      } else {
        System.out.printf(
            "%-30s %12s %12s %12s %12s %12s%n",
            title, "no agent", "baseline", "agent", "added(base)", "added");
      }
      for (String k : with.keySet()) {
        double a = without.containsKey(k) ? median(without.get(k)) : Double.NaN;
        double b = median(with.get(k));
        if (baselineJar == null) {
          System.out.printf("%-30s %12.2f %12.2f %12.2f%n", k, a, b, b - a);
        } else {
          double o = old.containsKey(k) ? median(old.get(k)) : Double.NaN;
          System.out.printf("%-30s %12.2f %12.2f %12.2f %12.2f %12.2f%n", k, a, o, b, o - a, b - a);
        }
      }
    }
    sink.stop(0);
  }

  private static String mode = "standard";

  private static Map<String, Double> run(String agentJar, String endpoint, int warmup, int iterations, String client) throws Exception {
    return run(agentJar, endpoint, warmup, iterations, client, WARM_CACHE);
  }

  /**
   * The agent's class cache, shared by the runs of one benchmark: the first run fills it, the
   * others start warm. {@link #coldStartup} measures a start with an empty one.
   */
  private static final Path WARM_CACHE = tempDir();

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("tollgate-bench-cache");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Start-up to the first call with an empty class cache (the agent's first run on a host). */
  private static double coldStartup(String agentJar, String endpoint, String client) throws Exception {
    Path empty = Files.createTempDirectory("tollgate-bench-cold");
    Map<String, Double> f = run(agentJar, endpoint, 0, 1, client, empty);
    return f.getOrDefault("startup_to_first_call_ms", Double.NaN);
  }

  private static Map<String, Double> run(
      String agentJar, String endpoint, int warmup, int iterations, String client, Path cacheDir)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    cmd.add("-Xms256m");
    cmd.add("-Xmx256m");
    // Without these the JDK's client starts a thread per response on a 2-core machine, and the
    // JDK's server adds 40 ms of delayed-ACK latency: noise that would drown the agent's cost.
    cmd.add("-Djava.util.concurrent.ForkJoinPool.common.parallelism=4");
    cmd.add("-Dsun.net.httpserver.nodelay=true");
    if (agentJar != null) {
      cmd.add("-javaagent:" + agentJar);
      cmd.add("-Dtollgate.exporter.endpoint=" + endpoint);
      cmd.add("-Dtollgate.cache.dir=" + cacheDir);
    }
    cmd.add("-cp");
    cmd.add(applicationClassPath());
    cmd.add(OverheadApp.class.getName());
    cmd.add(Integer.toString(warmup));
    cmd.add(Integer.toString(iterations));
    cmd.add(client);
    cmd.add(cacheDir == WARM_CACHE ? mode : "standard");
    Path out = Files.createTempFile("overhead", ".txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("benchmark run hung");
    }
    Map<String, Double> figures = new LinkedHashMap<>();
    for (String line : Files.readAllLines(out)) {
      String[] f = line.trim().split("\\s+");
      if (f[0].equals("startup_to_first_call_ms")) {
        figures.put("startup_to_first_call_ms", Double.parseDouble(f[1]));
      } else if (f[0].endsWith("_paired") && f.length >= 5) {
        // An LLM call minus its non-LLM twin, or a non-LLM call with the agent's hooks minus the
        // same call with no-op hooks, in the same JVM; in the table's "added" column the
        // difference with the agent minus the difference without it (the harness's own bias).
        double llm = Double.parseDouble(f[2]);
        double twin = Double.parseDouble(f[4]);
        figures.put(f[0] + "_median_us", llm);
        figures.put(f[0] + "_minus_twin_us", llm - twin);
      } else if (f[0].equals("heap_used_after_gc_mb")) {
        figures.put("heap_used_after_gc_mb", Double.parseDouble(f[1]));
      } else if (f.length >= 5) {
        figures.put(f[0] + "_median_us", Double.parseDouble(f[2]));
        figures.put(f[0] + "_p99_us", Double.parseDouble(f[4]));
        if (f.length >= 7) {
          figures.put(f[0] + "_cpu_us_per_call", Double.parseDouble(f[6]));
        }
      }
    }
    return figures;
  }

  /**
   * The application's class path: the benchmark app and the HTTP client libraries only. The
   * harness's own class path also holds the agent's unshaded modules; an application that had
   * those ahead of the agent jar would load them instead of the agent's relocated classes.
   */
  private static String applicationClassPath() {
    java.util.List<String> out = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = new File(e).getName();
      if (e.endsWith("test-classes")
          || name.startsWith("okhttp")
          || name.startsWith("okio")
          || name.startsWith("kotlin-stdlib")
          || name.startsWith("httpclient5")
          || name.startsWith("httpcore5")
          || name.startsWith("slf4j-api")) {
        out.add(e);
      }
    }
    return String.join(File.pathSeparator, out);
  }

  private static void collect(Map<String, Double> figures, Map<String, List<Double>> into) {
    figures.forEach((k, v) -> into.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
  }

  private static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(Double::compare);
    return s.get(s.size() / 2);
  }
}
