package io.topogpu.scheduler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code topogpu place} end to end through picocli, on the example snapshot of mixed real shapes
 * in config/examples (DGX A100 ×2, HGX H100, Azure NC A100 v4 pairs, 8× L40S, a GB200 tray, a node
 * without and one with a broken topology annotation).
 */
class PlaceCommandTest {
  static final Path EXAMPLES = Path.of("../config/examples");
  static final String SNAPSHOT = EXAMPLES.resolve("snapshot-mixed.json").toString();
  static final String POD = EXAMPLES.resolve("pod-train-4gpu-nvlink.yaml").toString();

  @TempDir
  Path tmp;

  record Run(int code, String out, String err) {}

  static Run place(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = SchedulerMain.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of("place"));
    all.addAll(List.of(args));
    int code = cl.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  /**
   * Free GPUs: dgx-a100-1 {3..7} (bert-a holds 0–2), dgx-a100-2 {1,3,4,6}, hgx-h100-1 {6,7} (the
   * unannotated mpi-job is pinned to the best 6), azure-nc-1 {0,2,3}, l40s-1 all, gb200-tray-1 all.
   * Scores, topology-first (topology 6, link 6, fragmentation 2, binpack 1, preferred 3 — n/a here);
   * link = ln(bottleneck / 10 GB/s) / ln(721.8 / 10): NV12 240 GB/s → 0.7427, NV18 at the snapshot's
   * 20 GB/s per link, 360 GB/s → 0.8374:
   *
   * <pre>
   *   dgx-a100-1 {4,5,6,7}: topology 1, link 0.7427, fragmentation 1 (block already broken),
   *                         binpack 7/8 → (6 + 4.456 + 2 + 0.875) / 15 = 0.89 → 9
   *   dgx-a100-2 {1,3,4,6}: topology (1 + 1 + 2/4) / 3 = 0.83 (4 NUMA groups where 2 would do),
   *                         link 0.7427, fragmentation 1, binpack 1 → (5 + 4.456 + 2 + 1) / 15 = 0.83 → 8
   *   gb200-tray-1 {0..3}:  topology 1, link 0.8374, fragmentation 0 (breaks its intact 4-GPU block),
   *                         binpack 1 → (6 + 5.025 + 0 + 1) / 15 = 0.80 → 8
   * </pre>
   */
  @Test
  void placesTheTrainingPodAndExplainsEveryOtherNode() {
    Run r = place("--snapshot", SNAPSHOT, "--pod", POD);
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("""
        pod ml/llama-ft-0: 4 GPUs, required nvlink
        chosen: dgx-a100-1 GPUs 4,5,6,7 (NV12×6, bottleneck 240 GB/s, 2 NUMA groups)
          score 9/10 = weighted mean of topology 1.00×6, link 0.74×6, fragmentation 1.00×2, binpack 0.88×1, preferred n/a×3
        runner-up nodes:
          dgx-a100-2 GPUs 1,3,4,6 (NV12×6, bottleneck 240 GB/s, 4 NUMA groups)
            score 8/10 = weighted mean of topology 0.83×6, link 0.74×6, fragmentation 1.00×2, binpack 1.00×1, preferred n/a×3
          gb200-tray-1 GPUs 0,1,2,3 (NV18×6, bottleneck 360 GB/s, 2 NUMA groups)
            score 8/10 = weighted mean of topology 1.00×6, link 0.84×6, fragmentation 0.00×2, binpack 1.00×1, preferred n/a×3
        rejected nodes:
          azure-nc-1: have no NVLink domain of 4 GPUs (largest NVLink domain has 2) [never]
          broken-1: lack topology data (topology unknown: topogpu.io/topology: schema version 7 is not supported by this reader (supports 1.x)) [never]
          hgx-h100-1: have fewer than 4 free GPUs (2 free) [could fit after pods leave]
          l40s-1: have no NVLink domain of 4 GPUs (largest NVLink domain has 0) [never]
          old-1: lack topology data (topology unknown: topogpu.io/topology annotation missing) [never]
        3/8 nodes are available: 2 have no NVLink domain of 4 GPUs, 2 lack topology data, 1 have fewer than 4 free GPUs.
        ledger: legacy/mpi-job on hgx-h100-1: no topogpu.io/gpus annotation; counted as holding GPUs [0, 1, 2, 3, 4, 5]
        """);
  }

  @Test
  void jsonFormatCarriesTheSameDecision() throws IOException {
    Run r = place("--snapshot", SNAPSHOT, "--pod", POD, "--format", "json");
    assertThat(r.code()).isZero();
    JsonNode p = new ObjectMapper().readTree(r.out()).get("placements").get(0);
    assertThat(p.get("chosen").get("node").asText()).isEqualTo("dgx-a100-1");
    assertThat(p.get("chosen").get("gpus").toString()).isEqualTo("[4,5,6,7]");
    assertThat(p.get("chosen").get("terms").get("topology").asDouble()).isEqualTo(1.0);
    assertThat(p.get("runnersUp").size()).isEqualTo(2);
    assertThat(p.get("rejected").findValuesAsText("code")).containsExactly(
        "no-nvlink-domain", "topology-unknown", "insufficient-gpus", "no-nvlink-domain", "topology-unknown");
    assertThat(p.get("summary").asText()).startsWith("3/8 nodes are available");
  }

