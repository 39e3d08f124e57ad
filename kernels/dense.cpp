#include "kernels/dense.h"

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <tuple>
#include <unordered_map>

#include "kernels/dnnl_runtime.h"
#include "kernels/runtime.h"

namespace maas::kernels {
namespace {

using dnnl::memory;
using Tag = memory::format_tag;
using Type = memory::data_type;

// Maximum number of cached primitives. Each distinct batch size adds entries, so a
// server that receives every batch size from 1 to its maximum stays well below this.
// When the cache is full it is cleared, and callers holding an entry keep it alive.
constexpr std::size_t kMaxCacheEntries = 4096;

struct CachedPrimitive {
  dnnl::primitive primitive;
  memory::desc scratchpad_desc;
};

// batch, in, out, activation (forward passes only), pass, thread count.
using CacheKey = std::tuple<std::int64_t, std::int64_t, std::int64_t, int, int, int>;

struct PrimitiveCache {
  std::mutex mutex;
  std::map<CacheKey, std::shared_ptr<const CachedPrimitive>> entries;
};

PrimitiveCache& cache() {
  static PrimitiveCache instance;
  return instance;
}

memory::desc plain_desc(memory::dims dims, Tag tag) { return memory::desc(dims, Type::f32, tag); }

dnnl::algorithm post_op_algorithm(Activation activation) {
  switch (activation) {
    case Activation::kRelu:
      return dnnl::algorithm::eltwise_relu;
    case Activation::kTanh:
      return dnnl::algorithm::eltwise_tanh;
    case Activation::kSigmoid:
      return dnnl::algorithm::eltwise_logistic;
    default:
      return dnnl::algorithm::undef;
  }
}

dnnl::primitive_attr scratchpad_attr() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

dnnl::inner_product_forward::primitive_desc forward_pd(const DenseShape& shape, bool training,
                                                       bool fuse_activation) {
  const auto src = plain_desc({shape.batch, shape.in}, Tag::nc);
  const auto weights = plain_desc({shape.out, shape.in}, Tag::oi);
  const auto bias = plain_desc({shape.out}, Tag::x);
  const auto dst = plain_desc({shape.batch, shape.out}, Tag::nc);
  const auto kind = training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
  dnnl::inner_product_forward::desc desc(kind, src, weights, bias, dst);

  dnnl::primitive_attr attr = scratchpad_attr();
  const dnnl::algorithm algorithm = post_op_algorithm(shape.activation);
  if (fuse_activation && algorithm != dnnl::algorithm::undef) {
    dnnl::post_ops post_ops;
    post_ops.append_eltwise(1.0f, algorithm, 0.0f, 0.0f);
    attr.set_post_ops(post_ops);
  }
  return dnnl::inner_product_forward::primitive_desc(desc, attr, cpu_engine());
}

std::shared_ptr<const CachedPrimitive> create_primitive(const DenseShape& shape, DensePass pass) {
  auto entry = std::make_shared<CachedPrimitive>();
  switch (pass) {
    case DensePass::kForwardTraining:
    case DensePass::kForwardInference: {
      const auto pd = forward_pd(shape, pass == DensePass::kForwardTraining, true);
      entry->primitive = dnnl::inner_product_forward(pd);
      entry->scratchpad_desc = pd.scratchpad_desc();
      break;
    }
    case DensePass::kBackwardData: {
      const auto hint = forward_pd(shape, true, false);
      dnnl::inner_product_backward_data::desc desc(plain_desc({shape.batch, shape.in}, Tag::nc),
                                                   plain_desc({shape.out, shape.in}, Tag::oi),
                                                   plain_desc({shape.batch, shape.out}, Tag::nc));
      const dnnl::inner_product_backward_data::primitive_desc pd(desc, scratchpad_attr(),
                                                                 cpu_engine(), hint);
      entry->primitive = dnnl::inner_product_backward_data(pd);
      entry->scratchpad_desc = pd.scratchpad_desc();
      break;
    }
    case DensePass::kBackwardWeights: {
      const auto hint = forward_pd(shape, true, false);
      dnnl::inner_product_backward_weights::desc desc(
          plain_desc({shape.batch, shape.in}, Tag::nc), plain_desc({shape.out, shape.in}, Tag::oi),
          plain_desc({shape.out}, Tag::x), plain_desc({shape.batch, shape.out}, Tag::nc));
      const dnnl::inner_product_backward_weights::primitive_desc pd(desc, scratchpad_attr(),
                                                                    cpu_engine(), hint);
      entry->primitive = dnnl::inner_product_backward_weights(pd);
      entry->scratchpad_desc = pd.scratchpad_desc();
      break;
    }
  }
  return entry;
}

std::shared_ptr<const CachedPrimitive> find_or_create(const DenseShape& shape, DensePass pass) {
  if (shape.batch <= 0 || shape.in <= 0 || shape.out <= 0) {
    throw std::invalid_argument("dense kernel: invalid shape batch=" + std::to_string(shape.batch) +
                                " in=" + std::to_string(shape.in) +
                                " out=" + std::to_string(shape.out) + ", expected every size >= 1");
  }
  const bool forward = pass == DensePass::kForwardTraining || pass == DensePass::kForwardInference;
  const int activation_key = forward ? static_cast<int>(shape.activation) : -1;
  const CacheKey key{shape.batch,          shape.in, shape.out, activation_key, static_cast<int>(pass),
                     num_threads()};

  PrimitiveCache& instance = cache();
  {
    std::lock_guard<std::mutex> lock(instance.mutex);
    const auto found = instance.entries.find(key);
    if (found != instance.entries.end()) {
      return found->second;
    }
  }
  // Created outside the lock because primitive creation can take milliseconds. If two
  // threads race, the first insert wins and both use that entry.
  auto created = create_primitive(shape, pass);
  std::lock_guard<std::mutex> lock(instance.mutex);
  if (instance.entries.size() >= kMaxCacheEntries) {
    instance.entries.clear();
  }
  return instance.entries.emplace(key, std::move(created)).first->second;
}

// NOTE: each call still heap-allocates small oneDNN memory wrappers and the argument map.
// The tensor data are wrapped in place, never copied.
void execute(const CachedPrimitive& entry, std::unordered_map<int, memory>& args) {
  void* scratchpad = thread_scratchpad(entry.scratchpad_desc.get_size());
  args.emplace(DNNL_ARG_SCRATCHPAD, memory(entry.scratchpad_desc, cpu_engine(), scratchpad));
  dnnl::stream& stream = thread_stream();
  entry.primitive.execute(stream, args);
  stream.wait();
}

memory wrap(memory::dims dims, Tag tag, const float* data) {
  // oneDNN takes a non-const handle for inputs too; it does not write to sources.
  return memory(plain_desc(dims, tag), cpu_engine(), const_cast<float*>(data));
}

}  // namespace

void dense_forward(const DenseShape& shape, const float* src, const float* weights,
                   const float* bias, float* dst, bool training) {
  apply_thread_count();
  const auto pass = training ? DensePass::kForwardTraining : DensePass::kForwardInference;
  const auto entry = find_or_create(shape, pass);
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, wrap({shape.batch, shape.in}, Tag::nc, src)},
      {DNNL_ARG_WEIGHTS, wrap({shape.out, shape.in}, Tag::oi, weights)},
      {DNNL_ARG_BIAS, wrap({shape.out}, Tag::x, bias)},
      {DNNL_ARG_DST, wrap({shape.batch, shape.out}, Tag::nc, dst)}};
  execute(*entry, args);
  if (shape.activation == Activation::kSoftmax) {
    activation_forward_inplace(Activation::kSoftmax, dst, shape.batch, shape.out);
  }
}

