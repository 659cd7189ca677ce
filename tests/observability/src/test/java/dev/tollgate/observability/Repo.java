package dev.tollgate.observability;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the repository, from the {@code tollgate.repo.root} system property set by the pom. */
final class Repo {
  private Repo() {}

  static Path root() {
    String p = System.getProperty("tollgate.repo.root");
    Path root = Path.of(p == null ? "../.." : p).toAbsolutePath().normalize();
    if (!Files.isDirectory(root.resolve("dashboards"))) {
      throw new IllegalStateException("not the repository root (no dashboards/): " + root);
    }
    return root;
  }

  static Path dashboards() {
    return root().resolve("dashboards");
  }

  static Path alerts() {
    return root().resolve("alerts").resolve("prometheus");
  }

  static Path runbooks() {
    return root().resolve("docs").resolve("runbooks");
  }
}
