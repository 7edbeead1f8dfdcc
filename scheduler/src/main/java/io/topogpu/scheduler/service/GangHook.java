package io.topogpu.scheduler.service;

import io.topogpu.scheduler.extender.BindResponse;
import io.topogpu.scheduler.extender.FilterResponse;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Rejection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Where gang scheduling plugs into {@link TopogpuBackend}. For a pod that belongs to a gang the
 * hook answers instead of single-pod placement (members filtered to their planned nodes, binds
 * held at the gang's barrier); for any other pod it answers empty and single-pod placement
 * decides. {@link #NONE} treats every pod as a single pod.
 */
public interface GangHook {

  /** The filter verdict for a gang member, or empty when {@code pod} is not one. */
  Optional<FilterResponse> filter(PodInfo pod, List<String> nodeNames);

  /** The bind of a gang member (possibly completing later), or empty when {@code pod} is not one. */
  Optional<CompletionStage<BindResponse>> bind(PodInfo pod, String node);

  /**
   * Why a single pod may not use {@code node} (it is held for a starving gang); empty when it may.
   * Applied by single-pod filter before placement.
   */
  default Optional<Rejection> heldAgainst(PodInfo pod, String node) {
    return Optional.empty();
  }

  /** Whether {@code pod} belongs to a gang (resolved or not). */
  default boolean isGangMember(PodInfo pod) {
    return false;
  }

  /** The members of {@code pod}'s gang still to place; empty when none or not a gang member. */
  default Optional<List<PodInfo>> openMembers(PodInfo pod) {
    return Optional.empty();
  }

  /** Closes {@code nodes} to every pod but {@code pod}'s gang while its preemption's victims leave. */
  default boolean holdForPreemption(PodInfo pod, Set<String> nodes) {
    return false;
  }

  /** No gangs: every pod is placed on its own. */
  GangHook NONE =
      new GangHook() {
        @Override
        public Optional<FilterResponse> filter(PodInfo pod, List<String> nodeNames) {
          return Optional.empty();
        }

        @Override
        public Optional<CompletionStage<BindResponse>> bind(PodInfo pod, String node) {
          return Optional.empty();
        }
      };
}
