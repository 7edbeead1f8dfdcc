package io.topogpu.topology.model;

/** Whether a GPU may be given to pods. Only {@link #HEALTHY} GPUs are placeable. */
public enum Health {
  HEALTHY,
  UNHEALTHY
}
