package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.topology.Keys;
import java.util.List;
import java.util.Optional;

/**
 * Resolves a pod's gang from its labels and annotations. Order (first convention present wins;
 * a pod carrying two is resolved by the first and the others are ignored):
 *
 * <ol>
 *   <li>{@code topogpu.io/gang} + {@code topogpu.io/gang-size}, each read from the annotations,
 *       else from the labels;
 *   <li>scheduler-plugins label {@code scheduling.x-k8s.io/pod-group}; size = the PodGroup's
 *       {@code minMember} in the pod's namespace, unless the pod sets {@code topogpu.io/gang-size};
 *   <li>Volcano annotation {@code scheduling.k8s.io/group-name}, then its newer twin {@code
 *       scheduling.volcano.sh/group-name} (annotation, else label: Kubeflow Trainer sets a label);
 *       size likewise from Volcano's PodGroup, unless {@code
 *       topogpu.io/gang-size};
 *   <li>Kueue label {@code kueue.x-k8s.io/pod-group-name}; size = annotation {@code
 *       kueue.x-k8s.io/pod-group-total-count};
 *   <li>LeaderWorkerSet: one gang per group (leader + workers), named {@code <lws>-<group-index>}
 *       (the leader pod's name) from labels {@code leaderworkerset.sigs.k8s.io/name} and {@code
 *       group-index}; size = annotation {@code leaderworkerset.sigs.k8s.io/size}, unless {@code
 *       topogpu.io/gang-size};
 *   <li>JobSet: one gang per child Job (one instance of a replicated job), named {@code
 *       <jobset>-<replicated-job>-<job-index>} (the Job's name) from the {@code
 *       jobset.sigs.k8s.io/*} labels; size = {@code topogpu.io/gang-size}, which the replicated
 *       job's pod template sets to the Job's parallelism (pods carry no parallelism of their own).
 *       Without it a JobSet pod is not a gang member (single-pod Jobs keep working unchanged).
 * </ol>
 *
 * An explicit {@code topogpu.io/gang-size} always overrides an alias's own size. A size that is
 * missing, not a positive integer, or names a PodGroup that cannot be found gives {@link
 * GangResolution.Unresolved} with a message naming the key and the value: never a guess.
 */
public final class GangIdentities {
  /** One naming convention: empty when the pod does not use it. */
  @FunctionalInterface
  private interface Convention {
    Optional<GangResolution> resolve(PodInfo pod);
  }

  private final List<Convention> conventions;

  public GangIdentities(PodGroupSizes schedulerPlugins, PodGroupSizes volcano) {
    conventions = List.of(
        pod -> value(pod, Keys.GANG)
            .map(name -> sized(pod, name, GangSource.TOPOGPU, Keys.GANG_SIZE, value(pod, Keys.GANG_SIZE))),
        pod -> nonEmpty(pod.labels().get(Keys.SCHEDULER_PLUGINS_POD_GROUP))
            .map(name -> fromPodGroup(pod, name, GangSource.SCHEDULER_PLUGINS, schedulerPlugins)),
        pod -> nonEmpty(pod.annotations().get(Keys.VOLCANO_GROUP_NAME))
            .map(name -> fromPodGroup(pod, name, GangSource.VOLCANO, volcano)),
        pod -> value(pod, Keys.VOLCANO_SH_GROUP_NAME)
            .map(name -> fromPodGroup(pod, name, GangSource.VOLCANO_SH, volcano)),
        pod -> nonEmpty(pod.labels().get(Keys.KUEUE_POD_GROUP_NAME))
            .map(name -> sized(pod, name, GangSource.KUEUE, Keys.KUEUE_POD_GROUP_TOTAL_COUNT,
                nonEmpty(pod.annotations().get(Keys.KUEUE_POD_GROUP_TOTAL_COUNT)))),
        pod -> nonEmpty(pod.labels().get(Keys.LWS_NAME)).map(lws -> leaderWorkerGroup(pod, lws)),
        pod -> nonEmpty(pod.labels().get(Keys.JOBSET_NAME)).flatMap(jobSet -> jobSetJob(pod, jobSet)));
  }

  /** Only the conventions that carry their size on the pod (no PodGroup lookups). */
  public static GangIdentities withoutPodGroups() {
    return new GangIdentities(PodGroupSizes.NONE, PodGroupSizes.NONE);
  }

