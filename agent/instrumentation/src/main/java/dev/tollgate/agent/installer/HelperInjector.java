package dev.tollgate.agent.installer;

import java.io.File;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.utility.JavaModule;

/**
 * Defines helper classes in the class loader of the library they extend.
 *
 * <p>An OkHttp interceptor or an Apache exec-chain handler implements the library's own types, so
 * it must be defined by a loader that sees the library: in a Spring Boot fat jar or an application
 * server that is a child loader, never the system loader the agent lives in. Each helper package
 * ({@code ...instrumentation.<client>.inject}) is therefore copied, class by class, into every
 * loader that defines the instrumented type, just before that type is transformed; the advice then
 * calls the helpers by their plain names, which resolve in that loader. Helpers may reference only
 * their library, java.base, the bootstrap {@code Hooks}, and the other injected packages.
 *
 * <p>Defining a class in someone else's loader takes {@code ClassLoader.defineClass}, which
 * java.base does not open. Rather than opening java.lang to the class path's unnamed module (the
 * application's too) or using {@code sun.misc.Unsafe} (which warns on recent JDKs), one tiny class,
 * {@link DefineClassAccess}, is defined in a throwaway loader of its own; java.lang is opened to
 * that loader's module alone, and it hands back the accessible methods.
 *
 * <p>Injection runs only when a matching library type loads, never on a request path.
 *
 * <p>Helpers must not extend one another across packages, and within a package supertypes are
 * defined first: otherwise the target loader would ask its parent for the supertype, and the system
 * loader would find the agent jar's copy.
 */
public final class HelperInjector {
  private static final Map<ClassLoader, Set<String>> INJECTED = new WeakHashMap<>();
  private static final Map<String, Map<String, byte[]>> HELPERS = new HashMap<>();
  private static final Set<String> REPORTED = new HashSet<>();
  private static volatile Method defineClass;
  private static volatile Method findLoadedClass;
  private static volatile Method classLoadingLock;
  private static boolean unavailable;

  private HelperInjector() {}

  /**
   * A transformer that first injects the helper packages into the type's loader and then applies
   * {@code then}; when injection fails the type is left as it is (the advice would only find no
   * helpers).
   */
  public static AgentBuilder.Transformer injecting(
      Instrumentation inst, String[] helperPackages, AgentBuilder.Transformer then) {
    return new AgentBuilder.Transformer() {
      @Override
      public DynamicType.Builder<?> transform(
          DynamicType.Builder<?> builder,
          TypeDescription type,
          ClassLoader loader,
          JavaModule module,
          ProtectionDomain domain) {
        if (loader != null && inject(inst, loader, helperPackages)) {
          return then.transform(builder, type, loader, module, domain);
        }
        return builder;
      }
    };
  }

