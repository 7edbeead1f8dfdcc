package io.topogpu.scheduler.cli;

import io.topogpu.scheduler.config.PolicyException;
import io.topogpu.scheduler.config.PolicyLoader;
import io.topogpu.scheduler.kube.KubeObjectException;
import io.topogpu.scheduler.kube.Snapshot;
import io.topogpu.scheduler.kube.SnapshotReader;
import io.topogpu.scheduler.ledger.Ledger;
import io.topogpu.scheduler.ledger.LedgerNote;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Decision;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.topology.Keys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code topogpu place}: what-if placement against a snapshot. Rebuilds the ledger from the
 * snapshot's pods, then ranks every node for each given pod in order; a pod that finds a node is
 * held there before the next pod is placed. Exit 0 when every pod found a node, 1 when one did
 * not, 2 for unusable input.
 */
@Command(name = "place", mixinStandardHelpOptions = true,
    description = "Show which node and GPUs a pod would get, and why every other node was not chosen.")
public final class PlaceCommand implements Callable<Integer> {
  enum Format { text, json }

  @Spec
  CommandSpec spec;

  @Option(names = "--snapshot", required = true, paramLabel = "FILE",
      description = "output of kubectl get nodes,pods -A -o json")
  Path snapshot;

  @Option(names = "--pod", required = true, paramLabel = "FILE",
      description = "pod manifest (JSON or YAML); repeat to place several pods in order")
  List<Path> pods;

  @Option(names = "--config", paramLabel = "FILE", description = "policy file (default: preset topology-first)")
  Path config;

  @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE})")
  Format format;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Policy policy;
    Snapshot cluster;
    List<PodInfo> wanted = new ArrayList<>();
    try {
      policy = config == null ? Policy.defaults() : PolicyLoader.load(config);
      cluster = SnapshotReader.read(name(snapshot), read(snapshot));
      for (Path p : pods) {
        PodInfo pod = SnapshotReader.readPod(name(p), read(p));
        if (!pod.managed()) {
          throw new KubeObjectException(name(p) + ": spec: requests none of " + Keys.RESOURCE_GPU + ", "
              + Keys.RESOURCE_MIG_PREFIX + "<profile>, " + Keys.RESOURCE_GPU_MILLI + "; topogpu does not place it");
        }
        wanted.add(pod);
      }
    } catch (KubeObjectException | PolicyException | IllegalArgumentException | BadFile e) {
      err.println(e.getMessage());
      err.flush();
      return SchedulerMain.EXIT_BAD_INPUT;
    }
    Placer placer = new Placer(policy);
    Ledger ledger = new Ledger();
    List<LedgerNote> notes = ledger.rebuild(cluster.nodes(), cluster.pods(), placer::attribute);
    List<PlaceReport> reports = new ArrayList<>();
    boolean allPlaced = true;
    for (PodInfo pod : wanted) {
      ledger.release(pod.key());
      Decision d = placer.rank(pod, ledger.nodes());
      reports.add(PlaceReport.of(pod, d, ledger));
      if (d.best().isPresent()) {
        ledger.allocate(pod.key(), d.best().get().assignment().orElseThrow());
      } else {
        allPlaced = false;
      }
    }
    if (format == Format.json) {
      out.println(PlaceReport.json(reports, notes));
    } else {
      reports.forEach(r -> out.print(r.text()));
      notes.forEach(n -> out.println("ledger: " + n));
    }
    out.flush();
    return allPlaced ? 0 : 1;
  }

  private static String name(Path p) {
    return p.getFileName().toString();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BadFile(p + ": cannot read: " + e.getMessage());
    }
  }

  private static final class BadFile extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadFile(String message) {
      super(message);
    }
  }
}
