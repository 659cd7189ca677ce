package dev.tollgate.observability;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** External programs: finding them, running them to completion, free loopback ports. */
final class Tools {
  private Tools() {}

  /**
   * The program named by a system property (a path or a name on PATH). Fails with a message that
   * says how to install it: CI installs Prometheus, and a missing tool must not pass silently.
   */
  static Path require(String property, String defaultName) {
    String name = System.getProperty(property, defaultName);
    Path p = Path.of(name);
    if (p.isAbsolute() || name.contains(File.separator)) {
      if (Files.isExecutable(p)) {
        return p;
      }
    } else {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    throw new AssertionError(
        name
            + " not found (system property "
            + property
            + "): install Prometheus 2.42 or later, e.g. `apt-get install prometheus` on Debian"
            + " (.ci/run does this), or pass -D"
            + property
            + "=/path/to/"
            + defaultName);
  }

  record Result(int exit, String output) {}

  /** Runs a command to completion (stderr merged into stdout) within the timeout. */
  static Result run(List<String> command, Path dir, long timeoutSeconds) throws Exception {
    Path out = Files.createTempFile("tollgate-tool", ".out");
    try {
      Process p =
          new ProcessBuilder(new ArrayList<>(command))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            String.join(" ", command) + " did not finish in " + timeoutSeconds + " s:\n" + Files.readString(out));
      }
      return new Result(p.exitValue(), Files.readString(out));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String java() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }
}
