package dev.tollgate.agent.launch;

import java.io.File;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.net.URL;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * The {@code Premain-Class}. It does as little as possible and catches everything: the agent's
 * first rule is that it never stops the application from starting.
 *
 * <p>Class loading: the agent jar is on the system class path, where its (relocated) classes
 * can see the JDK's HTTP client and the OpenTelemetry SDK can use it. Only the tiny
 * {@code dev.tollgate.agent.bootstrap} package goes on the bootstrap class path, because classes
 * such as {@code java.net.http}'s and {@code HttpURLConnection}'s can see nothing else.
 */
public final class TollgatePremain {
  private static final String BOOTSTRAP_PACKAGE = "dev/tollgate/agent/bootstrap/";
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
      inst.appendToBootstrapClassLoaderSearch(new JarFile(bootstrapJar(jar)));
      Class<?> installer = Class.forName(INSTALLER, true, TollgatePremain.class.getClassLoader());
      Method install =
          installer.getMethod("install", String.class, Instrumentation.class, File.class);
      install.invoke(null, args, inst, jar);
    } catch (Throwable t) {
      System.err.println("[tollgate] failed to start, the application runs without it: " + t);
    }
  }

  /** Copies the bootstrap package out of the agent jar into a small temporary jar. */
  private static File bootstrapJar(File agentJar) throws Exception {
    File out = File.createTempFile("tollgate-bootstrap", ".jar");
    out.deleteOnExit();
    try (JarFile in = new JarFile(agentJar);
        JarOutputStream jar = new JarOutputStream(new FileOutputStream(out))) {
      Enumeration<JarEntry> entries = in.entries();
      while (entries.hasMoreElements()) {
        JarEntry e = entries.nextElement();
        if (e.getName().startsWith(BOOTSTRAP_PACKAGE) && !e.isDirectory()) {
          jar.putNextEntry(new JarEntry(e.getName()));
          try (InputStream is = in.getInputStream(e)) {
            is.transferTo(jar);
          }
          jar.closeEntry();
        }
      }
    }
    return out;
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
