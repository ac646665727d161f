package dev.depthlab.backend.cuda;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.common.UserError;
import java.util.List;

/** The NVIDIA GPU backend (JCuda + cuBLAS). Placeholder until the CUDA path lands. */
public final class CudaBackend implements Backend {
  @Override
  public String name() {
    return "cuda";
  }

  @Override
  public Availability availability() {
    return Availability.unusable("the CUDA backend is not part of this build yet");
  }

  @Override
  public Group createGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
    throw new UserError("cuda: " + availability().reason(), UserError.FAILURE);
  }
}
