#include "kernels/conv1d.h"

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

// batch, seq, in, filters, kernel, pad_left, pad_right, activation (forward only), pass, threads.
using CacheKey = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t,
                            std::int64_t, std::int64_t, int, int, int>;

PrimitiveCache<CacheKey>& cache() {
  static PrimitiveCache<CacheKey> instance;
  return instance;
}

memory::desc src_desc(const Conv1dShape& s) { return f32_desc({s.batch, s.in, s.seq}, Tag::nwc); }
memory::desc weights_desc(const Conv1dShape& s) { return f32_desc({s.filters, s.in, s.kernel}, Tag::wio); }
// With plain weights oneDNN 2.6 runs the convolution as im2col and sgemm. With weights in a
// layout of its choice it runs direct brgemm or JIT kernels. On one AVX-512 core (batch 32, 40
// positions, 128 channels and filters) each pass took about a quarter less time, and the weight
// reorder added about 4 us per call.
memory::desc weights_any_desc(const Conv1dShape& s) { return f32_desc({s.filters, s.in, s.kernel}, Tag::any); }
memory::desc bias_desc(const Conv1dShape& s) { return f32_desc({s.filters}, Tag::x); }
memory::desc dst_desc(const Conv1dShape& s) {
  return f32_desc({s.batch, s.filters, conv1d_output_length(s)}, Tag::nwc);
}

dnnl::convolution_forward::primitive_desc forward_pd(const Conv1dShape& s, bool training,
                                                     bool fuse_activation) {
  const auto kind = training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
  dnnl::convolution_forward::desc desc(kind, dnnl::algorithm::convolution_direct, src_desc(s),
                                       weights_any_desc(s), bias_desc(s), dst_desc(s), {1},
                                       {s.pad_left}, {s.pad_right});
  const dnnl::primitive_attr attr = fused_activation_attr(s.activation, fuse_activation);
  return dnnl::convolution_forward::primitive_desc(desc, attr, cpu_engine());
}

std::shared_ptr<const PrimitiveEntry> create_primitive(const Conv1dShape& s, Conv1dPass pass) {
  switch (pass) {
    case Conv1dPass::kForwardTraining:
    case Conv1dPass::kForwardInference: {
      const auto pd = forward_pd(s, pass == Conv1dPass::kForwardTraining, true);
      return make_primitive_entry<dnnl::convolution_forward>(
          pd, {{DNNL_ARG_SRC, src_desc(s)},
               {DNNL_ARG_WEIGHTS, weights_desc(s)},
               {DNNL_ARG_BIAS, bias_desc(s)},
               {DNNL_ARG_DST, dst_desc(s)}});
    }
    case Conv1dPass::kBackwardData: {
      const auto hint = forward_pd(s, true, false);
      dnnl::convolution_backward_data::desc desc(dnnl::algorithm::convolution_direct, src_desc(s),
                                                 weights_any_desc(s), dst_desc(s), {1}, {s.pad_left},
                                                 {s.pad_right});
      const dnnl::convolution_backward_data::primitive_desc pd(desc, user_scratchpad_attr(),
                                                               cpu_engine(), hint);
      return make_primitive_entry<dnnl::convolution_backward_data>(
          pd, {{DNNL_ARG_DIFF_DST, dst_desc(s)},
               {DNNL_ARG_WEIGHTS, weights_desc(s)},
               {DNNL_ARG_DIFF_SRC, src_desc(s)}});
    }
    case Conv1dPass::kBackwardWeights: {
      const auto hint = forward_pd(s, true, false);
      dnnl::convolution_backward_weights::desc desc(dnnl::algorithm::convolution_direct, src_desc(s),
                                                    weights_any_desc(s), bias_desc(s), dst_desc(s), {1},
                                                    {s.pad_left}, {s.pad_right});
      const dnnl::convolution_backward_weights::primitive_desc pd(desc, user_scratchpad_attr(),
                                                                  cpu_engine(), hint);
      return make_primitive_entry<dnnl::convolution_backward_weights>(
          pd, {{DNNL_ARG_SRC, src_desc(s)},
               {DNNL_ARG_DIFF_DST, dst_desc(s)},
               {DNNL_ARG_DIFF_WEIGHTS, weights_desc(s)},
               {DNNL_ARG_DIFF_BIAS, bias_desc(s)}});
    }
  }
  throw std::invalid_argument("conv1d kernel: unknown pass " + std::to_string(static_cast<int>(pass)));
}

void check_shape(const Conv1dShape& s) {
  const bool valid = s.batch >= 1 && s.seq >= 1 && s.in >= 1 && s.filters >= 1 && s.kernel >= 1 &&
                     s.pad_left >= 0 && s.pad_right >= 0 && conv1d_output_length(s) >= 1 &&
                     s.activation != Activation::kSoftmax;
  if (!valid) {
    throw std::invalid_argument(
        "conv1d kernel: invalid shape batch=" + std::to_string(s.batch) + " seq=" + std::to_string(s.seq) +
        " in=" + std::to_string(s.in) + " filters=" + std::to_string(s.filters) +
        " kernel=" + std::to_string(s.kernel) + " pad=" + std::to_string(s.pad_left) + "+" +
        std::to_string(s.pad_right) +
        ", expected sizes >= 1, pads >= 0, an output length >= 1 and no softmax activation");
  }
}

// Applies the thread count for this shape and returns the primitive created for that count.
std::shared_ptr<const PrimitiveEntry> find_or_create(const Conv1dShape& s, Conv1dPass pass) {
  check_shape(s);
  const bool forward = pass == Conv1dPass::kForwardTraining || pass == Conv1dPass::kForwardInference;
  const long long work = static_cast<long long>(s.batch) * conv1d_output_length(s) * s.in * s.filters * s.kernel;
  const int threads = apply_thread_count_for(work);
  const CacheKey key{s.batch,     s.seq,
                     s.in,        s.filters,
                     s.kernel,    s.pad_left,
                     s.pad_right, forward ? static_cast<int>(s.activation) : -1,
                     static_cast<int>(pass), threads};
  return cache().find_or_create(key, [&] { return create_primitive(s, pass); });
}

}  // namespace

std::int64_t conv1d_output_length(const Conv1dShape& shape) {
  return shape.seq + shape.pad_left + shape.pad_right - shape.kernel + 1;
}

void conv1d_forward(const Conv1dShape& shape, const float* src, const float* weights,
                    const float* bias, float* dst, bool training) {
  const auto pass = training ? Conv1dPass::kForwardTraining : Conv1dPass::kForwardInference;
  execute_primitive(find_or_create(shape, pass), {src, weights, bias, dst},
                    "could not execute a conv1d forward primitive");
}

void conv1d_backward_data(const Conv1dShape& shape, const float* diff_pre, const float* weights,
                          float* diff_src) {
  execute_primitive(find_or_create(shape, Conv1dPass::kBackwardData), {diff_pre, weights, diff_src},
                    "could not execute a conv1d backward-data primitive");
}

void conv1d_backward_weights(const Conv1dShape& shape, const float* src, const float* diff_pre,
                             float* diff_weights, float* diff_bias) {
  execute_primitive(find_or_create(shape, Conv1dPass::kBackwardWeights),
                    {src, diff_pre, diff_weights, diff_bias},
                    "could not execute a conv1d backward-weights primitive");
}

const void* conv1d_primitive_id(const Conv1dShape& shape, Conv1dPass pass) {
  return find_or_create(shape, pass).get();
}

std::size_t conv1d_primitive_cache_size() { return cache().size(); }

}  // namespace maas::kernels
