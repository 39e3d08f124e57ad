#include "kernels/runtime.h"

#include <omp.h>

#include <atomic>

#if defined(__SSE3__) || defined(__x86_64__)
#include <pmmintrin.h>
#include <xmmintrin.h>
#endif

#include "kernels/dnnl_runtime.h"

namespace maas::kernels {
namespace {

// 0 means one thread per core. Every thread compares its applied value with this one.
std::atomic<int> g_configured_threads{0};

// libgomp's omp_get_num_procs makes a sched_getaffinity system call, and every kernel call
// resolves the thread count, so the core count is read once.
int available_cores() {
  static const int cores = omp_get_num_procs();
  return cores;
}

int resolve(int configured) { return configured > 0 ? configured : available_cores(); }

}  // namespace

void set_num_threads(int threads) { g_configured_threads.store(threads > 0 ? threads : 0); }

int num_threads() { return resolve(g_configured_threads.load()); }

namespace {

thread_local int g_applied_threads = -1;
// The largest OpenMP team this thread has started with denormals flushed in every member.
thread_local int g_flushing_team = 0;

// Sets flush-to-zero (denormal results become 0) and denormals-are-zero (denormal inputs read
// as 0) on the calling thread. Arithmetic on denormals is many times slower on x86 cores, and
// decayed optimizer moments reach them. With dense embedding updates, Adam's first moment of a
// row without gradient shrinks by beta_1 each step and falls below FLT_MIN after about 800
// steps. Rounding then keeps it a few units above 0 for good. 5 epochs of configs/gametox.yaml with
// embedding_update dense took 25.1 CPU seconds without the flags and 14.5 with them (2-core
// AMD EPYC VM). TensorFlow sets the same flags in its CPU thread pools. Only results in the
// denormal range change: they become 0.
void flush_denormals_on_this_thread() {
#if defined(__SSE3__) || defined(__x86_64__)
  _MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_ON);
  _MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_ON);
#endif
  // NOTE: other architectures keep their default, which on AArch64 computes denormals.
}

// Sets the thread count and flushes denormals in the calling thread and in the OpenMP
// workers it starts. Linux threads inherit the floating-point control register of the thread
// that creates them, so libgomp's workers usually have the flags already. The one parallel
// region per larger team covers a worker pool that was created before the flags were set.
void apply(int threads) {
  if (g_applied_threads == threads) {
    return;
  }
  if (g_applied_threads == -1) {
    flush_denormals_on_this_thread();
  }
  omp_set_num_threads(threads);
  g_applied_threads = threads;
  if (threads > g_flushing_team) {
#pragma omp parallel num_threads(threads)
    flush_denormals_on_this_thread();
    g_flushing_team = threads;
  }
}

}  // namespace

void apply_thread_count() { apply(num_threads()); }

int apply_thread_count_for(long long work) {
  const int threads = work < kMinParallelWork ? 1 : num_threads();
  apply(threads);
  return threads;
}

dnnl::engine& cpu_engine() {
  // Created on first use. oneDNN engines are safe to share between threads.
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& thread_stream() {
  // One stream per thread, so concurrent inference calls never share a stream.
  thread_local dnnl::stream stream(cpu_engine());
  return stream;
}

void* thread_scratchpad(std::size_t bytes) {
  struct Buffer {
    void* data = nullptr;
    std::size_t size = 0;
    ~Buffer() { std::free(data); }
  };
  thread_local Buffer buffer;
  if (bytes > buffer.size) {
    constexpr std::size_t kAlignment = 64;
    const std::size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
    void* grown = std::aligned_alloc(kAlignment, rounded);
    if (grown == nullptr) {
      throw std::bad_alloc();
    }
    std::free(buffer.data);
    buffer.data = grown;
    buffer.size = rounded;
  }
  return buffer.data;
}

}  // namespace maas::kernels
