package dev.depthlab.backend.cuda;

/**
 * One step of opening the GPU failed (see {@link JCudaProbe#STEPS}); the message is one line saying
 * what failed and, where known, how to fix it.
 */
final class CudaSetupException extends Exception {
  private final String step;

  CudaSetupException(String step, String reason) {
    super(reason);
    this.step = step;
  }

  CudaSetupException(String step, String reason, Throwable cause) {
    super(reason, cause);
    this.step = step;
  }

  /** Which of {@link JCudaProbe#STEPS} failed. */
  String step() {
    return step;
  }
}
