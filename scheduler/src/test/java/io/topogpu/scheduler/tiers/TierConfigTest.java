package io.topogpu.scheduler.tiers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.topology.Keys;
import java.util.List;
import org.junit.jupiter.api.Test;

class TierConfigTest {
  private final NetworkTiers tiers = new NetworkTiers(TierConfig.defaults());

  @Test
  void defaultTiersAreTightestFirstWithEachTopographEraNextToItsEquivalent() {
    assertThat(TierConfig.defaults().names()).containsExactly(
        "clique", "accelerator", "tier-0", "leaf", "block", "tier-1", "spine", "tier-2", "core", "datacenter",
        "tier-3", "zone");
    assertThat(TierConfig.defaults().require("leaf").labelKeys()).containsExactly("network.topology.nvidia.com/leaf");
    assertThat(TierConfig.defaults().require("tier-0").labelKeys()).containsExactly("fabric.topograph.run/tier-0");
  }

  @Test
  void selectingAnUnknownTierFailsListingTheValidNames() {
    assertThatThrownBy(() -> TierConfig.defaults().select(List.of("clique", "rack")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown network tier 'rack'; valid tiers: clique, accelerator, tier-0, leaf, block, tier-1, "
            + "spine, tier-2, core, datacenter, tier-3, zone");
  }

  @Test
  void selectionKeepsTheGivenOrder() {
    assertThat(TierConfig.defaults().select(List.of("leaf", "spine", "zone")).names())
        .containsExactly("leaf", "spine", "zone");
  }

  @Test
  void tierNamesOfNodeLevelsDuplicatesAndTheClusterAreRefused() {
    assertThatThrownBy(() -> TierConfig.of(List.of(Tier.of("node", "x/y"))))
        .hasMessage("tier name 'node' is reserved for a level inside a node (nvlink, numa, node)");
    assertThatThrownBy(() -> TierConfig.of(List.of(Tier.of("rack", "a/b"), Tier.of("rack", "c/d"))))
        .hasMessage("tier 'rack' is listed twice");
    assertThatThrownBy(() -> TierConfig.of(List.of(Tier.of("cluster", "a/b"))))
        .hasMessage("tier name 'cluster' is reserved for the whole cluster");
    assertThatThrownBy(() -> Tier.of("Rack", "a/b"))
        .hasMessage("tier name must be lower-case letters, digits, '.' or '-', got 'Rack'");
  }

  @Test
  void cliqueDomainIsTheFullLabelValue() {
    ClusterNode n = MakeNode.named("gb1").shape("gb200-nvl-4gpu-tray")
        .label(Keys.LABEL_GPU_CLIQUE, "7b968a6d-c8aa-45e1-9e07-e1e51be99c31.1").clusterNode();
    assertThat(tiers.domainOf(n, "clique")).contains("7b968a6d-c8aa-45e1-9e07-e1e51be99c31.1");
  }

  @Test
  void acceleratorReadsTheLegacyLabelWhenTheCurrentOneIsAbsent() {
    ClusterNode legacy = MakeNode.named("a").shape("dgx-a100-8gpu-nv12")
        .label(Keys.LABEL_LEGACY_ACCELERATOR, "nvl-old").clusterNode();
    ClusterNode both = MakeNode.named("b").shape("dgx-a100-8gpu-nv12")
        .label(Keys.LABEL_LEGACY_ACCELERATOR, "nvl-old").label(Keys.LABEL_TOPOGRAPH_ACCELERATOR, "nvl1").clusterNode();
    assertThat(tiers.domainOf(legacy, "accelerator")).contains("nvl-old");
    assertThat(tiers.domainOf(both, "accelerator")).contains("nvl1");
  }

  @Test
  void aNodeWithoutTheLabelOrWithAnEmptyValueIsInNoDomain() {
    ClusterNode n = MakeNode.named("a").shape("dgx-a100-8gpu-nv12").label(Keys.LABEL_LEGACY_LEAF, "").clusterNode();
    assertThat(tiers.domainOf(n, "leaf")).isEmpty();
    assertThat(tiers.domainOf(n, "zone")).isEmpty();
  }

  @Test
  void atLevelNodeEveryNodeIsItsOwnDomain() {
    assertThat(tiers.domainOf(MakeNode.named("a").shape("dgx-a100-8gpu-nv12").clusterNode(), "node")).contains("a");
  }

  @Test
  void anUnknownLevelIsAnError() {
    ClusterNode n = MakeNode.named("a").shape("dgx-a100-8gpu-nv12").clusterNode();
    assertThatThrownBy(() -> tiers.domainOf(n, "rack")).hasMessageStartingWith("unknown network tier 'rack'");
  }

  @Test
  void domainsGroupNodesByValueAndLeaveUnlabelledNodesOut() {
    var nodes = List.of(
        MakeNode.named("c").shape("dgx-a100-8gpu-nv12").label(Keys.LABEL_TOPOGRAPH_TIER_PREFIX + 0, "s2").state(),
        MakeNode.named("a").shape("dgx-a100-8gpu-nv12").label(Keys.LABEL_TOPOGRAPH_TIER_PREFIX + 0, "s1").state(),
        MakeNode.named("b").shape("dgx-a100-8gpu-nv12").label(Keys.LABEL_TOPOGRAPH_TIER_PREFIX + 0, "s2").state(),
        MakeNode.named("d").shape("dgx-a100-8gpu-nv12").state());
    var domains = tiers.domains(nodes, "tier-0");
    assertThat(domains.keySet()).containsExactly("s1", "s2");
    assertThat(domains.get("s2")).extracting(s -> s.name()).containsExactly("c", "b");
  }
}
