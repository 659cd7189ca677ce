package dev.tollgate.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The agent jar is one file whose every class lives under the project's own package. */
class AgentJarPackagingIT {
  @Test
  void everyEntryIsUnderTheProjectsPackageOrMetaInf() throws IOException {
    List<String> leaks = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<String> duplicates = new ArrayList<>();
    try (JarFile jar = new JarFile(AgentProcess.agentJar().toFile())) {
      for (JarEntry e : java.util.Collections.list(jar.entries())) {
        String n = e.getName();
        if (!seen.add(n)) {
          duplicates.add(n);
        }
        if (e.isDirectory()) {
          continue;
        }
        if (!(n.startsWith("dev/tollgate/") || n.startsWith("META-INF/"))) {
          leaks.add(n);
        }
        if (n.startsWith("META-INF/") && n.endsWith(".class")) {
          leaks.add(n);
        }
      }
    }
    assertThat(leaks).as("entries outside dev/tollgate/ and META-INF/").isEmpty();
    assertThat(duplicates).isEmpty();
    assertThat(seen).contains("dev/tollgate/shaded/net/bytebuddy/ByteBuddy.class");
    assertThat(seen).anyMatch(n -> n.startsWith("dev/tollgate/shaded/io/opentelemetry/sdk/"));
    assertThat(seen).anyMatch(n -> n.startsWith("dev/tollgate/shaded/com/fasterxml/jackson/databind/"));
  }

  @Test
  void servicesFilesNameRelocatedClasses() throws IOException {
    try (JarFile jar = new JarFile(AgentProcess.agentJar().toFile())) {
      for (JarEntry e : java.util.Collections.list(jar.entries())) {
        if (e.getName().startsWith("META-INF/services/") && !e.isDirectory()) {
          assertThat(e.getName()).startsWith("META-INF/services/dev.tollgate.");
          String body = new String(jar.getInputStream(e).readAllBytes());
          for (String line : body.split("\n")) {
            String l = line.trim();
            if (!l.isEmpty() && !l.startsWith("#")) {
              assertThat(l).startsWith("dev.tollgate.");
            }
          }
        }
      }
    }
  }

  @Test
  void manifestDeclaresTheAgent() throws IOException {
    try (JarFile jar = new JarFile(AgentProcess.agentJar().toFile())) {
      Attributes a = jar.getManifest().getMainAttributes();
      assertThat(a.getValue("Premain-Class")).isEqualTo("dev.tollgate.agent.launch.TollgatePremain");
      assertThat(a.getValue("Agent-Class")).isEqualTo("dev.tollgate.agent.launch.TollgatePremain");
      assertThat(a.getValue("Can-Retransform-Classes")).isEqualTo("true");
      assertThat(a.getValue("Multi-Release")).isNull();
    }
  }

  @Test
  void agentClassesTargetJava11() throws IOException {
    try (JarFile jar = new JarFile(AgentProcess.agentJar().toFile())) {
      for (String name :
          List.of(
              "dev/tollgate/agent/launch/TollgatePremain.class",
              "dev/tollgate/agent/installer/AgentInstaller.class",
              "dev/tollgate/agent/core/CallTracker.class")) {
        byte[] b = jar.getInputStream(jar.getEntry(name)).readAllBytes();
        int major = ((b[6] & 0xff) << 8) | (b[7] & 0xff);
        assertThat(major).as(name + " class file version").isEqualTo(55);
      }
    }
  }

  /** The premain defines the bootstrap package from its own list; the jar must agree with it. */
  @Test
  void bootstrapListMatchesTheJar() throws Exception {
    java.lang.reflect.Field f =
        Class.forName("dev.tollgate.agent.launch.TollgatePremain").getDeclaredField("BOOTSTRAP_CLASSES");
    f.setAccessible(true);
    List<String> listed = List.of((String[]) f.get(null));
    List<String> inJar = new java.util.ArrayList<>();
    try (JarFile jar = new JarFile(AgentProcess.agentJar().toFile())) {
      jar.stream()
          .map(java.util.jar.JarEntry::getName)
          .filter(n -> n.startsWith("dev/tollgate/agent/bootstrap/") && n.endsWith(".class"))
          .forEach(n -> inJar.add(n.substring(0, n.length() - 6).replace('/', '.')));
    }
    assertThat(listed).containsExactlyInAnyOrderElementsOf(inJar);
  }
}
