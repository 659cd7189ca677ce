package dev.tollgate.e2e;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starting and stopping the real jars as separate processes. */
final class Processes {
  private Processes() {}

  static String java() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }

  static Path jar(String property) {
    Path p = Path.of(System.getProperty(property));
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException(property + " not built: " + p.toAbsolutePath());
    }
    return p;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The sidecar jar, started on a free port; waits until /healthz answers. */
  static final class Sidecar implements AutoCloseable {
    final int port;
    final Process process;
    final Path log;

    Sidecar(Path dataDir, String... extraArgs) throws Exception {
      port = freePort();
      log = Files.createTempFile("sidecar", ".log");
      List<String> cmd = new ArrayList<>(List.of(java(), "-jar", jar("tollgate.sidecar.jar").toString(),
          "--port", Integer.toString(port), "--data-dir", dataDir.toString(), "--flush-interval", "1s"));
      cmd.addAll(List.of(extraArgs));
      process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      HttpClient c = HttpClient.newHttpClient();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        try {
          if (c.send(HttpRequest.newBuilder(URI.create(base() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // not up yet
        }
        if (!process.isAlive()) {
          throw new IllegalStateException("sidecar exited: " + Files.readString(log));
        }
        Thread.sleep(200);
      }
      process.destroyForcibly();
      throw new IllegalStateException("sidecar did not start: " + Files.readString(log));
    }

    String base() {
      return "http://127.0.0.1:" + port;
    }

    String get(String pathAndQuery) throws Exception {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(URI.create(base() + pathAndQuery)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(pathAndQuery + " -> " + r.statusCode() + " " + r.body());
      }
      return r.body();
    }

    /** SIGTERM, as a service manager would stop it; the sidecar flushes to its data dir first. */
    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  record Result(int exit, String stdout, String stderr) {}

  /** An application main class from this module's test classes, in its own JVM with the agent. */
  static Result runWithAgent(List<String> jvmArgs, String mainClass, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.add("-javaagent:" + jar("tollgate.agent.jar").toAbsolutePath());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    String cp = "";
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (e.endsWith("test-classes")) {
        cp = e;
      }
    }
    cmd.add(cp);
    cmd.add(mainClass);
    cmd.addAll(args);
    Path out = Files.createTempFile("app", ".out");
    Path err = Files.createTempFile("app", ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("application hung");
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
