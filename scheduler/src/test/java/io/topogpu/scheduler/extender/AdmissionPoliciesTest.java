package io.topogpu.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.extender.AdmissionPolicyEvaluator.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shipped ValidatingAdmissionPolicies, every expression compiled and evaluated with Google's
 * CEL for Java against old/new object pairs: the changes each account needs are admitted, the
 * others denied with the policy's message. (The API servers these tests can start predate
 * ValidatingAdmissionPolicy, so enforcement itself is not tested here; the admin guide says which
 * Kubernetes versions enforce it.)
 */
class AdmissionPoliciesTest {
  private static final Path ROOT = root();
  private static final String SCHEDULER = "system:serviceaccount:topogpu-system:topogpu-scheduler";
  private static final String AGENT = "system:serviceaccount:topogpu-system:topogpu-node-agent";

  private final AdmissionPolicyEvaluator scheduler =
      new AdmissionPolicyEvaluator(ROOT.resolve("manifests/scheduler/admission-policy.yaml"));
  private final AdmissionPolicyEvaluator agent =
      new AdmissionPolicyEvaluator(ROOT.resolve("manifests/nodeagent/admission-policy.yaml"));

  private static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("manifests"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no manifests/ above " + Path.of("").toAbsolutePath());
  }

  private static final String POD = """
      metadata:
        name: train-0
        namespace: ml
        labels: {app: train}
        annotations: {team.example/owner: alice, topogpu.io/gang: llm}
        ownerReferences: [{apiVersion: batch/v1, kind: Job, name: train, uid: u1, controller: true}]
        finalizers: [batch.kubernetes.io/job-tracking]
      spec:
        schedulerName: topogpu
        containers: [{name: train, image: registry.example/train:1}]
      """;

  private static Map<String, Object> request(String user, String operation, String node) {
    String extra = node == null ? "{}"
        : "{authentication.kubernetes.io/node-name: [" + node + "]}";
    return AdmissionPolicyEvaluator.object(
        "{operation: " + operation + ", userInfo: {username: \"" + user + "\", extra: " + extra + "}}");
  }

  private Verdict pod(String user, String before, String after) {
    return scheduler.evaluate(request(user, "UPDATE", null),
        AdmissionPolicyEvaluator.object(after), AdmissionPolicyEvaluator.object(before));
  }

  @Test
  void everyExpressionOfBothPoliciesCompiles() {
    assertThat(scheduler.expressions).isEqualTo(6);
    assertThat(agent.expressions).isEqualTo(9);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      records the GPUs (topogpu.io/gpus added) | annotations: {team.example/owner: alice, topogpu.io/gang: llm} | annotations: {team.example/owner: alice, topogpu.io/gang: llm, topogpu.io/gpus: '{"v":1}'}
      rewrites a topogpu.io annotation         | annotations: {team.example/owner: alice, topogpu.io/gang: llm} | annotations: {team.example/owner: alice, topogpu.io/gang: other}
      removes a topogpu.io annotation          | annotations: {team.example/owner: alice, topogpu.io/gang: llm} | annotations: {team.example/owner: alice}
      """)
  void theSchedulerMayChangeTopogpuAnnotations(String what, String before, String after) {
    Verdict v = pod(SCHEDULER, POD, POD.replace(before, after));

    assertThat(v.matched()).isTrue();
    assertThat(v.denials()).as(what).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      adds another annotation      | annotations: {team.example/owner: alice,  | annotations: {evil.example/x: y, team.example/owner: alice,   | the topogpu scheduler may only change pod annotations under topogpu.io/
      changes another annotation   | team.example/owner: alice                 | team.example/owner: mallory                                     | the topogpu scheduler may only change pod annotations under topogpu.io/
      removes another annotation   | {team.example/owner: alice, topogpu.io/gang: llm} | {topogpu.io/gang: llm}                                  | the topogpu scheduler may only change pod annotations under topogpu.io/
      changes a label              | labels: {app: train}                      | labels: {app: train, tier: prod}                                | the topogpu scheduler may not change pod labels, owner references, finalizers or spec
      drops the owner reference    | ownerReferences: [{apiVersion: batch/v1, kind: Job, name: train, uid: u1, controller: true}] | ownerReferences: [] | the topogpu scheduler may not change pod labels, owner references, finalizers or spec
      removes the finalizer        | finalizers: [batch.kubernetes.io/job-tracking] | finalizers: []                                             | the topogpu scheduler may not change pod labels, owner references, finalizers or spec
      changes the image            | image: registry.example/train:1           | image: registry.example/miner:1                                 | the topogpu scheduler may not change pod labels, owner references, finalizers or spec
      """)
  void theSchedulerMayChangeNothingElse(String what, String before, String after, String message) {
    String changed = POD.replace(before, after);
    assertThat(changed).as("the case changes the pod").isNotEqualTo(POD);

    assertThat(pod(SCHEDULER, POD, changed).denials()).as(what).containsExactly(message);
  }