void dense_backward_data(const DenseShape& shape, const float* diff_pre, const float* weights,
                         float* diff_src) {
  apply_thread_count();
  const auto entry = find_or_create(shape, DensePass::kBackwardData);
  std::unordered_map<int, memory> args{
      {DNNL_ARG_DIFF_DST, wrap({shape.batch, shape.out}, Tag::nc, diff_pre)},
      {DNNL_ARG_WEIGHTS, wrap({shape.out, shape.in}, Tag::oi, weights)},
      {DNNL_ARG_DIFF_SRC, wrap({shape.batch, shape.in}, Tag::nc, diff_src)}};
  execute(*entry, args);
}

void dense_backward_weights(const DenseShape& shape, const float* src, const float* diff_pre,
                            float* diff_weights, float* diff_bias) {
  apply_thread_count();
  const auto entry = find_or_create(shape, DensePass::kBackwardWeights);
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, wrap({shape.batch, shape.in}, Tag::nc, src)},
      {DNNL_ARG_DIFF_DST, wrap({shape.batch, shape.out}, Tag::nc, diff_pre)},
      {DNNL_ARG_DIFF_WEIGHTS, wrap({shape.out, shape.in}, Tag::oi, diff_weights)},
      {DNNL_ARG_DIFF_BIAS, wrap({shape.out}, Tag::x, diff_bias)}};
  execute(*entry, args);
}

const void* dense_primitive_id(const DenseShape& shape, DensePass pass) {
  apply_thread_count();
  return find_or_create(shape, pass).get();
}

std::size_t dense_primitive_cache_size() {
  PrimitiveCache& instance = cache();
  std::lock_guard<std::mutex> lock(instance.mutex);
  return instance.entries.size();
}

}  // namespace maas::kernels
