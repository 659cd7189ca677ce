package dev.tollgate.observability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program the test started (the sidecar jar, Prometheus), with its output in a log file. It is
 * stopped by {@link #close} (SIGTERM, then SIGKILL after a grace period), and by a shutdown hook if
 * the test JVM exits first, so a failing test leaves nothing running.
 */
final class ManagedProcess implements AutoCloseable {
  final String name;
  final Process process;
  final Path log;
  final int port;
  private final Thread hook;

  private ManagedProcess(String name, Process process, Path log, int port) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.port = port;
    this.hook = new Thread(() -> process.destroyForcibly(), "stop-" + name);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Starts the command and waits until {@code readyPath} on the port answers 200. */
  static ManagedProcess start(String name, List<String> command, Path dir, Path log, int port, String readyPath, Duration timeout)
      throws Exception {
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    ManagedProcess mp = new ManagedProcess(name, p, log, port);
    try {
      mp.awaitReady(readyPath, timeout);
      return mp;
    } catch (Exception | Error e) {
      mp.close();
      throw e;
    }
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  private void awaitReady(String path, Duration timeout) throws Exception {
    HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + " at start:\n" + tail());
      }
      try {
        HttpResponse<Void> r =
            c.send(
                HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError(name + " not ready on " + base() + path + " within " + timeout + ":\n" + tail());
  }

  /** The last lines of the log, for failure messages. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs anyway
    }
  }
}
