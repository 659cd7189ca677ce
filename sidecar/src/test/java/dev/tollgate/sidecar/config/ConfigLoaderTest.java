package dev.tollgate.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private static Config load(Map<String, String> env, String... args) throws ConfigException {
    return ConfigLoader.load(args, env).config();
  }

  @Test
  void defaultsListenOnLoopback4318() throws Exception {
    Config c = load(Map.of());
    assertThat(c.bind()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(4318);
    assertThat(c.retention()).isEqualTo(Duration.ofDays(30));
    assertThat(c.maxSeries()).isEqualTo(2000);
    assertThat(c.token()).isNull();
  }

  @Test
  void flagsBeatEnvBeatFileBeatDefaults() throws Exception {
    Path yaml = dir.resolve("sidecar.yaml");
    Files.writeString(yaml, "port: 1111\nbind: 0.0.0.0\nretention: 7d\nmax-series: 10\nmax-body-bytes: 1MB\n");
    Map<String, String> env = Map.of("TOLLGATE_SIDECAR_PORT", "2222", "TOLLGATE_SIDECAR_MAX_SERIES", "20");
    Config c = load(env, "--config", yaml.toString(), "--port=3333");
    assertThat(c.port()).isEqualTo(3333); // flag
    assertThat(c.maxSeries()).isEqualTo(20); // env
    assertThat(c.bind()).isEqualTo("0.0.0.0"); // file
    assertThat(c.retention()).isEqualTo(Duration.ofDays(7)); // file
    assertThat(c.maxBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(c.flushInterval()).isEqualTo(Duration.ofSeconds(5)); // default
    Config viaEnvFile = load(Map.of("TOLLGATE_SIDECAR_CONFIG", yaml.toString()));
    assertThat(viaEnvFile.port()).isEqualTo(1111);
  }

  @Test
  void tokenFromFileAndNeverPrinted() throws Exception {
    Path f = dir.resolve("token");
    Files.writeString(f, "abc123\n");
    Config c = load(Map.of(), "--token-file", f.toString());
    assertThat(c.token()).isEqualTo("abc123");
    assertThat(c.toString()).doesNotContain("abc123");
  }

  @Test
  void badInputGivesClearErrors() {
    assertThatThrownBy(() -> load(Map.of(), "--port", "http")).hasMessageContaining("port");
    assertThatThrownBy(() -> load(Map.of(), "--port", "70000")).hasMessageContaining("65535");
    assertThatThrownBy(() -> load(Map.of(), "--colour", "red")).hasMessageContaining("unknown option --colour");
    assertThatThrownBy(() -> load(Map.of(), "--port")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> load(Map.of(), "stray")).hasMessageContaining("unexpected argument");
    assertThatThrownBy(() -> load(Map.of(), "--retention", "soon")).hasMessageContaining("retention");
    assertThatThrownBy(() -> load(Map.of(), "--retention", "5m")).hasMessageContaining("at least 1h");
    assertThatThrownBy(() -> load(Map.of(), "--max-body-bytes", "lots")).hasMessageContaining("size");
    assertThatThrownBy(() -> load(Map.of("TOLLGATE_SIDECAR_MAX_SERIES", "0"))).hasMessageContaining("max-series");
    assertThatThrownBy(() -> load(Map.of(), "--config", dir.resolve("missing.yaml").toString()))
        .hasMessageContaining("cannot read");
  }

  @Test
  void unknownYamlKeysAreErrors() throws Exception {
    Path yaml = dir.resolve("bad.yaml");
    Files.writeString(yaml, "prot: 1\n");
    assertThatThrownBy(() -> load(Map.of(), "--config", yaml.toString())).hasMessageContaining("unknown key 'prot'");
    Files.writeString(yaml, "- a\n- b\n");
    assertThatThrownBy(() -> load(Map.of(), "--config", yaml.toString())).hasMessageContaining("mapping");
  }

  @Test
  void helpListsEveryKey() throws Exception {
    assertThat(ConfigLoader.load(new String[] {"--help"}, Map.of()).help()).isTrue();
    String usage = ConfigLoader.usage();
    for (ConfigLoader.Key k : ConfigLoader.KEYS) {
      assertThat(usage).contains("--" + k.name()).contains(k.env());
    }
  }

  @Test
  void mainExitsWithTwoOnBadConfig() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.tollgate.sidecar.Main", "--port", "nope")
            .redirectOutput(new File(dir.resolve("out").toString()))
            .redirectError(new File(dir.resolve("err").toString()))
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("err"))).contains("port").contains("--help");
  }
}
