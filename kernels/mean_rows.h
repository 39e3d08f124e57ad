#pragma once
// The masked mean over a sequence, shared by mean pooling and the embedding lookup fused with
// it, so that both add and round in the same order. Only kernels/*.cpp include this header.

#include <algorithm>
#include <cstdint>

namespace maas::kernels {

// Writes to out[0, dim) the mean of row(t) over the t in [0, seq) for which counted(t) is true,
// adding in t order, and returns 1 / (counted rows). With no counted row, out is zero and the
// result 0. Always inlined, so that it is compiled for each instruction set of its callers.
template <class Counted, class Row>
[[gnu::always_inline]] inline float mean_of_rows(std::int64_t seq, std::int64_t dim, Counted counted, Row row, float* out) {
  std::fill(out, out + dim, 0.0f);
  std::int64_t count = 0;
  for (std::int64_t t = 0; t < seq; ++t) {
    if (!counted(t)) {
      continue;
    }
    ++count;
    const float* in = row(t);
    for (std::int64_t j = 0; j < dim; ++j) {
      out[j] += in[j];
    }
  }
  const float inverse = count > 0 ? 1.0f / static_cast<float>(count) : 0.0f;
  for (std::int64_t j = 0; j < dim; ++j) {
    out[j] *= inverse;
  }
  return inverse;
}

}  // namespace maas::kernels
