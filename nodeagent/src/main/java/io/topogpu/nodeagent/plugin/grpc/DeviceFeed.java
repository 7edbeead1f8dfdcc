package io.topogpu.nodeagent.plugin.grpc;

import io.topogpu.nodeagent.plugin.Inventory;
import io.topogpu.nodeagent.plugin.PluginDevice;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The current {@link Inventory} and the ListAndWatch streams that follow it. A stream gets the full
 * list of its resource when it subscribes and again whenever that list changes (health included).
 */
public final class DeviceFeed {
  private record Watcher(String resource, Consumer<List<PluginDevice>> sink) {}

  private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
  private volatile Inventory inventory;

  public DeviceFeed(Inventory initial) {
    this.inventory = initial;
  }

  public Inventory inventory() {
    return inventory;
  }

  /** Publishes a new inventory; streams of resources whose devices changed are sent the new list. */
  public synchronized void update(Inventory next) {
    Map<String, List<PluginDevice>> before = inventory.byResource();
    inventory = next;
    for (Watcher w : watchers) {
      List<PluginDevice> now = next.devices(w.resource());
      if (!now.equals(before.getOrDefault(w.resource(), List.of()))) {
        w.sink().accept(now);
      }
    }
  }

  synchronized Runnable subscribe(String resource, Consumer<List<PluginDevice>> sink) {
    Watcher w = new Watcher(resource, sink);
    watchers.add(w);
    sink.accept(inventory.devices(resource));
    return () -> watchers.remove(w);
  }
}
