package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, run as a user would: the demo script starts everything, drives the
 * sample service through a calm phase, a 429 storm and an outage, and prints what the sidecar saw.
 */
class DemoScriptIT {
  @Test
  void demoRunsAndReportsWhatHappened() throws Exception {
    Path root = Path.of(System.getProperty("tollgate.repo.root")).toAbsolutePath().normalize();
    Path out = Files.createTempFile("demo", ".out");
    ProcessBuilder pb = new ProcessBuilder("bash", "demo.sh").directory(root.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put("DEMO_PHASE_SECONDS", "8");
    Process p = pb.start();
    if (!p.waitFor(6, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("demo did not finish: " + Files.readString(out));
    }
    String text = Files.readString(out);
    assertThat(p.exitValue()).as(text).isZero();
    assertThat(text).contains("Phase 1: calm", "Phase 2: a 429 storm", "Phase 3: an outage", "Phase 4: recovery", "What the sidecar saw", "Where to look next");
    assertThat(number(text, "calls (\\d+)")).as(text).isGreaterThan(100);
    assertThat(number(text, "retries (\\d+)")).as("the controller retried during the storm").isPositive();
    assertThat(number(text, "rate-limited \\(429\\) (\\d+)")).isPositive();
    assertThat(number(text, "rejected by the controller (\\d+)")).as("the breaker failed calls fast during the outage").isPositive();
    assertThat(text).contains("circuit_breaker=");
    assertThat(text).contains("breakers now    fake-openai=closed");
    assertThat(text).contains("Costs by model").contains("gpt-4o-mini");
    assertThat(text).contains("Alerts that fired and resolved");
    assertThat(text).doesNotContain("Exception in thread");
    // The script cleaned up: nothing it started is still listening.
    Matcher urls = Pattern.compile("(sidecar|fake LLM server|sample service) +http://127\\.0\\.0\\.1:(\\d+)").matcher(text);
    int found = 0;
    while (urls.find()) {
      found++;
      int port = Integer.parseInt(urls.group(2));
      assertThat(listening(port)).as("%s on port %d still listening after the demo", urls.group(1), port).isFalse();
    }
    assertThat(found).isEqualTo(3);
  }

  private static boolean listening(int port) {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static long number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }
}
