// JNI library behind dev.depthlab.backend.cuda.EmulatedDevice: runs kernels/*.cu on the host.
// native/build-emulator.sh generates kernels.inc (the #includes of every kernels/*.cu) and
// entries.inc (one DL_HOST_ENTRY per extern "C" entry point) and compiles this file.
#include <jni.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>

#include "shim.h"
#include "kernels.inc"

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
  void (*invoke)(void**);
};

// The DL_ENTRY entry points live in namespaces dl_f32_<name> / dl_f64_<name> (C linkage).
#define DL_HOST_ENTRY(ns, n) {#n, signature(ns::n), [](void** a) { call(ns::n, a); }},

const Entry kEntries[] = {
#include "entries.inc"
};

const Entry* find(const char* name) {
  for (const Entry& e : kEntries) {
    if (std::strcmp(e.name, name) == 0) return &e;
  }
  return nullptr;
}

void throwIllegal(JNIEnv* env, const std::string& msg) {
  jclass c = env->FindClass("java/lang/IllegalArgumentException");
  if (c != nullptr) env->ThrowNew(c, msg.c_str());
}

}  // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_dev_depthlab_backend_cuda_EmulatedDevice_address(JNIEnv* env, jclass,
                                                                              jobject buffer) {
  return reinterpret_cast<jlong>(env->GetDirectBufferAddress(buffer));
}

JNIEXPORT jstring JNICALL Java_dev_depthlab_backend_cuda_EmulatedDevice_signature(JNIEnv* env,
                                                                                  jclass,
                                                                                  jstring name) {
  const char* n = env->GetStringUTFChars(name, nullptr);
  const Entry* e = find(n);
  env->ReleaseStringUTFChars(name, n);
  return e == nullptr ? nullptr : env->NewStringUTF(e->sig.c_str());
}

JNIEXPORT void JNICALL Java_dev_depthlab_backend_cuda_EmulatedDevice_launch(
    JNIEnv* env, jclass, jstring name, jint grid, jint block, jlongArray args) {
  const char* n = env->GetStringUTFChars(name, nullptr);
  const Entry* e = find(n);
  std::string nameCopy(n);
  env->ReleaseStringUTFChars(name, n);
  if (e == nullptr) {
    throwIllegal(env, "no kernel named " + nameCopy);
    return;
  }
  jsize argc = env->GetArrayLength(args);
  if (static_cast<size_t>(argc) != e->sig.size()) {
    throwIllegal(env, nameCopy + " takes " + std::to_string(e->sig.size()) + " arguments, got " +
                          std::to_string(argc));
    return;
  }
  jlong slots[64];
  void* argv[64];
  if (argc > 64) {
    throwIllegal(env, "too many kernel arguments");
    return;
  }
  env->GetLongArrayRegion(args, 0, argc, slots);
  for (jsize i = 0; i < argc; i++) argv[i] = &slots[i];
  gridDim = dim3{static_cast<unsigned>(grid), 1, 1};
  blockDim = dim3{static_cast<unsigned>(block), 1, 1};
  for (int b = 0; b < grid; b++) {
    for (int t = 0; t < block; t++) {
      blockIdx = dim3{static_cast<unsigned>(b), 0, 0};
      threadIdx = dim3{static_cast<unsigned>(t), 0, 0};
      e->invoke(argv);
    }
  }
}

}  // extern "C"
