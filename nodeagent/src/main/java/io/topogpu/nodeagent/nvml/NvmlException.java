package io.topogpu.nodeagent.nvml;

/** An NVML call that did not return {@code NVML_SUCCESS}; the message names the call and the code. */
public class NvmlException extends RuntimeException {
  private final NvmlReturn code;
  private final String function;

  public NvmlException(String function, NvmlReturn code) {
    this(function, code, null);
  }

  public NvmlException(String function, NvmlReturn code, Throwable cause) {
    super(function + " failed: NVML_" + (code == NvmlReturn.SUCCESS ? "SUCCESS" : "ERROR_" + code.name())
        + " (" + code.code() + ")", cause);
    this.code = code;
    this.function = function;
  }

  public NvmlReturn code() {
    return code;
  }

  /** The NVML entry point that failed, e.g. {@code nvmlInit_v2}. */
  public String function() {
    return function;
  }
}
