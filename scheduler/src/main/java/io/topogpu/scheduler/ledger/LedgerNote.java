package io.topogpu.scheduler.ledger;

/**
 * Something a rebuild had to decide rather than read: an unattributed pod pinned to GPUs, an
 * annotation that conflicted with another, a pod on a node the ledger does not know.
 */
public record LedgerNote(String pod, String node, String message) {
  @Override
  public String toString() {
    return pod + " on " + node + ": " + message;
  }
}
