/** The extender's Prometheus meters: names, tags and the registry served at {@code /metrics}. */
package io.topogpu.scheduler.metrics;
