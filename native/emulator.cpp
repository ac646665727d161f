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
#include <atomic>
#include <map>
#include <mutex>
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

enum class FiberState { kReady, kAtBarrier, kAtWarpSync, kDone };

struct Fiber {
  ucontext_t ctx;
  std::vector<char> stack;
  FiberState state = FiberState::kReady;
  const char* file = nullptr;
  int line = 0;
};

// ---- Shared-memory accounting (shim.h: DL_SMEM, DL_PARAM) ----

// A registered access site: its name in the kernel source, file and line.
struct Site {
  std::string name;
  std::string file;
  int line;
};

std::mutex gSitesMutex;
std::vector<Site> gSites;

// One recorded access of a block: site, thread, the thread's how-many-th access at that site since
// the last barrier, byte offset into the block's shared memory, and width in bytes.
struct Access {
  uint32_t site;
  uint32_t thread;
  uint32_t occurrence;
  uint32_t bytes;
  uint64_t offset;
};

// Per site: warp requests, the wavefronts they take (a request's phases, each as many
// wavefronts as its worst bank's distinct words), the fewest wavefronts possible (one per
// phase with an access), the worst conflict degree of one phase, and the thread accesses.
struct SiteCounts {
  uint64_t requests = 0;
  uint64_t wavefronts = 0;
  uint64_t ideal = 0;
  uint64_t accesses = 0;
  uint32_t maxDegree = 0;
  uint32_t bytes = 0;
};

struct KernelCounts {
  uint64_t blocks = 0;
  uint64_t barriers = 0;
  std::map<uint32_t, SiteCounts> sites;
};

std::atomic<bool> gCounting{false};
std::mutex gCountsMutex;
std::map<std::string, KernelCounts> gCounts;

constexpr unsigned kWarp = 32;
constexpr unsigned kBanks = 32;

// The warp requests among `a` (sorted by site, warp, occurrence): each group of one site, warp
// and occurrence is one request. 4-byte (or narrower) accesses are served for the whole warp in
// one phase, 8-byte accesses per half-warp and 16-byte ones per quarter-warp (sm_90's rules), so
// a request takes one phase per such group of lanes with an access; a phase needs as many
// wavefronts as the most distinct 4-byte words any of the 32 banks (4 bytes wide) holds for it
// (the same word for several lanes is one broadcast).
void countRequests(const std::vector<Access>& a, KernelCounts& k) {
  std::vector<std::pair<uint32_t, uint64_t>> words;  // (phase * 32 + bank, word) of one request
  size_t i = 0;
  while (i < a.size()) {
    size_t j = i;
    uint32_t bytes = 0;
    while (j < a.size() && a[j].site == a[i].site && a[j].thread / kWarp == a[i].thread / kWarp &&
           a[j].occurrence == a[i].occurrence) {
      bytes = std::max(bytes, a[j].bytes);
      j++;
    }
    const uint32_t lanesPerPhase = bytes <= 4 ? 32 : (bytes == 8 ? 16 : 8);
    words.clear();
    for (size_t t = i; t < j; t++) {
      uint32_t phase = (a[t].thread % kWarp) / lanesPerPhase;
      uint64_t first = a[t].offset / 4;
      uint64_t last = (a[t].offset + a[t].bytes - 1) / 4;
      for (uint64_t w = first; w <= last; w++) {
        words.emplace_back(phase * kBanks + static_cast<uint32_t>(w % kBanks), w);
      }
    }
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    uint32_t phaseDegree[4] = {0, 0, 0, 0};
    size_t w = 0;
    while (w < words.size()) {
      size_t v = w;
      while (v < words.size() && words[v].first == words[w].first) v++;
      uint32_t phase = words[w].first / kBanks;
      phaseDegree[phase] = std::max(phaseDegree[phase], static_cast<uint32_t>(v - w));
      w = v;
    }
    SiteCounts& c = k.sites[a[i].site];
    c.requests++;
    c.accesses += j - i;
    c.bytes = std::max(c.bytes, bytes);
    for (uint32_t d : phaseDegree) {
      if (d == 0) continue;
      c.wavefronts += d;
      c.ideal++;
      c.maxDegree = std::max(c.maxDegree, d);
    }
    i = j;
  }
}

