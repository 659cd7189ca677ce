package dev.tollgate.agent.installer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransformCacheTest {
  @TempDir Path tmp;

  private static final byte[] ORIGINAL = "original class bytes".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TRANSFORMED = "transformed class bytes".getBytes(StandardCharsets.UTF_8);

  @Test
  void aStoredTransformationIsFoundForTheSameBytesOnly() throws IOException {
    TransformCache cache = open(jar("A.class", "one"));
    assertThat(cache.enabled()).isTrue();
    assertThat(cache.fresh()).isTrue();
    assertThat(cache.lookup("a/B", ORIGINAL)).isNull();

    cache.store("a/B", ORIGINAL, TRANSFORMED);

    assertThat(cache.lookup("a/B", ORIGINAL)).isEqualTo(TRANSFORMED);
    assertThat(cache.lookup("a/B", "other bytes".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(cache.lookup("a/C", ORIGINAL)).isNull();
  }

  @Test
  void theSameAgentFindsItsEntriesInTheNextRun() throws IOException {
    File agent = jar("A.class", "one");
    open(agent).store("a/B", ORIGINAL, TRANSFORMED);

    TransformCache again = open(agent);

    assertThat(again.fresh()).isFalse();
    assertThat(again.lookup("a/B", ORIGINAL)).isEqualTo(TRANSFORMED);
  }

  @Test
  void aRebuiltAgentStartsFromAnEmptyCache() throws IOException {
    open(jar("A.class", "one")).store("a/B", ORIGINAL, TRANSFORMED);

    TransformCache rebuilt = open(jar("A.class", "two"));

    assertThat(rebuilt.fresh()).isTrue();
    assertThat(rebuilt.lookup("a/B", ORIGINAL)).isNull();
  }

  @Test
  void theBuildIdFollowsEveryEntrysContent() throws IOException {
    String one = TransformCache.buildId(jar("A.class", "one"));
    assertThat(TransformCache.buildId(jar("A.class", "one"))).isEqualTo(one);
    assertThat(TransformCache.buildId(jar("A.class", "One"))).isNotEqualTo(one);
    assertThat(TransformCache.buildId(jar("B.class", "one"))).isNotEqualTo(one);
  }

  @Test
  void aDamagedEntryIsAMiss() throws IOException {
    TransformCache cache = open(jar("A.class", "one"));
    cache.store("a/B", ORIGINAL, TRANSFORMED);
    try (Stream<Path> files = Files.walk(tmp.resolve("cache"))) {
      for (Path p : files.filter(p -> p.toString().endsWith(".class-cache")).toArray(Path[]::new)) {
        byte[] b = Files.readAllBytes(p);
        Files.write(p, java.util.Arrays.copyOf(b, b.length - 5));
      }
    }
    assertThat(cache.lookup("a/B", ORIGINAL)).isNull();
  }

  @Test
  void aDirectoryOthersCanWriteIsNotUsed() throws IOException {
    Path shared = Files.createDirectories(tmp.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    List<String> problems = new ArrayList<>();

    TransformCache cache = TransformCache.open(shared.toString(), jar("A.class", "one"), problems);

    assertThat(cache.enabled()).isFalse();
    assertThat(problems).singleElement().asString().contains("not private");
    cache.store("a/B", ORIGINAL, TRANSFORMED);
    assertThat(cache.lookup("a/B", ORIGINAL)).isNull();
  }

  @Test
  void noDirectoryMeansNoCache() throws IOException {
    List<String> problems = new ArrayList<>();
    assertThat(TransformCache.open(null, jar("A.class", "one"), problems).enabled()).isFalse();
    assertThat(problems).isEmpty();
  }

  @Test
  void aDirectoryThatCannotBeCreatedTurnsTheCacheOff() throws IOException {
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    List<String> problems = new ArrayList<>();

    TransformCache cache =
        TransformCache.open(file.resolve("sub").toString(), jar("A.class", "one"), problems);

    assertThat(cache.enabled()).isFalse();
    assertThat(problems).singleElement().asString().contains("unusable");
  }

  private TransformCache open(File agent) {
    List<String> problems = new ArrayList<>();
    TransformCache cache = TransformCache.open(tmp.resolve("cache").toString(), agent, problems);
    assertThat(problems).isEmpty();
    return cache;
  }

  private int jars;

  private File jar(String entry, String content) throws IOException {
    File f = tmp.resolve("agent" + (jars++) + ".jar").toFile();
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(f.toPath()))) {
      // A fixed time: the central directory records each entry's time (to two seconds), and two
      // jars written either side of such a boundary would differ in more than their content.
      JarEntry e = new JarEntry(entry);
      e.setTime(1_700_000_000_000L);
      out.putNextEntry(e);
      OutputStream o = out;
      o.write(content.getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return f;
  }
}
