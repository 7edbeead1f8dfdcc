package io.topogpu.e2e.harness;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout the tests run from: the folder holding {@code config/} and {@code manifests/}. */
public final class Repo {
  private Repo() {}

  /** From the {@code topogpu.root} property (set by the build), else the nearest parent with a pom and {@code e2e/}. */
  public static Path root() {
    String prop = System.getProperty("topogpu.root");
    if (prop != null) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("e2e"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the topogpu checkout from " + Path.of("").toAbsolutePath());
  }

  public static Path path(String relative) {
    return root().resolve(relative);
  }
}
