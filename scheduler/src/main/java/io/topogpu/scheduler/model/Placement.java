package io.topogpu.scheduler.model;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A pod's placement constraints from {@code topogpu.io/placement-required} and {@code
 * topogpu.io/placement-preferred}. A level is {@code nvlink} (all GPUs of the pod in one NVLink
 * domain), {@code numa} (one NUMA group), {@code node}, or a network tier name that only gang
 * planning interprets. Empty when the pod does not say.
 *
 * @param linkConstraint the GPU-set constraint a node must satisfy for this pod, derived from
 *     {@code required} once here so placement does not re-parse it per node; always equal to
 *     {@code LinkConstraint.of(required.orElse(""))}
 */
public record Placement(Optional<String> required, Optional<String> preferred, LinkConstraint linkConstraint) {
  public static final String NVLINK = "nvlink";
  public static final String NUMA = "numa";
  public static final String NODE = "node";
  public static final Placement NONE = new Placement(Optional.empty(), Optional.empty());

  private static final Pattern LEVEL = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");

  public Placement {
    required = required.map(Placement::level);
    preferred = preferred.map(Placement::level);
    LinkConstraint derived = LinkConstraint.of(required.orElse(""));
    if (linkConstraint != derived) {
      throw new IllegalArgumentException("linkConstraint: must be " + derived + " for required level "
          + required.orElse("(none)") + ", got " + linkConstraint);
    }
  }

  public Placement(Optional<String> required, Optional<String> preferred) {
    this(required, preferred, LinkConstraint.of(required.map(Placement::level).orElse("")));
  }

  public static Placement of(String required, String preferred) {
    return new Placement(Optional.ofNullable(required), Optional.ofNullable(preferred));
  }

  /** The canonical (lower-case) level; throws naming the value when it is not a level name. */
  public static String level(String level) {
    String l = level.trim().toLowerCase(Locale.ROOT);
    if (!LEVEL.matcher(l).matches()) {
      throw new IllegalArgumentException(
          "placement level must be nvlink, numa, node or a tier name, got '" + level + "'");
    }
    return l;
  }
}
