package io.topogpu.scheduler.tiers;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One network tier: a name users write in {@code topogpu.io/placement-required} / {@code
 * placement-preferred}, and the node label keys whose value names a node's domain at this tier.
 * Two nodes are in the same domain when their values are equal (values may be opaque hashes, so
 * they are compared for equality only). When several keys are listed, the first one a node carries
 * decides: that lets one tier name read both topograph's current label and its legacy spelling.
 */
public record Tier(String name, List<String> labelKeys) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");

  public Tier {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "tier name must be lower-case letters, digits, '.' or '-', got '" + name + "'");
    }
    if (labelKeys == null || labelKeys.isEmpty()) {
      throw new IllegalArgumentException("tier " + name + ": needs at least one label key");
    }
    labelKeys = List.copyOf(labelKeys);
    for (String key : labelKeys) {
      if (key.isBlank()) {
        throw new IllegalArgumentException("tier " + name + ": label key must not be blank");
      }
    }
  }

  public static Tier of(String name, String... labelKeys) {
    return new Tier(name, List.of(labelKeys));
  }
}
