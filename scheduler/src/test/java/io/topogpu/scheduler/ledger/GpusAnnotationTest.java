package io.topogpu.scheduler.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GangPlan;
import io.topogpu.scheduler.model.MigSlot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GpusAnnotationTest {

  @Test
  void wholeGpusEncodeCompactlyInFieldOrder() {
    Assignment a = Assignment.whole("dgx-1", List.of(4, 5), List.of("GPU-a", "GPU-b"));
    assertThat(GpusAnnotation.encode(a)).isEqualTo(
        "{\"v\":1,\"node\":\"dgx-1\",\"gpus\":[{\"index\":4,\"uuid\":\"GPU-a\"},{\"index\":5,\"uuid\":\"GPU-b\"}]}");
  }

  @Test
  void everyKindRoundTrips() {
    List<Assignment> all = List.of(
        Assignment.whole("n", List.of(0, 3), List.of("", "GPU-3")),
        Assignment.share("n", 2, "GPU-2", 250),
        Assignment.mig("n", List.of(new MigSlot(1, "1g.10gb", 2, 1, "MIG-x"), new MigSlot(1, "1g.10gb", 3, 1, ""))),
        Assignment.whole("n", List.of(1), List.of("")).withGang(new GangPlan("llm", 2, Map.of("llm-1", "m", "llm-0", "n"))));
    for (Assignment a : all) {
      assertThat(GpusAnnotation.decode(GpusAnnotation.encode(a))).isEqualTo(a);
    }
  }

  @Test
  void gangPlanIsWrittenInNameOrder() {
    Assignment a = Assignment.whole("n", List.of(1), List.of(""))
        .withGang(new GangPlan("llm", 2, Map.of("llm-1", "m", "llm-0", "n")));
    assertThat(GpusAnnotation.encode(a)).endsWith(
        "\"gang\":{\"name\":\"llm\",\"size\":2,\"plan\":{\"llm-0\":\"n\",\"llm-1\":\"m\"}}}");
  }

  @Test
  void unknownFieldsAreIgnored() {
    assertThat(GpusAnnotation.decode("{\"v\":1,\"node\":\"n\",\"gpus\":[{\"index\":0,\"x\":1}],\"future\":true}"))
        .isEqualTo(Assignment.whole("n", List.of(0), List.of("")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"v\":2,\"node\":\"n\"}|v: unsupported version 2, this reader knows 1",
      "{\"node\":\"n\",\"gpus\":[{\"index\":0}]}|v: unsupported version null, this reader knows 1",
      "{\"v\":1,\"gpus\":[{\"index\":0}]}|node: missing",
      "{\"v\":1,\"node\":\"n\",\"gpus\":[{\"uuid\":\"GPU-1\"}]}|gpus[0].index: missing",
      "{\"v\":1,\"node\":\"n\",\"gpus\":[{\"index\":-1}]}|gpus[0].index: must be >= 0, got -1",
      "{\"v\":1,\"node\":\"n\",\"gpus\":[{\"index\":\"two\"}]}|gpus[0].index: Cannot deserialize value of type `java.lang.Integer` from String \"two\": not a valid `java.lang.Integer` value",
      "{\"v\":1,\"node\":\"n\",\"gpus\":[{\"index\":1},{\"index\":0}]}|gpus must be distinct and ascending, got [1, 0]",
      "{\"v\":1,\"node\":\"n\"}|an assignment must hold at least one GPU or MIG instance",
      "{\"v\":1,\"node\":\"n\",\"mig\":[{\"gpu\":0,\"profile\":\"1g.10gb\",\"start\":2}]}|mig[0].size: missing",
      "{\"v\":1,\"node\":\"n\",\"gpus\":[{\"index\":0}],\"gang\":{\"name\":\"g\",\"size\":0}}|gang.size: must be >= 1, got 0",
      "not json|not JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
  })
  void badValuesAreRejectedNamingTheField(String value, String message) {
    assertThatThrownBy(() -> GpusAnnotation.decode(value))
        .isInstanceOf(GpusAnnotationException.class)
        .hasMessage(message);
  }
}
