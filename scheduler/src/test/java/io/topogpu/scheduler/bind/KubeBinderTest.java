package io.topogpu.scheduler.bind;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.model.Assignment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The guarded annotation write, as sent to the API server. */
class KubeBinderTest {
  private static final Assignment GPUS_2_3 = Assignment.whole("dgx", List.of(2, 3), List.of("", ""));

  @Test
  @DisplayName("the resourceVersion test comes first, then the annotation under its escaped key")
  void patchOnAPodWithAnnotations() {
    assertThat(KubeBinder.annotationPatch("41", Map.of("team", "vision"), GPUS_2_3)).isEqualTo(
        "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"41\"},"
            + "{\"op\":\"add\",\"path\":\"/metadata/annotations/topogpu.io~1gpus\","
            + "\"value\":\"{\\\"v\\\":1,\\\"node\\\":\\\"dgx\\\",\\\"gpus\\\":[{\\\"index\\\":2},{\\\"index\\\":3}]}\"}]");
  }

  @Test
  @DisplayName("a pod without annotations gets the whole map, still behind the version test")
  void patchOnAPodWithoutAnnotations() {
    assertThat(KubeBinder.annotationPatch("7", null, GPUS_2_3)).isEqualTo(WHOLE_MAP_AT_7);
  }

  @Test
  @DisplayName("an empty annotations map (what fabric8 reads for a pod without any) is no annotations")
  void patchOnAPodReadWithAnEmptyMap() {
    assertThat(KubeBinder.annotationPatch("7", Map.of(), GPUS_2_3)).isEqualTo(WHOLE_MAP_AT_7);
  }

  private static final String WHOLE_MAP_AT_7 =
      "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"7\"},"
          + "{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"topogpu.io/gpus\":"
          + "\"{\\\"v\\\":1,\\\"node\\\":\\\"dgx\\\",\\\"gpus\\\":[{\\\"index\\\":2},{\\\"index\\\":3}]}\"}}]";
}
