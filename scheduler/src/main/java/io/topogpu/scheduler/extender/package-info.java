/**
 * The kube-scheduler extender's HTTP layer and wire protocol ({@code
 * k8s.io/kube-scheduler/extender/v1}).
 *
 * <p>A request goes through three layers, each with one job:
 *
 * <ol>
 *   <li>{@link io.topogpu.scheduler.extender.ExtenderServer} (Vert.x Web): admits the request,
 *       reads the body within the limit, hands it to a worker thread, writes the answer and records
 *       its latency. Routes are in {@link io.topogpu.scheduler.extender.Routes}.
 *   <li>{@code ExtenderVerbs}: decodes the body with {@link
 *       io.topogpu.scheduler.extender.WireCodec} into validated wire records ({@code ExtenderArgs},
 *       {@code ExtenderBindingArgs}), calls the backend with wire-neutral requests, and encodes its
 *       verdict in the wire form kube-scheduler expects, turning every backend failure into the
 *       verb's logical failure (HTTP 200).
 *   <li>{@link io.topogpu.scheduler.extender.ExtenderBackend}: the decision, outside this package
 *       ({@link io.topogpu.scheduler.extender.NoopBackend} here, for the benchmark floor).
 * </ol>
 */
package io.topogpu.scheduler.extender;
