package dev.tollgate.agent.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tollgate.openai.include_usage}: off by default; system property > environment > YAML. */
class IncludeUsageConfigTest {
  @TempDir Path dir;

  @Test
  void offByDefault() {
    assertThat(load(Map.of(), Map.of(), null).openAiIncludeUsage).isFalse();
  }

  @Test
  void eachSourceCanTurnItOnAndTheFirstSetWins() throws Exception {
    Path on = yaml("openai:\n  include_usage: true\n");
    Path off = yaml("openai:\n  include_usage: false\n");
    assertThat(load(Map.of(), Map.of(), on).openAiIncludeUsage).isTrue();
    assertThat(load(Map.of(), Map.of("TOLLGATE_OPENAI_INCLUDE_USAGE", "true"), off).openAiIncludeUsage)
        .isTrue();
    assertThat(load(Map.of("tollgate.openai.include_usage", "false"), Map.of("TOLLGATE_OPENAI_INCLUDE_USAGE", "true"), on)
            .openAiIncludeUsage)
        .isFalse();
    assertThat(load(Map.of("tollgate.openai.include_usage", "on"), Map.of(), off).openAiIncludeUsage).isTrue();
  }

  @Test
  void aBadValueIsReportedAndLeavesItOff() throws Exception {
    List<String> problems = new ArrayList<>();
    AgentConfig c =
        new ConfigLoader(Map.of("tollgate.openai.include_usage", "maybe")::get, k -> null)
            .load(Map.of(), problems);
    assertThat(c.openAiIncludeUsage).isFalse();
    assertThat(problems).singleElement().asString().contains("openai.include_usage");
    List<String> yamlProblems = new ArrayList<>();
    Path notAMap = yaml("openai: yes\n");
    new ConfigLoader(Map.of("tollgate.config", notAMap.toString())::get, k -> null).load(Map.of(), yamlProblems);
    assertThat(yamlProblems).singleElement().asString().contains("'openai' must be a mapping");
  }

  private Path yaml(String text) throws Exception {
    Path p = Files.createTempFile(dir, "tollgate", ".yaml");
    Files.writeString(p, text);
    return p;
  }

  private static AgentConfig load(Map<String, String> props, Map<String, String> env, Path file) {
    Map<String, String> p = new java.util.HashMap<>(props);
    if (file != null) {
      p.put("tollgate.config", file.toString());
    }
    List<String> problems = new ArrayList<>();
    AgentConfig c = new ConfigLoader(p::get, env::get).load(Map.of(), problems);
    assertThat(problems).isEmpty();
    return c;
  }
}
