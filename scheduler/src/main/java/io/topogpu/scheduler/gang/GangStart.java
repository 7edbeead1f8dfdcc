package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GangPlan;
import io.topogpu.scheduler.model.PodInfo;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One opening of a gang's bind barrier: every member that was waiting there, with the devices now
 * allocated to it in the ledger (each carrying {@code plan}, for {@code topogpu.io/gpus}). Every
 * waiting member's {@link GangCoordinator#arriveAtBind} future completes with the same instance, so
 * the adapter can write the opening once, as a whole: record every member's devices, then bind
 * them all, or bind none.
 *
 * @param members member key → the member's pod (as last filtered) and devices, in arrival order;
 *     members bound before this opening are not in it
 */
public record GangStart(GangIdentity gang, GangPlan plan, Map<String, Member> members) {

  /** A member to bind: its pod and its devices. */
  public record Member(PodInfo pod, Assignment assignment) {
    public Member {
      Objects.requireNonNull(pod, "pod");
      Objects.requireNonNull(assignment, "assignment");
    }
  }

  public GangStart {
    Objects.requireNonNull(gang, "gang");
    Objects.requireNonNull(plan, "plan");
    members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
  }

  /** The devices of member {@code podKey}; throws if it is not part of this opening. */
  public Assignment assignment(String podKey) {
    Member m = members.get(podKey);
    if (m == null) {
      throw new IllegalArgumentException("pod " + podKey + " is not in this opening of gang " + gang.key());
    }
    return m.assignment();
  }
}
