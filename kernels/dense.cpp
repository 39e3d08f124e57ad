#include "kernels/dense.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <tuple>

#include "kernels/dnnl_runtime.h"
#include "kernels/primitive_cache.h"
#include "kernels/runtime.h"

namespace maas::kernels {
namespace {

using dnnl::memory;
using Tag = memory::format_tag;

// batch, in, out, activation (forward passes only), pass, thread count.
using CacheKey = std::tuple<std::int64_t, std::int64_t, std::int64_t, int, int, int>;

PrimitiveCache<CacheKey>& cache() {
  static PrimitiveCache<CacheKey> instance;
  return instance;
}

// oneDNN's inner-product primitive runs on its sgemm on this layout, and the first sgemm call
// of a process JIT-compiles every sgemm kernel: tens of milliseconds on an AVX-512 core, more than a
// whole epoch of a small model. The matmul primitive runs on brgemm kernels made per primitive,
// which read the same plain layouts, so the dense passes are matmuls.
memory::desc src_desc(const DenseShape& s) { return f32_desc({s.batch, s.in}, Tag::ab); }
memory::desc dst_desc(const DenseShape& s) { return f32_desc({s.batch, s.out}, Tag::ab); }
// The weights [out, in] read as the [in, out] right-hand matrix of the forward product.
memory::desc weights_transposed_desc(const DenseShape& s) { return f32_desc({s.in, s.out}, Tag::ba); }
memory::desc weights_desc(const DenseShape& s) { return f32_desc({s.out, s.in}, Tag::ab); }
memory::desc bias_desc(const DenseShape& s) { return f32_desc({1, s.out}, Tag::ab); }
// diff_pre [batch, out] read as the [out, batch] left-hand matrix of the weight gradient.
memory::desc diff_pre_transposed_desc(const DenseShape& s) { return f32_desc({s.out, s.batch}, Tag::ba); }

std::shared_ptr<const PrimitiveEntry> make_matmul(const memory::desc& a, const memory::desc& b,
                                                  const memory::desc& bias, const memory::desc& c,
                                                  const dnnl::primitive_attr& attr) {
  const dnnl::matmul::desc desc(a, b, bias, c);
  const dnnl::matmul::primitive_desc pd(desc, attr, cpu_engine());
  std::vector<std::pair<int, memory::desc>> arguments{{DNNL_ARG_SRC, a}, {DNNL_ARG_WEIGHTS, b}};
  if (!bias.is_zero()) arguments.emplace_back(DNNL_ARG_BIAS, bias);
  arguments.emplace_back(DNNL_ARG_DST, c);
  return make_primitive_entry<dnnl::matmul>(pd, std::move(arguments));
}

std::shared_ptr<const PrimitiveEntry> create_primitive(const DenseShape& s, DensePass pass) {
  switch (pass) {
    case DensePass::kForwardTraining:
    case DensePass::kForwardInference:
      return make_matmul(src_desc(s), weights_transposed_desc(s), bias_desc(s), dst_desc(s),
                         fused_activation_attr(s.activation, true));
    case DensePass::kBackwardData:
      return make_matmul(dst_desc(s), weights_desc(s), memory::desc(), src_desc(s), user_scratchpad_attr());
    case DensePass::kBackwardWeights:
      return make_matmul(diff_pre_transposed_desc(s), src_desc(s), memory::desc(), weights_desc(s),
                         user_scratchpad_attr());
  }
  throw std::invalid_argument("dense kernel: unknown pass " + std::to_string(static_cast<int>(pass)));
}

// Applies the thread count for this shape (see apply_thread_count_for) and returns the cached
// primitive created for that count.
std::shared_ptr<const PrimitiveEntry> find_or_create(const DenseShape& s, DensePass pass) {
  if (s.batch <= 0 || s.in <= 0 || s.out <= 0) {
    throw std::invalid_argument("dense kernel: invalid shape batch=" + std::to_string(s.batch) +
                                " in=" + std::to_string(s.in) + " out=" + std::to_string(s.out) +
                                ", expected every size >= 1");
  }
  const bool forward = pass == DensePass::kForwardTraining || pass == DensePass::kForwardInference;
  const int activation_key = forward ? static_cast<int>(s.activation) : -1;
  const int threads = apply_thread_count_for(static_cast<long long>(s.batch) * s.in * s.out);
  const CacheKey key{s.batch, s.in, s.out, activation_key, static_cast<int>(pass), threads};
  return cache().find_or_create(key, [&] { return create_primitive(s, pass); });
}

}  // namespace

void dense_forward(const DenseShape& shape, const float* src, const float* weights,
                   const float* bias, float* dst, bool training) {
  const auto pass = training ? DensePass::kForwardTraining : DensePass::kForwardInference;
  execute_primitive(find_or_create(shape, pass), {src, weights, bias, dst},
                    "could not execute a dense forward primitive");
  if (shape.activation == Activation::kSoftmax) {
    activation_forward_inplace(Activation::kSoftmax, dst, shape.batch, shape.out);
  }
}

void dense_backward_data(const DenseShape& shape, const float* diff_pre, const float* weights,
                         float* diff_src) {
  execute_primitive(find_or_create(shape, DensePass::kBackwardData), {diff_pre, weights, diff_src},
                    "could not execute a dense backward-data primitive");
}

void dense_backward_weights(const DenseShape& shape, const float* src, const float* diff_pre,
                            float* diff_weights, float* diff_bias) {
  execute_primitive(find_or_create(shape, DensePass::kBackwardWeights), {diff_pre, src, diff_weights},
                    "could not execute a dense backward-weights primitive");
  // Summed in batch order, so the result does not depend on the thread count.
  std::fill_n(diff_bias, shape.out, 0.0f);
  for (std::int64_t b = 0; b < shape.batch; ++b) {
    const float* row = diff_pre + b * shape.out;
    for (std::int64_t o = 0; o < shape.out; ++o) diff_bias[o] += row[o];
  }
}

const void* dense_primitive_id(const DenseShape& shape, DensePass pass) {
  return find_or_create(shape, pass).get();
}

std::size_t dense_primitive_cache_size() { return cache().size(); }

}  // namespace maas::kernels