  @Test
  void aPodThatFitsNowhereExitsOne() throws IOException {
    Path pod = write("big.yaml", POD_TEMPLATE.formatted("nvidia.com/gpu: 16"));
    Run r = place("--snapshot", SNAPSHOT, "--pod", pod.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("no node can take it\n", "0/8 nodes are available: 6 have fewer than 16 usable GPUs, 2 lack topology data.");
  }

  static final String POD_TEMPLATE = """
      apiVersion: v1
      kind: Pod
      metadata: {namespace: ml, name: p}
      spec:
        containers:
          - name: c
            resources:
              limits: {%s}
      """;

  private Path write(String name, String content) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  private void assertBadInput(Run r, String message) {
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo(message + "\n");
  }

  @Test
  void snapshotThatIsNotJsonIsRejected() throws IOException {
    Path s = write("snapshot.json", "{\"items\": [");
    assertBadInput(place("--snapshot", s.toString(), "--pod", POD),
        "snapshot.json: line 1: not JSON or YAML: Unexpected end-of-input: expected close marker for Array");
  }

  @Test
  void snapshotWithoutItemsIsRejected() throws IOException {
    Path s = write("snapshot.json", "{\"kind\": \"Pod\"}");
    assertBadInput(place("--snapshot", s.toString(), "--pod", POD),
        "snapshot.json: items: missing; expected the output of kubectl get nodes,pods -A -o json");
  }

  @Test
  void snapshotItemWithABadFieldIsRejectedNamingItemAndField() throws IOException {
    String text = Files.readString(Path.of(SNAPSHOT))
        .replaceFirst("\"nvidia.com/gpu\" : \"3\"", "\"nvidia.com/gpu\" : \"1.5\"");
    Path s = write("snapshot.json", text);
    assertBadInput(place("--snapshot", s.toString(), "--pod", POD),
        "snapshot.json: items[8] (Pod ml/bert-a): spec.containers[0].resources.limits[nvidia.com/gpu]: must be a whole non-negative number, got '1.5'");
  }

  @Test
  void snapshotWithABadPodAnnotationIsRejectedNamingIt() throws IOException {
    String text = Files.readString(Path.of(SNAPSHOT)).replaceFirst("\\{\\\\\"v\\\\\":1,\\\\\"node\\\\\":\\\\\"dgx-a100-1\\\\\"",
        "{\\\\\"v\\\\\":1,\\\\\"node\\\\\":\\\\\"\\\\\"");
    Path s = write("snapshot.json", text);
    assertBadInput(place("--snapshot", s.toString(), "--pod", POD),
        "snapshot.json: items[8] (Pod ml/bert-a): metadata.annotations[topogpu.io/gpus]: node: missing");
  }

  @Test
  void snapshotWithAnUnexpectedKindIsRejected() throws IOException {
    Path s = write("snapshot.json", "{\"items\": [{\"kind\": \"Service\", \"metadata\": {\"name\": \"x\"}}]}");
    assertBadInput(place("--snapshot", s.toString(), "--pod", POD),
        "snapshot.json: items[0]: kind: expected Node or Pod, got 'Service'");
  }

  @Test
  void podFileOfAnotherKindIsRejected() throws IOException {
    Path pod = write("pod.yaml", "apiVersion: v1\nkind: Deployment\nmetadata: {name: d}\n");
    assertBadInput(place("--snapshot", SNAPSHOT, "--pod", pod.toString()),
        "pod.yaml: kind: expected Pod, got 'Deployment'");
  }

  @Test
  void podRequestingNoGpuIsRejected() throws IOException {
    Path pod = write("pod.yaml", POD_TEMPLATE.formatted("cpu: 2"));
    assertBadInput(place("--snapshot", SNAPSHOT, "--pod", pod.toString()),
        "pod.yaml: spec: requests none of nvidia.com/gpu, nvidia.com/mig-<profile>, topogpu.io/gpu-milli; topogpu does not place it");
  }

  @Test
  void podWithABadPlacementLevelIsRejected() throws IOException {
    Path pod = write("pod.yaml", POD_TEMPLATE.formatted("nvidia.com/gpu: 2").replace("name: p}",
        "name: p, annotations: {topogpu.io/placement-required: NV_LINK}}"));
    assertBadInput(place("--snapshot", SNAPSHOT, "--pod", pod.toString()),
        "pod.yaml: metadata.annotations[topogpu.io/placement-required]: placement level must be nvlink, numa, node or a tier name, got 'NV_LINK'");
  }

  @Test
  void policyWithAnUnknownPresetIsRejected() throws IOException {
    Path policy = write("policy.yaml", "# mine\npreset: packed\n");
    assertBadInput(place("--snapshot", SNAPSHOT, "--pod", POD, "--config", policy.toString()),
        "policy.yaml: line 2: preset: unknown preset 'packed'; valid presets: binpack, spread, topology-first, workload-fit");
  }

  /**
   * One GPU, no constraint. binpack (fragmentation 1, binpack 6; topology n/a for one GPU): the
   * fullest node after placement wins, hgx-h100-1 at 7/8 → (1 + 6·0.875) / 7 = 0.89. spread (only
   * spread applies): the emptiest after placement, l40s-1 at 1/8 used → 0.875.
   */
  @Test
  void binpackAndSpreadPoliciesPickOppositeEnds() throws IOException {
    Path pod = write("one.yaml", POD_TEMPLATE.formatted("nvidia.com/gpu: 1"));
    Path binpack = write("binpack.yaml", "preset: binpack\n");
    Path spread = write("spread.yaml", "preset: spread\n");
    assertThat(place("--snapshot", SNAPSHOT, "--pod", pod.toString(), "--config", binpack.toString()).out())
        .contains("chosen: hgx-h100-1 GPUs 6 ");
    assertThat(place("--snapshot", SNAPSHOT, "--pod", pod.toString(), "--config", spread.toString()).out())
        .contains("chosen: l40s-1 GPUs 0 ");
  }
}
