package io.topogpu.scheduler.extender;

import java.util.Optional;

/** The backend's bind outcome: bound, or the reason it did not bind (unknown pod, node gone...). */
public record BindResponse(Optional<String> error) {

  public BindResponse {
    if (error.isPresent() && error.get().isBlank()) {
      throw new IllegalArgumentException("error: must not be blank when present");
    }
  }

  public static BindResponse bound() {
    return new BindResponse(Optional.empty());
  }

  public static BindResponse failed(String error) {
    return new BindResponse(Optional.of(error));
  }
}
