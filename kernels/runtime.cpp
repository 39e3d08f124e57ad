#include "kernels/runtime.h"

#include <omp.h>

#include <atomic>

#include "kernels/dnnl_runtime.h"

namespace maas::kernels {
namespace {

// 0 means one thread per core. Every thread compares its applied value with this one.
std::atomic<int> g_configured_threads{0};

int resolve(int configured) { return configured > 0 ? configured : omp_get_num_procs(); }

}  // namespace

void set_num_threads(int threads) { g_configured_threads.store(threads > 0 ? threads : 0); }

int num_threads() { return resolve(g_configured_threads.load()); }

namespace {

thread_local int g_applied_threads = -1;

void apply(int threads) {
  if (g_applied_threads != threads) {
    omp_set_num_threads(threads);
    g_applied_threads = threads;
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
