package io.topogpu.benchmarks.sim;

import java.util.ArrayList;
import java.util.List;

/** Parses seed lists such as {@code 42-51}, {@code 42,43,50} or {@code 42}. */
public final class Seeds {
  private Seeds() {}

  public static List<Long> parse(String spec) {
    List<Long> seeds = new ArrayList<>();
    for (String part : spec.split(",")) {
      String p = part.trim();
      try {
        int dash = p.indexOf('-', 1);
        if (dash < 0) {
          seeds.add(Long.parseLong(p));
        } else {
          long from = Long.parseLong(p.substring(0, dash));
          long to = Long.parseLong(p.substring(dash + 1));
          if (to < from) {
            throw new IllegalArgumentException("seed range '" + p + "' is empty");
          }
          for (long s = from; s <= to; s++) {
            seeds.add(s);
          }
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad seed '" + p + "' in '" + spec + "' (use 42-51 or 42,43)");
      }
    }
    return List.copyOf(seeds);
  }
}
