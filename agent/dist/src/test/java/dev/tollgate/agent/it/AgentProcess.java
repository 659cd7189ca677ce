package dev.tollgate.agent.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class in a separate JVM with the real shaded agent jar attached. */
final class AgentProcess {
  private AgentProcess() {}

  static Path agentJar() {
    String p = System.getProperty("tollgate.agent.jar", "target/tollgate-agent.jar");
    Path jar = Path.of(p);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("agent jar not built: " + jar.toAbsolutePath());
    }
    return jar;
  }

  /** The JVM to test on: TOLLGATE_TEST_JAVA_HOME (e.g. the Temurin 25 JDK) or the running one. */
  static String javaBinary() {
    String home = System.getenv("TOLLGATE_TEST_JAVA_HOME");
    if (home == null || home.isBlank()) {
      home = System.getProperty("java.home");
    }
    return home + File.separator + "bin" + File.separator + "java";
  }

  /** The application's class path: our test classes plus the named jars from the test class path. */
  static String classPath(String... jarNameFragments) {
    List<String> out = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (e.endsWith("test-classes")) {
        out.add(e);
        continue;
      }
      for (String f : jarNameFragments) {
        if (new File(e).getName().contains(f)) {
          out.add(e);
        }
      }
    }
    return String.join(File.pathSeparator, out);
  }

  record Result(int exitCode, String stdout, String stderr) {}

  static Result run(boolean withAgent, List<String> jvmArgs, String classPath, String mainClass, List<String> args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    if (withAgent) {
      cmd.add("-javaagent:" + agentJar().toAbsolutePath());
    }
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(mainClass);
    cmd.addAll(args);
    return exec(cmd);
  }

  /** Runs a command to its end (two minutes at most) and returns its exit code and output. */
  static Result exec(List<String> cmd) throws IOException, InterruptedException {
    Path out = Files.createTempFile("tollgate-app", ".out");
    Path err = Files.createTempFile("tollgate-app", ".err");
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("application did not finish: " + cmd);
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
