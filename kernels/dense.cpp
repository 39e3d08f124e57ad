#include "kernels/dense.h"

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

memory::desc src_desc(const DenseShape& s) { return f32_desc({s.batch, s.in}, Tag::nc); }
memory::desc weights_desc(const DenseShape& s) { return f32_desc({s.out, s.in}, Tag::oi); }
memory::desc bias_desc(const DenseShape& s) { return f32_desc({s.out}, Tag::x); }
memory::desc dst_desc(const DenseShape& s) { return f32_desc({s.batch, s.out}, Tag::nc); }

dnnl::inner_product_forward::primitive_desc forward_pd(const DenseShape& s, bool training,
                                                       bool fuse_activation) {
  const auto kind = training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
  dnnl::inner_product_forward::desc desc(kind, src_desc(s), weights_desc(s), bias_desc(s), dst_desc(s));
  const dnnl::primitive_attr attr = fused_activation_attr(s.activation, fuse_activation);
  return dnnl::inner_product_forward::primitive_desc(desc, attr, cpu_engine());
}

std::shared_ptr<const PrimitiveEntry> create_primitive(const DenseShape& s, DensePass pass) {
  switch (pass) {
    case DensePass::kForwardTraining:
    case DensePass::kForwardInference: {
      const auto pd = forward_pd(s, pass == DensePass::kForwardTraining, true);
      return make_primitive_entry<dnnl::inner_product_forward>(
          pd, {{DNNL_ARG_SRC, src_desc(s)},
               {DNNL_ARG_WEIGHTS, weights_desc(s)},
               {DNNL_ARG_BIAS, bias_desc(s)},
               {DNNL_ARG_DST, dst_desc(s)}});
    }
    case DensePass::kBackwardData: {
      const auto hint = forward_pd(s, true, false);
      dnnl::inner_product_backward_data::desc desc(src_desc(s), weights_desc(s), dst_desc(s));
      const dnnl::inner_product_backward_data::primitive_desc pd(desc, user_scratchpad_attr(),
                                                                 cpu_engine(), hint);
      return make_primitive_entry<dnnl::inner_product_backward_data>(
          pd, {{DNNL_ARG_DIFF_DST, dst_desc(s)},
               {DNNL_ARG_WEIGHTS, weights_desc(s)},
               {DNNL_ARG_DIFF_SRC, src_desc(s)}});
    }
    case DensePass::kBackwardWeights: {
      const auto hint = forward_pd(s, true, false);
      dnnl::inner_product_backward_weights::desc desc(src_desc(s), weights_desc(s), bias_desc(s),
                                                      dst_desc(s));
      const dnnl::inner_product_backward_weights::primitive_desc pd(desc, user_scratchpad_attr(),
                                                                    cpu_engine(), hint);
      return make_primitive_entry<dnnl::inner_product_backward_weights>(
          pd, {{DNNL_ARG_SRC, src_desc(s)},
               {DNNL_ARG_DIFF_DST, dst_desc(s)},
               {DNNL_ARG_DIFF_WEIGHTS, weights_desc(s)},
               {DNNL_ARG_DIFF_BIAS, bias_desc(s)}});
    }
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
  execute_primitive(find_or_create(shape, DensePass::kBackwardWeights),
                    {src, diff_pre, diff_weights, diff_bias},
                    "could not execute a dense backward-weights primitive");
}

const void* dense_primitive_id(const DenseShape& shape, DensePass pass) {
  return find_or_create(shape, pass).get();
}

std::size_t dense_primitive_cache_size() { return cache().size(); }

}  // namespace maas::kernels
