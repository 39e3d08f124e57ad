#pragma once
// Thread settings shared by every maas kernel. oneDNN (OpenMP build) and our own loops
// read the same OpenMP thread count.

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

}  // namespace maas::kernels
