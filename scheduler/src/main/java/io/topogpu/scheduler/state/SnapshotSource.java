package io.topogpu.scheduler.state;

import io.topogpu.scheduler.bind.Binder;
import io.topogpu.scheduler.bind.InMemoryBinder;
import io.topogpu.scheduler.kube.Snapshot;
import io.topogpu.scheduler.kube.SnapshotReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Offline state: the nodes and pods of one {@code kubectl get nodes,pods -A -o json} file, loaded
 * once (read and validated when the source is built, so a bad file fails at start-up); binds are
 * kept in memory ({@link InMemoryBinder}).
 */
public final class SnapshotSource implements StateSource {
  private final Snapshot snapshot;
  private final InMemoryBinder binder = new InMemoryBinder();

  public SnapshotSource(Snapshot snapshot) {
    this.snapshot = snapshot;
  }

  /**
   * Reads and validates {@code file}.
   *
   * @throws io.topogpu.scheduler.kube.KubeObjectException naming the item and field of a bad entry
   * @throws IllegalArgumentException when the file cannot be read
   */
  public static SnapshotSource read(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return new SnapshotSource(SnapshotReader.read(file.getFileName().toString(), text));
    } catch (IOException e) {
      throw new IllegalArgumentException("--snapshot " + file + ": cannot read: " + e.getMessage());
    }
  }

  @Override
  public void start(ClusterState state) {
    state.replaceAll(snapshot::nodes, snapshot::pods);
  }

  @Override
  public boolean announcesNewPods() {
    return false;
  }

  @Override
  public Binder binder() {
    return binder;
  }

  @Override
  public void close() {}
}
