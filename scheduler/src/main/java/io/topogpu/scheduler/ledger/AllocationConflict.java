package io.topogpu.scheduler.ledger;

/** An allocation that would make two holders share a GPU, MIG instance or more than a GPU's worth. */
public final class AllocationConflict extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AllocationConflict(String message) {
    super(message);
  }
}
