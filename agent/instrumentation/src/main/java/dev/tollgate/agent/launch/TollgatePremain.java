package dev.tollgate.agent.launch;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.net.URL;
import java.util.jar.JarFile;

/**
 * The {@code Premain-Class}. It is loaded by the system class loader, so it does as little as
 * possible: checks that the agent is wanted and the JVM can host it, puts the agent jar on the
 * bootstrap class path (instrumented JDK classes such as {@code java.net.http} can only see classes
 * there), and hands over to the installer loaded from the bootstrap loader. It catches everything:
 * the agent's first rule is that it never stops the application from starting.
 */
public final class TollgatePremain {
  private static final String INSTALLER = "dev.tollgate.agent.installer.AgentInstaller";

  private TollgatePremain() {}

  public static void premain(String args, Instrumentation inst) {
    start(args, inst);
  }

  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst);
  }

  private static void start(String args, Instrumentation inst) {
    try {
      String enabled = System.getProperty("tollgate.enabled", System.getenv("TOLLGATE_ENABLED"));
      if ("false".equalsIgnoreCase(enabled)) {
        return;
      }
      if (javaFeatureVersion() < 11) {
        System.err.println("[tollgate] needs Java 11 or newer; the agent is off for this JVM");
        return;
      }
      File jar = agentJar();
      if (jar == null) {
        System.err.println("[tollgate] cannot locate the agent jar; the agent is off");
        return;
      }
      inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
      Class<?> installer = Class.forName(INSTALLER, true, null);
      Method install =
          installer.getMethod("install", String.class, Instrumentation.class, File.class);
      install.invoke(null, args, inst, jar);
    } catch (Throwable t) {
      System.err.println("[tollgate] failed to start, the application runs without it: " + t);
    }
  }

  private static File agentJar() throws Exception {
    URL url = TollgatePremain.class.getProtectionDomain().getCodeSource().getLocation();
    if (url == null) {
      return null;
    }
    File f = new File(url.toURI());
    return f.isFile() ? f : null;
  }

  private static int javaFeatureVersion() {
    String v = System.getProperty("java.specification.version", "0");
    if (v.startsWith("1.")) {
      return 8;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
