#pragma once
// oneDNN objects shared by the kernel sources. Only kernels/*.cpp include this header,
// so no oneDNN type reaches a core/ header.

#include <cstddef>
#include <cstdlib>
#include <new>

#include <oneapi/dnnl/dnnl.hpp>

namespace maas::kernels {

// The one CPU engine of the process.
dnnl::engine& cpu_engine();

// The calling thread's stream on cpu_engine().
dnnl::stream& thread_stream();

// Returns a 64-byte aligned buffer of at least `bytes` owned by the calling thread.
// Primitives run with a user-managed scratchpad in this buffer, which lets several
// threads execute the same primitive at once. The buffer only grows, so once warm it
// allocates nothing.
void* thread_scratchpad(std::size_t bytes);

}  // namespace maas::kernels