  /**
   * Injects the packages (in order) into the loader once; true when all of them are there.
   *
   * <p>No lock of ours is held while classes are defined: a define loads supertypes through the
   * target loader, which may need that loader's own lock, held by another thread that is itself
   * loading a class we instrument. Two threads injecting into one loader at once are harmless: each
   * helper is defined under the loader's lock for its name, after checking it is not there yet.
   */
  static boolean inject(Instrumentation inst, ClassLoader loader, String[] packages) {
    for (String pkg : packages) {
      if (injected(loader, pkg)) {
        continue;
      }
      try {
        Map<String, byte[]> classes = prepare(inst, pkg);
        if (classes == null) {
          return false;
        }
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
          define(loader, e.getKey(), e.getValue());
        }
        markInjected(loader, pkg);
      } catch (Throwable t) {
        Throwable cause = t instanceof InvocationTargetException ? t.getCause() : t;
        report(pkg, loader, cause);
        return false;
      }
    }
    return true;
  }

  private static boolean injected(ClassLoader loader, String pkg) {
    synchronized (INJECTED) {
      Set<String> done = INJECTED.get(loader);
      return done != null && done.contains(pkg);
    }
  }

  private static void markInjected(ClassLoader loader, String pkg) {
    synchronized (INJECTED) {
      Set<String> done = INJECTED.get(loader);
      if (done == null) {
        done = new HashSet<>();
        INJECTED.put(loader, done);
      }
      done.add(pkg);
    }
  }

  private static void report(String pkg, ClassLoader loader, Throwable cause) {
    synchronized (REPORTED) {
      if (!REPORTED.add(pkg)) {
        return;
      }
    }
    System.err.println(
        "[tollgate] cannot add the "
            + pkg
            + " helpers to "
            + loader
            + "; that client is not recorded there: "
            + cause);
  }

  /** The package's classes in define order, with the defining methods ready; null if unusable. */
  private static synchronized Map<String, byte[]> prepare(Instrumentation inst, String pkg)
      throws Exception {
    return access(inst) ? helpers(pkg) : null;
  }

  private static void define(ClassLoader loader, String name, byte[] bytes) throws Exception {
    Object lock = classLoadingLock.invoke(loader, name);
    synchronized (lock) {
      if (findLoadedClass.invoke(loader, name) != null) {
        return;
      }
      defineClass.invoke(loader, name, bytes, 0, bytes.length, null);
    }
  }

  /** Opens ClassLoader's defining methods through {@link DefineClassAccess}, once. */
  private static boolean access(Instrumentation inst) throws Exception {
    if (defineClass != null) {
      return true;
    }
    if (unavailable) {
      return false;
    }
    unavailable = true; // until proven otherwise: one attempt only
    String name = DefineClassAccess.class.getName();
    byte[] bytes = classBytes(name);
    Class<?> accessClass = new IsolatedLoader().define(name, bytes);
    Module javaBase = ClassLoader.class.getModule();
    Module target = accessClass.getModule();
    inst.redefineModule(
        javaBase,
        Collections.emptySet(),
        Collections.emptyMap(),
        Collections.singletonMap("java.lang", Collections.singleton(target)),
        Collections.emptySet(),
        Collections.emptyMap());
    @SuppressWarnings("unchecked")
    Supplier<Method[]> supplier = (Supplier<Method[]>) accessClass.getConstructor().newInstance();
    Method[] methods = supplier.get();
    defineClass = methods[0];
    findLoadedClass = methods[1];
    classLoadingLock = methods[2];
    unavailable = false;
    return true;
  }

  /** The helper classes of one package, superclasses and interfaces before their subtypes. */
  private static Map<String, byte[]> helpers(String pkg) throws Exception {
    Map<String, byte[]> cached = HELPERS.get(pkg);
    if (cached != null) {
      return cached;
    }
    String dir = pkg.replace('.', '/') + '/';
    Map<String, byte[]> found = new LinkedHashMap<>();
    try (JarFile jar = new JarFile(agentJar())) {
      Enumeration<JarEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        JarEntry e = entries.nextElement();
        String n = e.getName();
        if (n.startsWith(dir) && n.endsWith(".class") && n.indexOf('/', dir.length()) < 0) {
          try (InputStream in = jar.getInputStream(e)) {
            found.put(n.substring(0, n.length() - 6).replace('/', '.'), in.readAllBytes());
          }
        }
      }
    }
    if (found.isEmpty()) {
      throw new IllegalStateException("no helper classes in " + dir);
    }
    Map<String, byte[]> ordered = superTypesFirst(found);
    HELPERS.put(pkg, ordered);
    return ordered;
  }

  /**
   * Defining a class loads its supertypes through the target loader, which asks its parents first:
   * a helper supertype not yet injected would be found in the agent jar by the system loader and
   * bind the subtype to the wrong copy. So supertypes among the helpers go first.
   */
  private static Map<String, byte[]> superTypesFirst(Map<String, byte[]> classes) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    List<String> pending = new ArrayList<>(classes.keySet());
    while (!pending.isEmpty()) {
      int before = pending.size();
      for (int i = 0; i < pending.size(); i++) {
        String name = pending.get(i);
        ClassReader r = new ClassReader(classes.get(name));
        boolean ready = ready(r.getSuperName(), classes, out);
        for (String itf : r.getInterfaces()) {
          ready &= ready(itf, classes, out);
        }
        if (ready) {
          out.put(name, classes.get(name));
          pending.remove(i--);
        }
      }
      if (pending.size() == before) {
        throw new IllegalStateException("cyclic helper types: " + pending);
      }
    }
    return out;
  }

  private static boolean ready(
      String internalName, Map<String, byte[]> all, Map<String, byte[]> done) {
    if (internalName == null) {
      return true;
    }
    String n = internalName.replace('/', '.');
    return !all.containsKey(n) || done.containsKey(n);
  }

  private static byte[] classBytes(String name) throws Exception {
    try (JarFile jar = new JarFile(agentJar())) {
      JarEntry e = jar.getJarEntry(name.replace('.', '/') + ".class");
      if (e == null) {
        throw new IllegalStateException("missing " + name);
      }
      try (InputStream in = jar.getInputStream(e)) {
        return in.readAllBytes();
      }
    }
  }

  private static File agentJar() throws Exception {
    URL url = HelperInjector.class.getProtectionDomain().getCodeSource().getLocation();
    return new File(url.toURI());
  }

  /**
   * A loader of its own (parent: the bootstrap loader), whose unnamed module nobody else shares.
   */
  private static final class IsolatedLoader extends ClassLoader {
    IsolatedLoader() {
      super(null);
    }

    Class<?> define(String name, byte[] bytes) {
      return defineClass(name, bytes, 0, bytes.length);
    }
  }
}
