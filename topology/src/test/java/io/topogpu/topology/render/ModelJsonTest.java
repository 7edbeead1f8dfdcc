package io.topogpu.topology.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.topogpu.topology.shapes.Shapes;
import org.junit.jupiter.api.Test;

class ModelJsonTest {

  @Test
  void jsonCarriesTheModelAndItsDerivedViews() throws Exception {
    JsonNode json = new ObjectMapper().readTree(ModelJson.render(Shapes.load("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs")));
    assertThat(json.get("gpuCount").asInt()).isEqualTo(4);
    assertThat(json.get("hasNvswitch").asBoolean()).isFalse();
    assertThat(json.at("/gpus/1/numaNode").asInt()).isEqualTo(1);
    assertThat(json.at("/gpus/1/cpuAffinity").asText()).isEqualTo("24-47");
    assertThat(json.at("/links/0/1").asText()).isEqualTo("NV12");
    assertThat(json.at("/links/0/0").asText()).isEqualTo("X");
    assertThat(json.at("/nvlinkDomains/1/gpus").toString()).isEqualTo("[2,3]");
    assertThat(json.at("/nvlinkDomains/1/switched").asBoolean()).isFalse();
    assertThat(json.at("/linkHistogram/SYS").asInt()).isEqualTo(4);
    assertThat(json.get("numaGroups")).hasSize(4);
    assertThat(json.get("fabric").isNull()).isTrue();
  }

  @Test
  void switchedLinksAreMarkedAndNicsListTheirGpuLinks() throws Exception {
    JsonNode json = new ObjectMapper().readTree(ModelJson.render(Shapes.load("hgx-h100-4gpu-nv6")));
    assertThat(json.at("/links/2/3").asText()).isEqualTo("NV6");
    assertThat(json.at("/nics/2/name").asText()).isEqualTo("NIC2");
    assertThat(json.at("/nics/2/gpuLinks").toString()).isEqualTo("[\"SYS\",\"SYS\",\"PIX\",\"SYS\"]");
    JsonNode dgx = new ObjectMapper().readTree(ModelJson.render(Shapes.load("dgx-h100-8gpu-nv18")));
    assertThat(dgx.at("/links/2/3").asText()).isEqualTo("NV18(switch)");
  }
}
