package dev.tollgate.agent.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Jars the build copied next to the agent jar (maven-dependency-plugin, pre-integration-test). */
final class Libs {
  private Libs() {}

  static Path target() {
    return AgentProcess.agentJar().toAbsolutePath().getParent();
  }

  /** Every jar in target/{name}, as a class path. */
  static String dir(String name) {
    try (Stream<Path> s = Files.list(target().resolve(name))) {
      return s.filter(p -> p.toString().endsWith(".jar"))
          .sorted()
          .map(Path::toString)
          .collect(Collectors.joining(File.pathSeparator));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