  @Test
  void theSchedulerMayNotCreatePods() {
    Verdict v = scheduler.evaluate(request(SCHEDULER, "CREATE", null),
        AdmissionPolicyEvaluator.object(POD), null);

    assertThat(v.denials()).contains("the topogpu scheduler may not create pods");
    assertThat(v.admitted()).isFalse();
  }

  @Test
  void otherAccountsAreNotMatched() {
    Verdict v = pod("system:serviceaccount:ml:job-controller", POD,
        POD.replace("labels: {app: train}", "labels: {app: other}"));

    assertThat(v.matched()).isFalse();
    assertThat(v.admitted()).isTrue();
  }

  private static final String NODE = """
      metadata:
        name: dgx-1
        labels: {kubernetes.io/hostname: dgx-1}
        annotations: {topogpu.io/topology: old, node.alpha.kubernetes.io/ttl: "0"}
        ownerReferences: [{apiVersion: v1, kind: Machine, name: dgx-1, uid: m1}]
        finalizers: [example.com/protect]
      spec: {podCIDR: 10.0.0.0/24}
      """;

  private Verdict node(String tokenNode, String after) {
    return agent.evaluate(request(AGENT, "UPDATE", tokenNode),
        AdmissionPolicyEvaluator.object(after), AdmissionPolicyEvaluator.object(NODE));
  }

  @Test
  void theAgentMayRewriteItsOwnNodesTopology() {
    assertThat(node("dgx-1", NODE.replace("topogpu.io/topology: old", "topogpu.io/topology: new"))
        .denials()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      drops the owner reference | ownerReferences: [{apiVersion: v1, kind: Machine, name: dgx-1, uid: m1}] | ownerReferences: [] | the topogpu node agent may not change node owner references or finalizers
      adds a finalizer          | finalizers: [example.com/protect] | finalizers: [example.com/protect, evil.example/hold]             | the topogpu node agent may not change node owner references or finalizers
      changes a label           | labels: {kubernetes.io/hostname: dgx-1} | labels: {kubernetes.io/hostname: dgx-1, gpu: fake}         | the topogpu node agent may not change node labels or spec
      changes another annotation | node.alpha.kubernetes.io/ttl: "0" | node.alpha.kubernetes.io/ttl: "9"                                | the topogpu node agent may only change annotations under topogpu.io/
      """)
  void theAgentMayChangeNothingElseOfItsNode(String what, String before, String after, String message) {
    String changed = NODE.replace(before, after);
    assertThat(changed).isNotEqualTo(NODE);

    assertThat(node("dgx-1", changed).denials()).as(what).containsExactly(message);
  }

  @Test
  void theAgentMayNotTouchAnotherNode() {
    List<String> denials = node("dgx-2",
        NODE.replace("topogpu.io/topology: old", "topogpu.io/topology: new")).denials();

    assertThat(denials).singleElement().asString().startsWith("messageExpression:");
  }
}
