// JNI library behind dev.depthlab.backend.cuda.EmulatedDevice: runs kernels/*.cu on the host.
// native/build-emulator.sh generates kernels.inc (the #includes of every kernels/*.cu and the
// test-only native/faults/*.cu) and entries.inc (one DL_HOST_ENTRY per extern "C" entry point)
// and compiles this file.
#include <jni.h>

#include <cstdint>
#include <cstring>
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
};

// The DL_ENTRY entry points live in namespaces dl_f32_<name> / dl_f64_<name> (C linkage).
#define DL_HOST_ENTRY(ns, n, base) \
  {#n, signature(ns::n), dl_arg_names::base##_args, [](void** a) { call(ns::n, a); }},

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

}  // namespace

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

// Runs every thread of a 1-D grid, one after another, in the order asked for: the kernels have no
// barriers, so any order is a schedule a GPU may choose, and a kernel whose output depends on it
// has a race.
JNIEXPORT void JNICALL Java_dev_depthlab_backend_cuda_EmulatedDevice_launch(
    JNIEnv* env, jclass, jint index, jint grid, jint block, jlongArray args, jint order,
    jlong seed) {
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
