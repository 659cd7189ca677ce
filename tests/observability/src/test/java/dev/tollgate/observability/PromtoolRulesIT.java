package dev.tollgate.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code promtool check rules} and {@code promtool test rules} on alerts/prometheus (what
 * alerts/prometheus/check.sh runs). Needs promtool: Debian's prometheus package (2.42) or later.
 */
class PromtoolRulesIT {
  @Test
  void rulesAreValidAndLintClean() throws Exception {
    Path promtool = Tools.require("promtool.bin", "promtool");
    Tools.Result r =
        Tools.run(
            List.of(promtool.toString(), "check", "rules", "--lint=all", "--lint-fatal", "tollgate-rules.yaml"),
            Repo.alerts(),
            60);
    assertThat(r.exit()).as("promtool check rules:\n" + r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS");
  }

  @Test
  void unitTestsPass() throws Exception {
    Path promtool = Tools.require("promtool.bin", "promtool");
    List<String> cmd = new ArrayList<>(List.of(promtool.toString(), "test", "rules"));
    try (Stream<Path> files = Files.list(Repo.alerts().resolve("tests"))) {
      files.filter(p -> p.toString().endsWith(".test.yaml"))
          .sorted()
          .forEach(p -> cmd.add(Repo.alerts().relativize(p).toString()));
    }
    assertThat(cmd).as("promtool test files").hasSizeGreaterThan(3);
    Tools.Result r = Tools.run(cmd, Repo.alerts(), 300);
    assertThat(r.exit()).as("promtool test rules:\n" + r.output()).isZero();
    assertThat(r.output()).doesNotContain("FAILED");
  }
}