  public GangResolution resolve(PodInfo pod) {
    for (Convention c : conventions) {
      Optional<GangResolution> r = c.resolve(pod);
      if (r.isPresent()) {
        return r.get();
      }
    }
    return GangResolution.SINGLE;
  }

  private static GangResolution leaderWorkerGroup(PodInfo pod, String lws) {
    Optional<String> group = nonEmpty(pod.labels().get(Keys.LWS_GROUP_INDEX));
    if (group.isEmpty()) {
      return unresolved(pod.namespace() + "/" + lws,
          Keys.LWS_NAME + " is " + lws + " but label " + Keys.LWS_GROUP_INDEX + " is missing");
    }
    String name = lws + "-" + group.get();
    Optional<String> explicit = value(pod, Keys.GANG_SIZE);
    return explicit.isPresent()
        ? sized(pod, name, GangSource.LEADER_WORKER_SET, Keys.GANG_SIZE, explicit)
        : sized(pod, name, GangSource.LEADER_WORKER_SET, Keys.LWS_SIZE, nonEmpty(pod.annotations().get(Keys.LWS_SIZE)));
  }

  /** Empty (not a gang) without {@code topogpu.io/gang-size}: single-pod Jobs stay single. */
  private static Optional<GangResolution> jobSetJob(PodInfo pod, String jobSet) {
    Optional<String> size = value(pod, Keys.GANG_SIZE);
    if (size.isEmpty()) {
      return Optional.empty();
    }
    for (String key : List.of(Keys.JOBSET_REPLICATED_JOB_NAME, Keys.JOBSET_JOB_INDEX)) {
      if (nonEmpty(pod.labels().get(key)).isEmpty()) {
        return Optional.of(unresolved(pod.namespace() + "/" + jobSet,
            Keys.JOBSET_NAME + " is " + jobSet + " but label " + key + " is missing"));
      }
    }
    String name = jobSet + "-" + pod.labels().get(Keys.JOBSET_REPLICATED_JOB_NAME).trim() + "-"
        + pod.labels().get(Keys.JOBSET_JOB_INDEX).trim();
    return Optional.of(sized(pod, name, GangSource.JOBSET, Keys.GANG_SIZE, size));
  }

  private GangResolution fromPodGroup(PodInfo pod, String name, GangSource source, PodGroupSizes sizes) {
    Optional<String> explicit = value(pod, Keys.GANG_SIZE);
    if (explicit.isPresent()) {
      return sized(pod, name, source, Keys.GANG_SIZE, explicit);
    }
    String gang = pod.namespace() + "/" + name;
    return sizes.size(pod.namespace(), name)
        .<GangResolution>map(n -> n >= 1
            ? new GangResolution.Member(new GangIdentity(pod.namespace(), name, n, source))
            : unresolved(gang, source.nameKey() + " names PodGroup " + gang + " whose minMember is " + n))
        .orElseGet(() -> unresolved(gang, source.nameKey() + " names PodGroup " + gang
            + " but no such PodGroup with a minMember was found; create it or set " + Keys.GANG_SIZE));
  }

  private static GangResolution sized(PodInfo pod, String name, GangSource source, String sizeKey,
      Optional<String> size) {
    String gang = pod.namespace() + "/" + name;
    if (size.isEmpty()) {
      return unresolved(gang, source.nameKey() + " names gang " + gang + " but " + sizeKey + " is missing");
    }
    int n;
    try {
      n = Integer.parseInt(size.get().trim());
    } catch (NumberFormatException e) {
      n = 0;
    }
    if (n < 1) {
      return unresolved(gang, sizeKey + ": must be a positive integer, got '" + size.get() + "'");
    }
    return new GangResolution.Member(new GangIdentity(pod.namespace(), name, n, source));
  }

  private static GangResolution unresolved(String gang, String why) {
    return new GangResolution.Unresolved(gang, "gang size unknown: " + why);
  }

  /** Annotation first, then label. */
  private static Optional<String> value(PodInfo pod, String key) {
    return nonEmpty(pod.annotations().get(key)).or(() -> nonEmpty(pod.labels().get(key)));
  }

  private static Optional<String> nonEmpty(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
  }
}
