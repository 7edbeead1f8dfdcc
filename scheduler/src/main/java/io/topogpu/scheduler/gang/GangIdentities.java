package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.topology.Keys;
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
 *   <li>Volcano annotation {@code scheduling.k8s.io/group-name}; size likewise from Volcano's
 *       PodGroup, unless {@code topogpu.io/gang-size};
 *   <li>Kueue label {@code kueue.x-k8s.io/pod-group-name}; size = annotation {@code
 *       kueue.x-k8s.io/pod-group-total-count}.
 * </ol>
 *
 * A size that is missing, not a positive integer, or names a PodGroup that cannot be found gives
 * {@link GangResolution.Unresolved} with a message naming the key and the value: never a guess.
 */
public final class GangIdentities {
  private final PodGroupSizes schedulerPlugins;
  private final PodGroupSizes volcano;

  public GangIdentities(PodGroupSizes schedulerPlugins, PodGroupSizes volcano) {
    this.schedulerPlugins = schedulerPlugins;
    this.volcano = volcano;
  }

  /** Only the conventions that carry their size on the pod (no PodGroup lookups). */
  public static GangIdentities withoutPodGroups() {
    return new GangIdentities(PodGroupSizes.NONE, PodGroupSizes.NONE);
  }

  public GangResolution resolve(PodInfo pod) {
    Optional<String> own = value(pod, Keys.GANG);
    if (own.isPresent()) {
      return sized(pod, own.get(), GangSource.TOPOGPU, Keys.GANG_SIZE, value(pod, Keys.GANG_SIZE));
    }
    Optional<String> sp = nonEmpty(pod.labels().get(Keys.SCHEDULER_PLUGINS_POD_GROUP));
    if (sp.isPresent()) {
      return fromPodGroup(pod, sp.get(), GangSource.SCHEDULER_PLUGINS, schedulerPlugins);
    }
    Optional<String> vc = nonEmpty(pod.annotations().get(Keys.VOLCANO_GROUP_NAME));
    if (vc.isPresent()) {
      return fromPodGroup(pod, vc.get(), GangSource.VOLCANO, volcano);
    }
    Optional<String> kueue = nonEmpty(pod.labels().get(Keys.KUEUE_POD_GROUP_NAME));
    if (kueue.isPresent()) {
      return sized(pod, kueue.get(), GangSource.KUEUE, Keys.KUEUE_POD_GROUP_TOTAL_COUNT,
          nonEmpty(pod.annotations().get(Keys.KUEUE_POD_GROUP_TOTAL_COUNT)));
    }
    return GangResolution.SINGLE;
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
