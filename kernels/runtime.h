#pragma once
// Thread settings shared by every maas kernel. oneDNN (OpenMP build) and our own loops
// read the same OpenMP thread count.

// Compiles a function for AVX-512, for AVX2 with FMA and for the x86-64 baseline. The dynamic
// loader picks the clone that the CPU runs, so one binary uses the wide vectors where present.
// Meant for memory-bound loops that the compiler vectorises. A clone may contract a multiply
// and an add into one FMA, so results may differ in the last bit between CPUs, though not
// between runs on one machine.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(MAAS_NATIVE_ARCH)
#define MAAS_CPU_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MAAS_CPU_CLONES
#endif

namespace maas::kernels {

// Sets the number of OpenMP threads that every kernel uses, from any thread onwards.
// 0 selects one thread per available core. Negative values are treated as 0.
void set_num_threads(int threads);

// Returns the thread count that kernels use now: the configured value, or the
// number of available cores when none is configured.
int num_threads();

// Applies the configured thread count to the calling thread. OpenMP keeps the count
// per thread, so each kernel entry point calls this before it starts a parallel region.
void apply_thread_count();

// Multiply-adds below which a kernel runs on one thread. A fork-join costs microseconds on an
// idle machine and far more when another process occupies a core, while this much work takes
// about 0.1 ms on one core (an estimate).
inline constexpr long long kMinParallelWork = 1LL << 20;

// Applies the configured thread count, or 1 when `work` (multiply-adds or elements) is below
// kMinParallelWork, and returns the count applied. The choice depends only on `work` and the
// configured count, so results stay reproducible for a given thread setting.
int apply_thread_count_for(long long work);

}  // namespace maas::kernels
