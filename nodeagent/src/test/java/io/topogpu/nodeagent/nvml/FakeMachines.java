package io.topogpu.nodeagent.nvml;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fake {@code libnvidia-ml.so.1} (src/test/native, built by Maven into target/native) and its
 * machine files (src/test/resources/machines). Tests that need the library skip themselves, with
 * the reason, when it was not built (no gcc).
 */
public final class FakeMachines {
  /**
   * Strong references to the loaded fakes: JNA caches libraries weakly and unloads one that becomes
   * unreachable, which would reset the machine it was told to serve.
   */
  private static final Map<Path, NativeLibrary> LOADED = new ConcurrentHashMap<>();

  private FakeMachines() {}

  /** A machine file: its path and its text. */
  public record Machine(String name, Path path, String text) {
    /** The {@code nvidia-smi topo -m} block the fake serves: everything after the {@code topo} line. */
    public String topo() {
      int at = text.indexOf("\ntopo\n");
      return at < 0 ? "" : text.substring(at + "\ntopo\n".length());
    }

    /** Lines of the description (before the topo block) that start with {@code key + " "}. */
    public List<String> lines(String key) {
      int at = text.indexOf("\ntopo\n");
      String head = at < 0 ? text : text.substring(0, at);
      return head.lines().filter(l -> l.startsWith(key + " ")).toList();
    }
  }

  public static Machine machine(String name) {
    try {
      Path p = Path.of(FakeMachines.class.getResource("/machines/" + name + ".machine").toURI());
      return new Machine(name, p, Files.readString(p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalArgumentException("no machine file " + name, e);
    }
  }

  /** Path of the current-driver fake library; skips the test when it was not built. */
  public static Path library() {
    return built("libnvidia-ml.so.1");
  }

  /** Path of the old-driver build, which lacks the newer entry points. */
  public static Path oldDriverLibrary() {
    return built("old-driver/libnvidia-ml.so.1");
  }

  private static Path built(String file) {
    String dir = System.getProperty("topogpu.fakeNvmlDir", "target/native");
    Path lib = Path.of(dir, file).toAbsolutePath();
    assumeTrue(Files.isRegularFile(lib), "fake NVML library " + lib + " was not built (gcc not found?): skipping");
    return lib;
  }

  /**
   * Makes the fake {@code library} read GPU health from {@code file} (lost, nvlink-down and xid lines,
   * see fake_nvml.c) from its next call on; {@code null} stops it.
   */
  public static void health(Path library, Path file) {
    LOADED.computeIfAbsent(library, l -> NativeLibrary.getInstance(l.toString())).getFunction("fake_nvml_set_health")
        .invokeVoid(new Object[] {file == null ? "" : file.toString()});
  }

  /** A binding over {@code library} that will serve {@code machine} at its next init. */
  public static JnaNvml serving(Path library, Machine machine) {
    LOADED.computeIfAbsent(library, l -> NativeLibrary.getInstance(l.toString())).getFunction("fake_nvml_set_machine")
        .invokeVoid(new Object[] {machine.path().toString()});
    return new JnaNvml(library.toString());
  }
}
