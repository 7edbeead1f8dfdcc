package io.topogpu.e2e.support;

import io.topogpu.e2e.harness.KubeBinaries;
import org.junit.jupiter.api.Assumptions;

/** The gate of every end-to-end test: the real binaries, or a skip that says why. */
public final class RealKubernetes {
  private RealKubernetes() {}

  public static KubeBinaries binariesOrSkip() {
    var bin = KubeBinaries.locate();
    if (bin.isEmpty()) {
      System.err.println("SKIPPED: " + KubeBinaries.whyUnavailable());
    }
    Assumptions.assumeTrue(bin.isPresent(), KubeBinaries::whyUnavailable);
    return bin.get();
  }
}
