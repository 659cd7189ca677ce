package dev.tollgate.agent.launch;

import java.io.File;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.function.BiFunction;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * The {@code Premain-Class}. It does as little as possible and catches everything: the agent's
 * first rule is that it never stops the application from starting.
 *
 * <p>Class loading: the agent jar is on the system class path, where its (relocated) classes
 * can see the JDK's HTTP client and the OpenTelemetry SDK can use it. Only the tiny
 * {@code dev.tollgate.agent.bootstrap} package goes to the bootstrap loader, because classes such
 * as {@code java.net.http}'s and {@code HttpURLConnection}'s can see nothing else. Its classes are
 * defined there directly ({@link BootDefiner}); appending a jar to the bootstrap search path, the
 * fallback, turns off class data sharing for the application's classes.
 */
public final class TollgatePremain {
  private static final String BOOTSTRAP_PACKAGE = "dev/tollgate/agent/bootstrap/";

  /**
   * The bootstrap package's classes, supertypes first. {@code AgentJarPackagingIT} fails the build
   * when this list and the jar disagree.
   */
  static final String[] BOOTSTRAP_CLASSES = {
    "dev.tollgate.agent.bootstrap.Hooks",
    "dev.tollgate.agent.bootstrap.Hooks$1",
    "dev.tollgate.agent.bootstrap.Rejection",
    "dev.tollgate.agent.bootstrap.Bridge",
  };
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
      if (!defineInBootstrapLoader(inst)) {
        inst.appendToBootstrapClassLoaderSearch(new JarFile(bootstrapJar(jar)));
      }
      Class<?> installer = Class.forName(INSTALLER, true, TollgatePremain.class.getClassLoader());
      Method install =
          installer.getMethod("install", String.class, Instrumentation.class, File.class);
      install.invoke(null, args, inst, jar);
    } catch (Throwable t) {
      System.err.println("[tollgate] failed to start, the application runs without it: " + t);
    }
  }

  /**
   * Defines the bootstrap package in the bootstrap loader through {@link BootDefiner}; false when
   * this JVM does not allow it (the caller then falls back to a bootstrap jar).
   */
  private static boolean defineInBootstrapLoader(Instrumentation inst) {
    if (Boolean.getBoolean("tollgate.bootstrap.jar")) {
      return false;
    }
    try {
      ClassLoader agentLoader = TollgatePremain.class.getClassLoader();
      Class<?> definerClass =
          new IsolatedLoader().define(BootDefiner.class.getName(), classBytes(agentLoader, BootDefiner.class.getName()));
      inst.redefineModule(
          Object.class.getModule(),
          Collections.emptySet(),
          Collections.singletonMap("jdk.internal.misc", Collections.singleton(definerClass.getModule())),
          Collections.emptyMap(),
          Collections.emptySet(),
          Collections.emptyMap());
      @SuppressWarnings("unchecked")
      BiFunction<String, byte[], Class<?>> definer =
          (BiFunction<String, byte[], Class<?>>) definerClass.getConstructor().newInstance();
      for (String name : BOOTSTRAP_CLASSES) {
        if (!definedInBootstrap(name)) {
          definer.apply(name, classBytes(agentLoader, name));
        }
      }
      return true;
    } catch (Throwable t) {
      // A partly defined package is completed by the jar: the bootstrap loader finds each class
      // once, whichever way it came.
      return false;
    }
  }

  /** True when the bootstrap loader already has the class (the agent was attached before). */
  private static boolean definedInBootstrap(String name) {
    try {
      Class.forName(name, false, null);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static byte[] classBytes(ClassLoader loader, String name) throws Exception {
    try (InputStream in = loader.getResourceAsStream(name.replace('.', '/') + ".class")) {
      if (in == null) {
        throw new IllegalStateException("the agent jar has no " + name);
      }
      return in.readAllBytes();
    }
  }

  /** A loader of its own (parent: the bootstrap loader) whose unnamed module nobody else shares. */
  private static final class IsolatedLoader extends ClassLoader {
    IsolatedLoader() {
      super(null);
    }

    Class<?> define(String name, byte[] bytes) {
      return defineClass(name, bytes, 0, bytes.length);
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
