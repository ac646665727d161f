// JNI library behind dev.depthlab.backend.cuda.EmulatedDevice: runs kernels/*.cu on the host.
// native/build-emulator.sh generates kernels.inc (the #includes of every kernels/*.cu and the
// test-only native/faults/*.cu) and entries.inc (one DL_HOST_ENTRY per extern "C" entry point)
// and compiles this file.
#include <jni.h>
#include <ucontext.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <numeric>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "shim.h"
#include "kernels.inc"

// The kernel files a second time, with DL_ENTRY keeping only each entry point's argument list as
// a string (<name>_args), so that a fault can be reported by argument name. A namespace of their
// own keeps these template definitions apart from the first inclusion's.
#undef DL_ENTRY
#define DL_ENTRY(name, params, args) constexpr const char* name##_args = #args;
namespace dl_arg_names {
#include "kernels.inc"
}  // namespace dl_arg_names

namespace {

// One argument slot per kernel parameter, as cuLaunchKernel's kernelParams: the Java side
// packs a pointer as its address, an int in the low 32 bits, a double as its raw bits.
template <typename A>
char code() {
  if (std::is_pointer_v<A>) return 'p';
  if (std::is_same_v<A, int>) return 'i';
  if (std::is_same_v<A, double>) return 'd';
  return '?';
}

template <typename... A>
std::string signature(void (*)(A...)) {
  return std::string{code<A>()...};
}

template <typename... A, size_t... I>
void call_with(void (*f)(A...), void** args, std::index_sequence<I...>) {
  f(*static_cast<std::remove_reference_t<A>*>(args[I])...);
}

template <typename... A>
void call(void (*f)(A...), void** args) {
  call_with(f, args, std::index_sequence_for<A...>{});
}

struct Entry {
  const char* name;
  std::string sig;
  const char* args;  // "(x, y, ...)", as written in DL_ENTRY
  void (*invoke)(void**);
  bool sync;  // its file calls __syncthreads: a block's threads run as fibers
};

// The DL_ENTRY entry points live in namespaces dl_f32_<name> / dl_f64_<name> (C linkage).
#define DL_HOST_ENTRY(ns, n, base, sync) \
  {#n, signature(ns::n), dl_arg_names::base##_args, [](void** a) { call(ns::n, a); }, sync},

const Entry kEntries[] = {
#include "entries.inc"
};

constexpr jint kCount = static_cast<jint>(sizeof(kEntries) / sizeof(kEntries[0]));

// Thread orders, as EmulatedDevice.ThreadOrder's ordinals.
constexpr jint kForward = 0;
constexpr jint kReverse = 1;
constexpr jint kShuffled = 2;

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

void throwIllegal(JNIEnv* env, const std::string& msg) {
  jclass c = env->FindClass("java/lang/IllegalArgumentException");
  if (c != nullptr) env->ThrowNew(c, msg.c_str());
}

void runThread(const Entry& e, void** argv, uint64_t block, uint64_t linear) {
  blockIdx = dim3{static_cast<unsigned>(linear / block), 0, 0};
  threadIdx = dim3{static_cast<unsigned>(linear % block), 0, 0};
  e.invoke(argv);
}

// ---- Block-synchronous kernels: a block's threads as fibers (see shim.h) ----

constexpr size_t kFiberStack = 128 * 1024;

enum class FiberState { kReady, kAtBarrier, kDone };

struct Fiber {
  ucontext_t ctx;
  std::vector<char> stack;
  FiberState state = FiberState::kReady;
  const char* file = nullptr;
  int line = 0;
};

// The block a worker thread is running: its fibers, the scheduler's context and the shared memory.
struct BlockRun {
  ucontext_t scheduler;
  std::vector<Fiber> fibers;
  unsigned current = 0;
  const Entry* entry = nullptr;
  void** argv = nullptr;
  std::vector<unsigned char> shared;
  bool active = false;
};

thread_local BlockRun tlBlock;

void fiberMain() {
  BlockRun& b = tlBlock;
  b.entry->invoke(b.argv);
  b.fibers[b.current].state = FiberState::kDone;
  // returning resumes uc_link, the scheduler
}

// The order of the threads 0..n-1 for one round of a block (the launch's thread order).
void roundOrder(std::vector<unsigned>& perm, unsigned n, jint order, uint64_t& state) {
  perm.resize(n);
  std::iota(perm.begin(), perm.end(), 0u);
  if (order == kReverse) {
    std::reverse(perm.begin(), perm.end());
  } else if (order == kShuffled) {
    for (unsigned i = n - 1; i > 0; i--) std::swap(perm[i], perm[splitmix64(state) % (i + 1)]);
  }
}

// Runs block `blk` of a block-synchronous kernel: every thread as a fiber, round after round, each
// round resuming the ready threads in the launch's order until each waits at a barrier or has
// returned. Returns an empty string, or why the block failed (a divergent __syncthreads).
std::string runBlockAsFibers(const Entry& e, void** argv, unsigned blk, unsigned n, jint order,
                             uint64_t& state, size_t sharedBytes) {
  BlockRun& b = tlBlock;
  b.entry = &e;
  b.argv = argv;
  b.shared.assign(sharedBytes == 0 ? 16 : sharedBytes, 0xFF);  // undefined on a GPU: NaN here
  if (b.fibers.size() < n) b.fibers.resize(n);
  for (unsigned t = 0; t < n; t++) {
    Fiber& f = b.fibers[t];
    if (f.stack.empty()) f.stack.resize(kFiberStack);
    f.state = FiberState::kReady;
    getcontext(&f.ctx);
    f.ctx.uc_stack.ss_sp = f.stack.data();
    f.ctx.uc_stack.ss_size = f.stack.size();
    f.ctx.uc_link = &b.scheduler;
    makecontext(&f.ctx, fiberMain, 0);
  }
  blockIdx = dim3{blk, 0, 0};
  b.active = true;
  static thread_local std::vector<unsigned> perm;
  std::string failure;
  for (;;) {
    roundOrder(perm, n, order, state);
    for (unsigned t : perm) {
      if (b.fibers[t].state != FiberState::kReady) continue;
      b.current = t;
      threadIdx = dim3{t, 0, 0};
      swapcontext(&b.scheduler, &b.fibers[t].ctx);
    }
    unsigned waiting = 0;
    unsigned done = 0;
    const Fiber* first = nullptr;
    for (unsigned t = 0; t < n; t++) {
      const Fiber& f = b.fibers[t];
      if (f.state == FiberState::kDone) {
        done++;
      } else {
        waiting++;
        if (first == nullptr) first = &f;
      }
    }
    if (waiting == 0) break;
    std::string where = std::string(first->file) + ":" + std::to_string(first->line);
    if (done > 0) {
      failure = "divergent __syncthreads in block " + std::to_string(blk) + ": " +
                std::to_string(waiting) + " of " + std::to_string(n) + " threads wait at " +
                where + ", " + std::to_string(done) + " returned";
      break;
    }
    for (unsigned t = 0; t < n; t++) {
      const Fiber& f = b.fibers[t];
      if (f.line != first->line || std::strcmp(f.file, first->file) != 0) {
        failure = "divergent __syncthreads in block " + std::to_string(blk) + ": thread " +
                  std::to_string(t) + " waits at " + f.file + ":" + std::to_string(f.line) +
                  ", thread " + std::to_string(first - b.fibers.data()) + " at " + where;
        break;
      }
    }
    if (!failure.empty()) break;
    for (unsigned t = 0; t < n; t++) b.fibers[t].state = FiberState::kReady;
  }
  b.active = false;  // fibers left waiting after a failure are dropped (their stacks reused)
  return failure;
}

void throwIllegalState(JNIEnv* env, const std::string& msg) {
  jclass c = env->FindClass("java/lang/IllegalStateException");
  if (c != nullptr) env->ThrowNew(c, msg.c_str());
}

}  // namespace

void dl_shim_syncthreads(const char* file, int line) {
  BlockRun& b = tlBlock;
  if (!b.active) {
    // only a file that calls __syncthreads gets fibers (build-emulator.sh): unreachable
    std::fprintf(stderr, "emulator: __syncthreads outside a block-synchronous kernel at %s:%d\n",
                 file, line);
    std::abort();
  }
  Fiber& f = b.fibers[b.current];
  f.state = FiberState::kAtBarrier;
  f.file = file;
  f.line = line;
  swapcontext(&f.ctx, &b.scheduler);
}

unsigned char* dl_shim_dynamic_shared() { return tlBlock.shared.data(); }

extern "C" {

JNIEXPORT jlong JNICALL Java_dev_depthlab_backend_cuda_EmulatedDevice_address(JNIEnv* env, jclass,
                                                                              jobject buffer) {
  return reinterpret_cast<jlong>(env->GetDirectBufferAddress(buffer));
}

JNIEXPORT jint JNICALL Java_dev_depthlab_backend_cuda_EmulatedDevice_kernelIndex(JNIEnv* env,
                                                                                 jclass,
                                                                                 jstring name) {
  const char* n = env->GetStringUTFChars(name, nullptr);
  jint found = -1;
  for (jint i = 0; i < kCount; i++) {
    if (std::strcmp(kEntries[i].name, n) == 0) found = i;
  }
  env->ReleaseStringUTFChars(name, n);
  return found;
}

JNIEXPORT jstring JNICALL Java_dev_depthlab_backend_cuda_EmulatedDevice_kernelSignature(JNIEnv* env,
                                                                                  jclass,
                                                                                  jint index) {
  if (index < 0 || index >= kCount) return nullptr;
  return env->NewStringUTF(kEntries[index].sig.c_str());
}

JNIEXPORT jstring JNICALL Java_dev_depthlab_backend_cuda_EmulatedDevice_kernelArgs(JNIEnv* env,
                                                                                 jclass,
                                                                                 jint index) {
  if (index < 0 || index >= kCount) return nullptr;
  return env->NewStringUTF(kEntries[index].args);
}

// Runs every thread of a 1-D grid, one after another, in the order asked for: a kernel without
// barriers may see any such order on a GPU, and one whose output depends on it has a race. A
// block-synchronous kernel (its file calls __syncthreads) runs block after block, in that order,
// each block's threads as fibers (runBlockAsFibers) with sharedBytes of dynamic shared memory.
JNIEXPORT void JNICALL Java_dev_depthlab_backend_cuda_EmulatedDevice_launch(
    JNIEnv* env, jclass, jint index, jint grid, jint block, jint sharedBytes, jlongArray args,
    jint order, jlong seed) {
  if (index < 0 || index >= kCount) {
    throwIllegal(env, "no kernel number " + std::to_string(index));
    return;
  }
  const Entry& e = kEntries[index];
  if (grid < 1 || block < 1) {
    throwIllegal(env, std::string(e.name) + ": empty grid or block");
    return;
  }
  jsize argc = env->GetArrayLength(args);
  if (static_cast<size_t>(argc) != e.sig.size()) {
    throwIllegal(env, std::string(e.name) + " takes " + std::to_string(e.sig.size()) +
                          " arguments, got " + std::to_string(argc));
    return;
  }
  jlong slots[64];
  void* argv[64];
  if (argc > 64) {
    throwIllegal(env, std::string(e.name) + ": too many kernel arguments");
    return;
  }
  env->GetLongArrayRegion(args, 0, argc, slots);
  for (jsize i = 0; i < argc; i++) argv[i] = &slots[i];
  gridDim = dim3{static_cast<unsigned>(grid), 1, 1};
  blockDim = dim3{static_cast<unsigned>(block), 1, 1};
  if (e.sync) {
    // blocks one after another (forward, reverse or shuffled), each block's threads as fibers
    uint64_t state = static_cast<uint64_t>(seed);
    std::vector<unsigned> blocks;
    roundOrder(blocks, static_cast<unsigned>(grid), order, state);
    if (order != kForward && order != kReverse && order != kShuffled) {
      throwIllegal(env, "unknown thread order " + std::to_string(order));
      return;
    }
    for (unsigned blk : blocks) {
      std::string failure = runBlockAsFibers(e, argv, blk, static_cast<unsigned>(block), order,
                                             state, static_cast<size_t>(sharedBytes));
      if (!failure.empty()) {
        throwIllegalState(env, std::string(e.name) + ": " + failure);
        return;
      }
    }
    return;
  }
  const uint64_t perBlock = static_cast<uint64_t>(block);
  const uint64_t total = static_cast<uint64_t>(grid) * perBlock;
  if (order == kForward) {
    for (uint64_t i = 0; i < total; i++) runThread(e, argv, perBlock, i);
  } else if (order == kReverse) {
    for (uint64_t i = total; i-- > 0;) runThread(e, argv, perBlock, i);
  } else if (order == kShuffled) {
    // Fisher-Yates over every (block, thread) of the grid, reusing this thread's scratch
    static thread_local std::vector<uint64_t> perm;
    perm.resize(total);
    std::iota(perm.begin(), perm.end(), uint64_t{0});
    uint64_t state = static_cast<uint64_t>(seed);
    for (uint64_t i = total - 1; i > 0; i--) {
      std::swap(perm[i], perm[splitmix64(state) % (i + 1)]);
    }
    for (uint64_t i : perm) runThread(e, argv, perBlock, i);
  } else {
    throwIllegal(env, "unknown thread order " + std::to_string(order));
  }
}

}  // extern "C"
