#include "kernels/dense.h"

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "kernels/dnnl_runtime.h"
#include "kernels/primitive_attr.h"
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

dnnl::inner_product_forward::primitive_desc forward_pd(const DenseShape& shape, bool training,
                                                       bool fuse_activation) {
  const auto src = plain_desc({shape.batch, shape.in}, Tag::nc);
  const auto weights = plain_desc({shape.out, shape.in}, Tag::oi);
  const auto bias = plain_desc({shape.out}, Tag::x);
  const auto dst = plain_desc({shape.batch, shape.out}, Tag::nc);
  const auto kind = training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
  dnnl::inner_product_forward::desc desc(kind, src, weights, bias, dst);

  const dnnl::primitive_attr attr = fused_activation_attr(shape.activation, fuse_activation);
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
      const dnnl::inner_product_backward_data::primitive_desc pd(desc, user_scratchpad_attr(),
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
      const dnnl::inner_product_backward_weights::primitive_desc pd(desc, user_scratchpad_attr(),
                                                                    cpu_engine(), hint);
      entry->primitive = dnnl::inner_product_backward_weights(pd);
      entry->scratchpad_desc = pd.scratchpad_desc();
      break;
    }
  }
  return entry;
}

// Applies the thread count for this shape (see apply_thread_count_for) and returns the cached
// primitive created for that count.
std::shared_ptr<const CachedPrimitive> find_or_create(const DenseShape& shape, DensePass pass) {
  if (shape.batch <= 0 || shape.in <= 0 || shape.out <= 0) {
    throw std::invalid_argument("dense kernel: invalid shape batch=" + std::to_string(shape.batch) +
                                " in=" + std::to_string(shape.in) +
                                " out=" + std::to_string(shape.out) + ", expected every size >= 1");
  }
  const bool forward = pass == DensePass::kForwardTraining || pass == DensePass::kForwardInference;
  const int activation_key = forward ? static_cast<int>(shape.activation) : -1;
  const int threads = apply_thread_count_for(static_cast<long long>(shape.batch) * shape.in * shape.out);
  const CacheKey key{shape.batch, shape.in, shape.out, activation_key, static_cast<int>(pass), threads};

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

// The oneDNN memory objects and argument array of one cached primitive, bound once per
// thread. Later calls only swap the data pointers, so a warm call allocates nothing in
// maas code.
// NOTE: oneDNN itself may still allocate inside primitive execution (its execution context
// keeps the arguments in a hash map); that is outside what maas controls.
struct BoundArguments {
  std::shared_ptr<const CachedPrimitive> entry;  // keeps the primitive alive while bound
  std::vector<memory> memories;
  std::vector<dnnl_exec_arg_t> arguments;
};

struct Argument {
  int kind;
  memory::dims dims;
  Tag tag;
};

// `make_layout` returns the std::vector<Argument> of the primitive; it runs only when the
// calling thread binds this primitive for the first time.
template <class MakeLayout>
BoundArguments& bind(const std::shared_ptr<const CachedPrimitive>& entry, MakeLayout make_layout) {
  thread_local std::unordered_map<const CachedPrimitive*, BoundArguments> bound;
  const auto found = bound.find(entry.get());
  if (found != bound.end()) {
    return found->second;
  }
  if (bound.size() >= kMaxCacheEntries) {
    bound.clear();
  }
  const std::vector<Argument> layout = make_layout();
  BoundArguments& arguments = bound[entry.get()];
  arguments.entry = entry;
  for (const Argument& argument : layout) {
    arguments.memories.emplace_back(plain_desc(argument.dims, argument.tag), cpu_engine(), nullptr);
  }
  arguments.memories.emplace_back(entry->scratchpad_desc, cpu_engine(), nullptr);
  std::size_t index = 0;
  for (const Argument& argument : layout) {
    arguments.arguments.push_back({argument.kind, arguments.memories[index++].get()});
  }
  arguments.arguments.push_back({DNNL_ARG_SCRATCHPAD, arguments.memories.back().get()});
  return arguments;
}

// Runs the bound primitive on `data`, one pointer per argument in layout order. oneDNN
// takes non-const handles for inputs too; it does not write to sources.
void execute(BoundArguments& bound, std::initializer_list<const float*> data) {
  std::size_t index = 0;
  for (const float* pointer : data) {
    bound.memories[index++].set_data_handle(const_cast<float*>(pointer));
  }
  bound.memories.back().set_data_handle(thread_scratchpad(bound.entry->scratchpad_desc.get_size()));
  dnnl::stream& stream = thread_stream();
  dnnl::error::wrap_c_api(dnnl_primitive_execute(bound.entry->primitive.get(), stream.get(),
                                                 static_cast<int>(bound.arguments.size()),
                                                 bound.arguments.data()),
                          "could not execute a dense primitive");
  stream.wait();
}

}  // namespace

void dense_forward(const DenseShape& shape, const float* src, const float* weights,
                   const float* bias, float* dst, bool training) {
  apply_thread_count();
  const auto pass = training ? DensePass::kForwardTraining : DensePass::kForwardInference;
  BoundArguments& bound = bind(find_or_create(shape, pass), [&] {
    return std::vector<Argument>{{DNNL_ARG_SRC, {shape.batch, shape.in}, Tag::nc},
                                 {DNNL_ARG_WEIGHTS, {shape.out, shape.in}, Tag::oi},
                                 {DNNL_ARG_BIAS, {shape.out}, Tag::x},
                                 {DNNL_ARG_DST, {shape.batch, shape.out}, Tag::nc}};
  });
  execute(bound, {src, weights, bias, dst});
  if (shape.activation == Activation::kSoftmax) {
    activation_forward_inplace(Activation::kSoftmax, dst, shape.batch, shape.out);
  }
}

void dense_backward_data(const DenseShape& shape, const float* diff_pre, const float* weights,
                         float* diff_src) {
  apply_thread_count();
  BoundArguments& bound = bind(find_or_create(shape, DensePass::kBackwardData), [&] {
    return std::vector<Argument>{{DNNL_ARG_DIFF_DST, {shape.batch, shape.out}, Tag::nc},
                                 {DNNL_ARG_WEIGHTS, {shape.out, shape.in}, Tag::oi},
                                 {DNNL_ARG_DIFF_SRC, {shape.batch, shape.in}, Tag::nc}};
  });
  execute(bound, {diff_pre, weights, diff_src});
}

void dense_backward_weights(const DenseShape& shape, const float* src, const float* diff_pre,
                            float* diff_weights, float* diff_bias) {
  apply_thread_count();
  BoundArguments& bound = bind(find_or_create(shape, DensePass::kBackwardWeights), [&] {
    return std::vector<Argument>{{DNNL_ARG_SRC, {shape.batch, shape.in}, Tag::nc},
                                 {DNNL_ARG_DIFF_DST, {shape.batch, shape.out}, Tag::nc},
                                 {DNNL_ARG_DIFF_WEIGHTS, {shape.out, shape.in}, Tag::oi},
                                 {DNNL_ARG_DIFF_BIAS, {shape.out}, Tag::x}};
  });
  execute(bound, {src, diff_pre, diff_weights, diff_bias});
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
