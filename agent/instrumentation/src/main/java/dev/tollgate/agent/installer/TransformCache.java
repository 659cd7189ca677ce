package dev.tollgate.agent.installer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * Transformed classes kept on disk between runs, so that a warm start never loads Byte Buddy
 * (about a thousand classes, most of the agent's start-up time).
 *
 * <p>An entry holds the class file as the JVM offered it and the class file the agent made of it;
 * it is used only when the offered bytes are identical, byte for byte, so a different JDK or library
 * version is a miss, never a wrong class. Entries live in a directory named after a checksum of the
 * whole agent jar, so a rebuilt agent starts from an empty directory. Because these bytes end up
 * running inside the application, the cache is used only in a directory the current user owns and
 * nobody else may write to; anything else turns the cache off for the run, and the agent works as
 * without it. Every I/O failure is a miss.
 */
final class TransformCache {
  private static final int MAGIC = 0x54474331; // "TGC1"
  private static final int KEEP_BUILDS = 3;

  /** A cache that never hits and stores nothing. */
  static final TransformCache OFF = new TransformCache(null, false);

  private final Path dir;
  private final boolean fresh;

  private TransformCache(Path dir, boolean fresh) {
    this.dir = dir;
    this.fresh = fresh;
  }

  /**
   * The cache for this agent build under {@code base}, or {@link #OFF} when {@code base} is null
   * or not safe to use; {@code problems} receives the reason once.
   */
  static TransformCache open(String base, File agentJar, List<String> problems) {
    if (base == null || agentJar == null) {
      return OFF;
    }
    try {
      Path root = Path.of(base);
      createPrivateDirectories(root);
      if (!privateToUser(root)) {
        problems.add(
            "class cache "
                + root
                + " is not private to this user; running without it (set tollgate.cache.dir to a"
                + " directory only this user can write, or to off)");
        return OFF;
      }
      Path build = root.resolve(buildId(agentJar));
      boolean fresh = !Files.isDirectory(build);
      if (fresh) {
        createPrivateDirectories(build);
        pruneOldBuilds(root, build);
      }
      return privateToUser(build) ? new TransformCache(build, fresh) : OFF;
    } catch (IOException | RuntimeException e) {
      problems.add(
          "class cache "
              + base
              + " is unusable ("
              + e
              + "); running without it (set tollgate.cache.dir to a writable directory, or to off)");
      return OFF;
    }
  }

  /** Null when the cache is off. */
  Path directory() {
    return dir;
  }

  boolean enabled() {
    return dir != null;
  }

  /** True when this agent build had no cache yet: every transformation will be computed. */
  boolean fresh() {
    return fresh;
  }

  /** The cached transformation of {@code original}, or null. */
  byte[] lookup(String internalName, byte[] original) {
    if (dir == null) {
      return null;
    }
    Path file = entry(internalName, original);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      if (in.readInt() != MAGIC) {
        return null;
      }
      byte[] source = readBlock(in, original.length + 1);
      if (!Arrays.equals(source, original)) {
        return null;
      }
      return readBlock(in, 64 * 1024 * 1024);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Stores a transformation; written to a temporary file and moved into place. */
  void store(String internalName, byte[] original, byte[] transformed) {
    if (dir == null) {
      return;
    }
    Path file = entry(internalName, original);
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, "entry", ".tmp");
      try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(tmp))) {
        out.writeInt(MAGIC);
        out.writeInt(original.length);
        out.write(original);
        out.writeInt(transformed.length);
        out.write(transformed);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException | RuntimeException e) {
      // a cache that cannot be written is a cache that misses
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  private Path entry(String internalName, byte[] original) {
    CRC32 crc = new CRC32();
    crc.update(original);
    return dir.resolve(
        internalName.replace('/', '.') + '-' + Long.toHexString(crc.getValue()) + ".class-cache");
  }

  private static byte[] readBlock(DataInputStream in, int max) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > max) {
      throw new IOException("bad cache entry");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  /**
   * Identifies the agent build: two independent checksums of the jar's central directory, which
   * lists every entry with the CRC-32 of its content, so any change to any class changes it. That
   * is a few hundred kilobytes to read rather than the whole jar. A jar whose directory cannot be
   * found (ZIP64, a trailing comment too long) is checksummed whole.
   */
  static String buildId(File agentJar) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(agentJar, "r")) {
      long length = f.length();
      int tail = (int) Math.min(length, 22 + 0xFFFF);
      byte[] end = new byte[tail];
      f.seek(length - tail);
      f.readFully(end);
      for (int i = tail - 22; i >= 0; i--) {
        if (le32(end, i) == 0x06054b50L) {
          long cenSize = le32(end, i + 12);
          long cenOffset = le32(end, i + 16);
          if (cenSize > 0 && cenSize < (64 << 20) && cenOffset + cenSize <= length) {
            byte[] cen = new byte[(int) cenSize];
            f.seek(cenOffset);
            f.readFully(cen);
            return id("c", length, cen, cen.length);
          }
          break;
        }
      }
      CRC32C a = new CRC32C();
      CRC32 b = new CRC32();
      byte[] buf = new byte[1 << 16];
      f.seek(0);
      int n;
      while ((n = f.read(buf)) > 0) {
        a.update(buf, 0, n);
        b.update(buf, 0, n);
      }
      return "f" + Long.toHexString(length) + '-' + Long.toHexString(a.getValue()) + Long.toHexString(b.getValue());
    }
  }

  private static String id(String kind, long length, byte[] data, int n) {
    CRC32C a = new CRC32C();
    CRC32 b = new CRC32();
    a.update(data, 0, n);
    b.update(data, 0, n);
    return kind + Long.toHexString(length) + '-' + Long.toHexString(a.getValue()) + Long.toHexString(b.getValue());
  }

  private static long le32(byte[] b, int i) {
    return (b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16 | (b[i + 3] & 0xffL) << 24;
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  private static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (posix()) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
  }

  /** Owned by the current user, and (where POSIX permissions exist) writable by nobody else. */
  static boolean privateToUser(Path dir) throws IOException {
    if (!Files.isDirectory(dir) || Files.isSymbolicLink(dir)) {
      return false;
    }
    // The current user is whoever owns a file this process creates: user.name is "?" in
    // containers that run as a user without a passwd entry.
    Path probe = Files.createTempFile(dir, "owner", ".tmp");
    try {
      if (!Files.getOwner(dir).equals(Files.getOwner(probe))) {
        return false;
      }
    } finally {
      Files.deleteIfExists(probe);
    }
    if (posix()) {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(dir);
      return !p.contains(PosixFilePermission.GROUP_WRITE)
          && !p.contains(PosixFilePermission.OTHERS_WRITE);
    }
    return true;
  }

  /** Keeps the few most recently created build directories; older agents' entries are deleted. */
  private static void pruneOldBuilds(Path root, Path current) {
    List<Path> builds = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(root)) {
      for (Path p : s) {
        if (Files.isDirectory(p) && !Files.isSymbolicLink(p) && !p.equals(current)) {
          builds.add(p);
        }
      }
      builds.sort(Comparator.comparingLong(TransformCache::modified).reversed());
      for (int i = KEEP_BUILDS - 1; i < builds.size(); i++) {
        deleteEntries(builds.get(i));
      }
    } catch (IOException | RuntimeException e) {
      // stale entries only cost disk space
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  private static void deleteEntries(Path build) throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(build, "*.{class-cache,tmp}")) {
      for (Path p : s) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(build);
  }
}
