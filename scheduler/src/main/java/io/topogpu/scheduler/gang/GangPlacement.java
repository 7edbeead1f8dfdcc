package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.model.Assignment;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A whole gang placed: every member's node and devices, all inside one domain.
 *
 * @param level the level whose domain holds the gang: {@code node}, a tier name, or {@link
 *     GangPlanner#CLUSTER} when no tier domain could
 * @param domain that domain's name ({@code level=value}, joined with the required/preferred
 *     level's domain when the search was anchored to one)
 * @param assignments member key → devices, in the order the members were given
 * @param points Σ of the members' placement scores (0..10 each), the tie-break between domains
 * @param preferenceMet false when the gang prefers a level and its members are not all in one
 *     domain of it (no such domain could hold the gang)
 */
public record GangPlacement(String gang, String level, String domain, Map<String, Assignment> assignments,
    int points, boolean preferenceMet) implements GangPlanResult {
  public GangPlacement {
    Objects.requireNonNull(gang, "gang");
    assignments = Collections.unmodifiableMap(new LinkedHashMap<>(assignments));
  }

  /** Member key → node. */
  public Map<String, String> nodes() {
    Map<String, String> out = new LinkedHashMap<>();
    assignments.forEach((m, a) -> out.put(m, a.node()));
    return out;
  }
}