// The block a worker thread is running: its fibers, the scheduler's context and the shared memory.
struct BlockRun {
  ucontext_t scheduler;
  std::vector<Fiber> fibers;
  unsigned current = 0;
  const Entry* entry = nullptr;
  void** argv = nullptr;
  std::vector<unsigned char> shared;
  bool active = false;
  std::string failure;              // set by a fiber that cannot go on (an access outside)
  std::vector<Access> accesses;     // since the last barrier, while counting
  std::vector<uint32_t> occurrence; // [thread * sites + site]: accesses since the last barrier
  uint32_t occurrenceSites = 0;
  KernelCounts counts;              // this block's, merged into gCounts at its end
  std::vector<unsigned long long> lanes;  // a shuffle's values, one per thread (shim.h)
};

thread_local BlockRun tlBlock;

void fiberMain() {
  BlockRun& b = tlBlock;
  b.entry->invoke(b.argv);
  b.fibers[b.current].state = FiberState::kDone;
  // returning resumes uc_link, the scheduler
}

// Counts the warp requests recorded since the last barrier (or the block's start) and starts over.
void flushAccesses(BlockRun& b) {
  if (b.accesses.empty()) return;
  std::sort(b.accesses.begin(), b.accesses.end(), [](const Access& x, const Access& y) {
    if (x.site != y.site) return x.site < y.site;
    if (x.thread / kWarp != y.thread / kWarp) return x.thread / kWarp < y.thread / kWarp;
    if (x.occurrence != y.occurrence) return x.occurrence < y.occurrence;
    return x.thread < y.thread;
  });
  countRequests(b.accesses, b.counts);
  b.accesses.clear();
  std::fill(b.occurrence.begin(), b.occurrence.end(), 0u);
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
  b.failure.clear();
  const bool counting = gCounting.load();
  dl_shim_shared.base = b.shared.data();
  dl_shim_shared.size = sharedBytes;
  dl_shim_shared.counting = counting;
  b.accesses.clear();
  b.counts = KernelCounts{};
  b.counts.blocks = 1;
  std::fill(b.occurrence.begin(), b.occurrence.end(), 0u);
  static thread_local std::vector<unsigned> perm;
  std::string failure;
  for (;;) {
    roundOrder(perm, n, order, state);
    for (unsigned t : perm) {
      if (b.fibers[t].state != FiberState::kReady) continue;
      b.current = t;
      threadIdx = dim3{t, 0, 0};
      swapcontext(&b.scheduler, &b.fibers[t].ctx);
      if (!b.failure.empty()) break;
    }
    if (!b.failure.empty()) {
      failure = b.failure;
      break;
    }
    // warps whose every thread waits at one __syncwarp go on; a warp with some threads there and
    // others returned or at another barrier is a divergent __syncwarp
    bool released = false;
    for (unsigned w = 0; w < n && failure.empty(); w += kWarp) {
      const unsigned end = std::min(n, w + kWarp);
      const Fiber* at = nullptr;
      unsigned atWarp = 0;
      for (unsigned t = w; t < end; t++) {
        if (b.fibers[t].state == FiberState::kAtWarpSync) {
          atWarp++;
          if (at == nullptr) at = &b.fibers[t];
        }
      }
      if (atWarp == 0) continue;
      for (unsigned t = w; t < end; t++) {
        const Fiber& f = b.fibers[t];
        if (f.state != FiberState::kAtWarpSync || f.line != at->line ||
            std::strcmp(f.file, at->file) != 0) {
          failure = "divergent __syncwarp in block " + std::to_string(blk) + ": thread " +
                    std::to_string(t) +
                    (f.state == FiberState::kDone
                         ? std::string(" returned")
                         : std::string(" waits at ") + f.file + ":" + std::to_string(f.line)) +
                    ", thread " + std::to_string(at - b.fibers.data()) + " at __syncwarp " +
                    at->file + ":" + std::to_string(at->line);
          break;
        }
      }
      if (failure.empty()) {
        for (unsigned t = w; t < end; t++) b.fibers[t].state = FiberState::kReady;
        released = true;
      }
    }
    if (!failure.empty()) break;
    if (released) continue;
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
    if (counting) flushAccesses(b);
    b.counts.barriers++;
    for (unsigned t = 0; t < n; t++) b.fibers[t].state = FiberState::kReady;
  }
  if (counting && failure.empty()) {
    flushAccesses(b);
    std::lock_guard<std::mutex> lock(gCountsMutex);
    KernelCounts& k = gCounts[e.name];
    k.blocks += b.counts.blocks;
    k.barriers += b.counts.barriers;
    for (const auto& [site, c] : b.counts.sites) {
      SiteCounts& t = k.sites[site];
      t.requests += c.requests;
      t.wavefronts += c.wavefronts;
      t.ideal += c.ideal;
      t.accesses += c.accesses;
      t.maxDegree = std::max(t.maxDegree, c.maxDegree);
      t.bytes = std::max(t.bytes, c.bytes);
    }
  }
  dl_shim_shared = DlShimShared{};
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

void dl_shim_syncwarp(unsigned mask, const char* file, int line) {
  BlockRun& b = tlBlock;
  if (!b.active) {
    std::fprintf(stderr, "emulator: __syncwarp outside a block-synchronous kernel at %s:%d\n",
                 file, line);
    std::abort();
  }
  Fiber& f = b.fibers[b.current];
  if (mask != 0xffffffffu) {
    // only whole warps are modelled; a partial mask fails the launch
    b.failure = std::string("__syncwarp or __shfl_xor_sync with mask ") + std::to_string(mask) +
                " at " + file + ":" + std::to_string(line) +
                " (the emulator models whole warps only: 0xffffffff)";
    f.state = FiberState::kDone;
    swapcontext(&f.ctx, &b.scheduler);
    std::abort();
  }
  f.state = FiberState::kAtWarpSync;
  f.file = file;
  f.line = line;
  swapcontext(&f.ctx, &b.scheduler);
}

unsigned long long dl_shim_shfl_xor(unsigned mask, unsigned long long bits, int laneMask,
                                    const char* file, int line) {
  BlockRun& b = tlBlock;
  if (b.lanes.size() < b.fibers.size()) b.lanes.resize(b.fibers.size());
  const unsigned t = b.current;
  b.lanes[t] = bits;
  dl_shim_syncwarp(mask, file, line);  // every lane has put its value
  const unsigned lane = (t % kWarp) ^ (static_cast<unsigned>(laneMask) & (kWarp - 1));
  const unsigned from = (t / kWarp) * kWarp + lane;
  const unsigned long long got = b.lanes[from];
  dl_shim_syncwarp(mask, file, line);  // every lane has read before the next shuffle writes
  return got;
}

int dl_shim_site(const char* name, const char* file, int line) {
  const char* slash = std::strrchr(file, '/');
  std::string base = slash == nullptr ? file : slash + 1;
  std::lock_guard<std::mutex> lock(gSitesMutex);
  for (size_t i = 0; i < gSites.size(); i++) {
    if (gSites[i].name == name && gSites[i].file == base && gSites[i].line == line) {
      return static_cast<int>(i);
    }
  }
  gSites.push_back(Site{name, base, line});
  return static_cast<int>(gSites.size() - 1);
}

void dl_shim_record(int site, const void* p, unsigned bytes) {
  BlockRun& b = tlBlock;
  const uint32_t s = static_cast<uint32_t>(site);
  const unsigned n = blockDim.x;
  if (s >= b.occurrenceSites) {
    // more sites than the table has room for: grow it, keeping each thread's counts
    uint32_t grown = std::max<uint32_t>(s + 1, 2 * b.occurrenceSites);
    std::vector<uint32_t> next(static_cast<size_t>(n) * grown, 0u);
    for (unsigned t = 0; t < n && b.occurrenceSites > 0; t++) {
      for (uint32_t k = 0; k < b.occurrenceSites; k++) {
        if (static_cast<size_t>(t) * b.occurrenceSites + k < b.occurrence.size()) {
          next[static_cast<size_t>(t) * grown + k] =
              b.occurrence[static_cast<size_t>(t) * b.occurrenceSites + k];
        }
      }
    }
    b.occurrence.swap(next);
    b.occurrenceSites = grown;
  }
  if (b.occurrence.size() < static_cast<size_t>(n) * b.occurrenceSites) {
    b.occurrence.resize(static_cast<size_t>(n) * b.occurrenceSites, 0u);
  }
  const unsigned t = threadIdx.x;
  uint32_t& occ = b.occurrence[static_cast<size_t>(t) * b.occurrenceSites + s];
  const uint64_t offset =
      static_cast<uint64_t>(static_cast<const unsigned char*>(p) - dl_shim_shared.base);
  b.accesses.push_back(Access{s, t, occ++, bytes, offset});
}

void dl_shim_outside(int site, const void* p, unsigned bytes) {
  BlockRun& b = tlBlock;
  std::string where;
  {
    std::lock_guard<std::mutex> lock(gSitesMutex);
    const Site& s = gSites[static_cast<size_t>(site)];
    where = s.name + " (" + s.file + ":" + std::to_string(s.line) + ")";
  }
  const long long off = static_cast<long long>(static_cast<const unsigned char*>(p) -
                                               dl_shim_shared.base);
  std::string msg = "shared-memory access " + where + " of thread " +
                    std::to_string(threadIdx.x) + " in block " + std::to_string(blockIdx.x) +
                    " at byte " + std::to_string(off) + " (+" + std::to_string(bytes) +
                    ") outside the block's " + std::to_string(dl_shim_shared.size) + " bytes";
  if (!b.active) {
    std::fprintf(stderr, "emulator: %s (not in a block-synchronous kernel)\n", msg.c_str());
    std::abort();
  }
  b.failure = msg;
  Fiber& f = b.fibers[b.current];
  f.state = FiberState::kDone;
  swapcontext(&f.ctx, &b.scheduler);  // never resumed: the launch fails
  std::abort();
}

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

// Turns the shared-memory accounting on (clearing what was counted) or off.
JNIEXPORT void JNICALL Java_dev_depthlab_backend_cuda_EmulatedDevice_countSharedAccesses(
    JNIEnv*, jclass, jboolean on) {
  std::lock_guard<std::mutex> lock(gCountsMutex);
  if (on) gCounts.clear();
  gCounting.store(on);
}

// What was counted since the accounting was turned on, one line per kernel ("kernel NAME BLOCKS
// BARRIERS") followed by one per access site ("site NAME FILE:LINE BYTES REQUESTS WAVEFRONTS
// IDEAL MAXDEGREE ACCESSES"), tab-separated.
JNIEXPORT jstring JNICALL Java_dev_depthlab_backend_cuda_EmulatedDevice_sharedAccessCounts(
    JNIEnv* env, jclass) {
  std::string out;
  std::lock_guard<std::mutex> lock(gCountsMutex);
  std::lock_guard<std::mutex> sites(gSitesMutex);
  for (const auto& [name, k] : gCounts) {
    out += "kernel\t" + name + "\t" + std::to_string(k.blocks) + "\t" +
           std::to_string(k.barriers) + "\n";
    for (const auto& [site, c] : k.sites) {
      const Site& s = gSites[site];
      out += "site\t" + s.name + "\t" + s.file + ":" + std::to_string(s.line) + "\t" +
             std::to_string(c.bytes) + "\t" + std::to_string(c.requests) + "\t" +
             std::to_string(c.wavefronts) + "\t" + std::to_string(c.ideal) + "\t" +
             std::to_string(c.maxDegree) + "\t" + std::to_string(c.accesses) + "\n";
    }
  }
  return env->NewStringUTF(out.c_str());
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
