package io.topogpu.scheduler.extender;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.topogpu.scheduler.extender.ExtenderPreemptionArgs.MetaVictims;
import java.util.Map;

/**
 * Response of the preempt call ({@code ExtenderPreemptionResult}), always in the meta (UID) form
 * whatever the request's form. kube-scheduler keeps only the nodes listed, each with the victims
 * listed; every listed node must name at least one victim, and every UID must be a pod on that
 * node, or the whole preemption attempt fails. An empty map means: preempt nowhere.
 */
public record ExtenderPreemptionResult(
    @JsonProperty("NodeNameToMetaVictims") Map<String, MetaVictims> nodeNameToMetaVictims) {}
