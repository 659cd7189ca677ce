package dev.tollgate.agent.installer;

import dev.tollgate.agent.bootstrap.Bridge;
import dev.tollgate.agent.bootstrap.Hooks;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code java -jar tollgate-agent.jar warm-cache --class-path <the application's class path>}:
 * fills the class cache ahead of the application's first start, so that start is a warm one.
 *
 * <p>The jar's manifest names the agent as its {@code Launcher-Agent-Class}, so {@code java -jar}
 * starts the agent exactly as {@code -javaagent} would, with the same configuration (cache
 * directory included), before this main runs. Loading each client class the agent instruments from
 * the given class path (and the JDK's own from this JDK) makes the agent transform and store it.
 * An entry is used later only for identical class bytes, so run it with the JDK and libraries the
 * application will run with, as the user it will run as: in a container image, a build step after
 * the application's jars are in place.
 */
public final class WarmCache {
  private WarmCache() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    String classPath = "";
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("warm-cache") && i == 0) {
        continue;
      }
      if ((a.equals("--class-path") || a.equals("-cp")) && i + 1 < args.length) {
        classPath = args[++i];
      } else if (a.startsWith("--class-path=")) {
        classPath = a.substring("--class-path=".length());
      } else {
        err.println(usage(a.equals("--help") || a.equals("-h") ? null : "unknown argument: " + a));
        return a.equals("--help") || a.equals("-h") ? 0 : 2;
      }
    }
    if (Bridge.hooks == Hooks.NOOP) {
      err.println(
          "[tollgate] warm-cache: the agent did not start in this JVM (tollgate.enabled=false, or"
              + " a JVM older than 9 that ignores Launcher-Agent-Class); nothing was cached");
      return 2;
    }
    Path dir = AgentInstaller.cacheDirectory();
    if (dir == null) {
      err.println(
          "[tollgate] warm-cache: the class cache is off in this JVM (see the message above, or"
              + " tollgate.cache.dir=off); nothing was cached");
      return 2;
    }
    List<URL> urls = new ArrayList<>();
    try {
      for (File f : expand(classPath)) {
        urls.add(f.toURI().toURL());
      }
    } catch (MalformedURLException e) {
      err.println("[tollgate] warm-cache: bad class path entry: " + e.getMessage());
      return 2;
    }
    // The application's libraries in a loader of their own, over the JDK's platform classes.
    URLClassLoader loader =
        new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    Map<String, String> outcome = new TreeMap<>();
    int cached = 0;
    for (String internal : Targets.byInternalName().keySet()) {
      String name = internal.replace('/', '.');
      try {
        Class.forName(name, false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        outcome.put(name, "not on the class path");
        continue;
      }
      if (hasEntry(dir, name)) {
        outcome.put(name, "cached");
        cached++;
      } else {
        outcome.put(name, "loaded, but no entry was stored (loaded before the agent, or transformed by another agent first)");
      }
    }
    out.println("[tollgate] class cache " + dir);
    outcome.forEach((name, what) -> out.println("  " + name + ": " + what));
    out.println("[tollgate] " + cached + " of " + outcome.size() + " client classes cached");
    return cached > 0 ? 0 : 1;
  }

  private static boolean hasEntry(Path dir, String className) {
    String prefix = className + "-";
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .map(p -> p.getFileName().toString())
          .anyMatch(n -> n.startsWith(prefix) && n.endsWith(".class-cache"));
    } catch (IOException e) {
      return false;
    }
  }

  /** Class path entries as {@code java -cp} reads them, {@code dir/*} meaning the jars in dir. */
  static List<File> expand(String classPath) {
    List<File> files = new ArrayList<>();
    for (String e : classPath.split(File.pathSeparator)) {
      if (e.isEmpty()) {
        continue;
      }
      if (e.endsWith("*") && (e.length() == 1 || e.charAt(e.length() - 2) == File.separatorChar || e.charAt(e.length() - 2) == '/')) {
        File d = new File(e.substring(0, e.length() - 1).isEmpty() ? "." : e.substring(0, e.length() - 1));
        File[] jars = d.listFiles((x, n) -> n.endsWith(".jar") || n.endsWith(".JAR"));
        if (jars != null) {
          java.util.Arrays.sort(jars);
          files.addAll(List.of(jars));
        }
      } else {
        files.add(new File(e));
      }
    }
    return files;
  }

  private static String usage(String problem) {
    return (problem == null ? "" : "[tollgate] " + problem + "\n")
        + "usage: java [-Dtollgate.cache.dir=DIR] -jar tollgate-agent.jar warm-cache --class-path PATH\n"
        + "  Fills the agent's class cache for the HTTP clients found on PATH (the application's\n"
        + "  class path; dir/* means the jars in dir) and for this JDK's own clients, so the\n"
        + "  application's first start with -javaagent is a warm one. Run it with the same JDK,\n"
        + "  libraries and user as the application.";
  }
}
