package io.topogpu.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeListBuilder;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The wire format of extender-protocol.md, decoded and encoded without HTTP. */
class WireCodecTest {
  private final WireCodec codec = new WireCodec();

  private static InputStream body(String json) {
    return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
  }

  private ExtenderArgs args(String json) {
    return codec.decodeArgs(body(json));
  }

  private String problem(String json) {
    try {
      args(json);
    } catch (BadRequestException e) {
      return e.getMessage();
    }
    throw new AssertionError("decoded without error: " + json);
  }

  @Test
  void decodesTheUpstreamCompatibilityExample() {
    // k8s.io/kube-scheduler/extender/v1 types_test.go TestCompatibility, ExtenderArgs
    ExtenderArgs decoded =
        args(
            """
{"Pod":{"metadata":{"name":"podname","creationTimestamp":null},"spec":{"containers":null},"status":{}},
 "Nodes":{"metadata":{},"items":[{"metadata":{"name":"nodename","creationTimestamp":null},"spec":{},"status":{}}]},
 "NodeNames":["node1"]}""");

    assertThat(decoded.pod().getMetadata().getName()).isEqualTo("podname");
    assertThat(decoded.nodes().getItems())
        .extracting(n -> n.getMetadata().getName())
        .containsExactly("nodename");
    assertThat(decoded.nodeNames()).containsExactly("node1");
  }

  @ParameterizedTest(name = "{0} / {1}")
  @CsvSource({"Pod,NodeNames", "pod,nodenames", "POD,NODENAMES", "pOd,nodeNames"})
  void matchesKeysCaseInsensitivelyLikeGo(String podKey, String namesKey) {
    ExtenderArgs decoded =
        args(
            "{\""
                + podKey
                + "\":{\"metadata\":{\"name\":\"p\"}},\""
                + namesKey
                + "\":[\"a\",\"b\"]}");

    assertThat(decoded.pod().getMetadata().getName()).isEqualTo("p");
    assertThat(decoded.nodeNames()).containsExactly("a", "b");
  }

  @Test
  void matchesBindingKeysCaseInsensitively() {
    ExtenderBindingArgs decoded =
        codec.decodeBindingArgs(
            body("{\"podname\":\"p\",\"PODNAMESPACE\":\"ns\",\"podUid\":\"u\",\"node\":\"n1\"}"));

    assertThat(decoded).isEqualTo(new ExtenderBindingArgs("p", "ns", "u", "n1"));
  }

  @Test
  void ignoresUnknownKeysLikeGo() {
    assertThat(
            args("{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"NodeNames\":[],\"Extra\":{\"x\":1}}")
                .nodeNames())
        .isEmpty();
  }

  @Test
  void prefersFullNodesWhenBothFormsArePresent() {
    FilterRequest request =
        FilterRequest.from(
            args(
                """
{"Pod":{"metadata":{"name":"p"}},"Nodes":{"items":[{"metadata":{"name":"full"}}]},"NodeNames":["other"]}"""));

    assertThat(request.nodeNames()).containsExactly("full");
    assertThat(request.fullNodes()).isPresent();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
NodeNames is a string           | {"Pod":{"metadata":{"name":"p"}},"NodeNames":"n1"}                       | NodeNames:
NodeNames holds a number        | {"Pod":{"metadata":{"name":"p"}},"NodeNames":[7]}                        | NodeNames[0]:
Pod is an array                 | {"Pod":[],"NodeNames":[]}                                                 | Pod:
Nodes.items is an object        | {"Pod":{"metadata":{"name":"p"}},"Nodes":{"items":{}}}                   | Nodes.items:
a label value is a number       | {"Pod":{"metadata":{"name":"p","labels":{"a":1}}},"NodeNames":[]}        | Pod.metadata.labels.a:
Pod is missing                  | {"NodeNames":["n1"]}                                                      | Pod: required
Pod has no name                 | {"Pod":{"metadata":{}},"NodeNames":["n1"]}                               | Pod.metadata.name: required
no node form                    | {"Pod":{"metadata":{"name":"p"}}}                                         | Nodes or NodeNames: one of them is required
a blank node name               | {"Pod":{"metadata":{"name":"p"}},"NodeNames":["n1",""]}                  | NodeNames[1]: must be a node name, got ""
a full node without a name      | {"Pod":{"metadata":{"name":"p"}},"Nodes":{"items":[{"metadata":{"name":"a"}},{"metadata":{}}]}} | Nodes.items[1].metadata.name: required
the body is null                | null                                                                       | request body: expected a JSON object, got null
""")
  void namesTheFieldOfAWrongOrMissingValue(String description, String json, String expectedStart) {
    assertThat(problem(json)).startsWith(expectedStart);
  }

  @Test
  void reportsWhereJsonIsMalformed() {
    assertThat(problem("{\"Pod\": {\"metadata\": }"))
        .startsWith("malformed JSON at line 1, column 22");
  }

  @Test
  void rejectsAnEmptyBody() {
    assertThat(problem("")).startsWith("request body: No content");
  }

  @Test
  void rejectsTrailingContent() {
    assertThat(problem("{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"NodeNames\":[]} {}"))
        .isEqualTo(
            "malformed JSON at line 1, column 50: unexpected content after the request object");
  }

  @Test
  void rejectsANumberWhereTheBindingExpectsAString() {
    assertThatThrownBy(
            () ->
                codec.decodeBindingArgs(
                    body("{\"PodName\":5,\"PodNamespace\":\"ns\",\"Node\":\"n\"}")))
        .isInstanceOf(BadRequestException.class)
        .hasMessageStartingWith("PodName:");
  }

  @Test
  void requiresTheBindingTarget() {
    assertThatThrownBy(
            () -> codec.decodeBindingArgs(body("{\"PodName\":\"p\",\"PodNamespace\":\"ns\"}")))
        .isInstanceOf(BadRequestException.class)
        .hasMessage("Node: required, got null");
  }

  @Test
  void encodesResultsWithTheGoFieldNames() {
    String names =
        new String(
            codec.encode(
                new ExtenderFilterResult(
                    null, List.of("node1"), Map.of("foo", "bar"), Map.of(), "")),
            StandardCharsets.UTF_8);
    String priorities =
        new String(codec.encode(List.of(new HostPriority("myhost", 1))), StandardCharsets.UTF_8);
    String binding =
        new String(codec.encode(new ExtenderBindingResult("myerror")), StandardCharsets.UTF_8);

    assertThat(names)
        .isEqualTo(
            "{\"NodeNames\":[\"node1\"],\"FailedNodes\":{\"foo\":\"bar\"},\"FailedAndUnresolvableNodes\":{},\"Error\":\"\"}");
    assertThat(priorities).isEqualTo("[{\"Host\":\"myhost\",\"Score\":1}]");
    assertThat(binding).isEqualTo("{\"Error\":\"myerror\"}");
  }

  @Test
  void encodesEchoedNodesAsANodeList() {
    var nodes =
        new NodeListBuilder()
            .withItems(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build())
            .build();

    String json =
        new String(
            codec.encode(new ExtenderFilterResult(nodes, null, Map.of(), Map.of(), "")),
            StandardCharsets.UTF_8);

    assertThat(json)
        .startsWith("{\"Nodes\":{")
        .contains("\"items\":[{")
        .contains("\"name\":\"n1\"")
        .doesNotContain("NodeNames");
  }

  @ParameterizedTest
  @CsvSource({"-1", "11"})
  void refusesScoresOutsideZeroToTen(long score) {
    assertThatThrownBy(() -> new HostPriority("n1", score))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Score: must be 0..10, got " + score + " for host n1");
  }
}
