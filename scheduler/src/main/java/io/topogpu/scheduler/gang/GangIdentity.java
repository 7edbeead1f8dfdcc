package io.topogpu.scheduler.gang;

import java.util.Objects;

/**
 * Which gang a pod belongs to and how many members the gang has, resolved once at the edge by
 * {@link GangIdentities}. Gangs are namespaced: {@link #key()} is {@code namespace/name}.
 *
 * @param source the convention the pod used, for messages ("size from PodGroup minMember")
 */
public record GangIdentity(String namespace, String name, int size, GangSource source) {
  public GangIdentity {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(source, "source");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("gang name must not be blank");
    }
    if (size < 1) {
      throw new IllegalArgumentException("gang " + namespace + "/" + name + ": size must be >= 1, got " + size);
    }
  }

  public String key() {
    return namespace + "/" + name;
  }
}
