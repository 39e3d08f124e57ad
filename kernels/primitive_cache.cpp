#include "kernels/primitive_cache.h"

#include <unordered_map>

#include "kernels/dnnl_runtime.h"

namespace maas::kernels {
namespace {

// The memory objects and argument array of one entry, bound once per thread.
struct BoundArguments {
  std::shared_ptr<const PrimitiveEntry> entry;  // keeps the primitive alive while bound
  std::vector<dnnl::memory> memories;
  std::vector<dnnl_exec_arg_t> arguments;
};

BoundArguments& bind(const std::shared_ptr<const PrimitiveEntry>& entry) {
  thread_local std::unordered_map<const PrimitiveEntry*, BoundArguments> bound;
  const auto found = bound.find(entry.get());
  if (found != bound.end()) {
    return found->second;
  }
  if (bound.size() >= kMaxPrimitiveCacheEntries) {
    bound.clear();
  }
  BoundArguments& arguments = bound[entry.get()];
  arguments.entry = entry;
  for (const auto& [kind, desc] : entry->arguments) {
    arguments.memories.emplace_back(desc, cpu_engine(), nullptr);
  }
  arguments.memories.emplace_back(entry->scratchpad, cpu_engine(), nullptr);
  for (std::size_t i = 0; i < entry->arguments.size(); ++i) {
    arguments.arguments.push_back({entry->arguments[i].first, arguments.memories[i].get()});
  }
  arguments.arguments.push_back({DNNL_ARG_SCRATCHPAD, arguments.memories.back().get()});
  return arguments;
}

}  // namespace

dnnl::primitive_attr user_scratchpad_attr() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

dnnl::primitive_attr fused_activation_attr(Activation activation, bool fuse) {
  dnnl::primitive_attr attr = user_scratchpad_attr();
  dnnl::algorithm algorithm = dnnl::algorithm::undef;
  switch (activation) {
    case Activation::kRelu:
      algorithm = dnnl::algorithm::eltwise_relu;
      break;
    case Activation::kTanh:
      algorithm = dnnl::algorithm::eltwise_tanh;
      break;
    case Activation::kSigmoid:
      algorithm = dnnl::algorithm::eltwise_logistic;
      break;
    default:
      break;
  }
  if (fuse && algorithm != dnnl::algorithm::undef) {
    dnnl::post_ops post_ops;
    post_ops.append_eltwise(1.0f, algorithm, 0.0f, 0.0f);
    attr.set_post_ops(post_ops);
  }
  return attr;
}

void execute_primitive(const std::shared_ptr<const PrimitiveEntry>& entry,
                       std::initializer_list<const void*> data, const char* what) {
  execute_primitive(entry, std::span<const void* const>(data.begin(), data.size()), what);
}

void execute_primitive(const std::shared_ptr<const PrimitiveEntry>& entry,
                       std::span<const void* const> data, const char* what) {
  BoundArguments& bound = bind(entry);
  std::size_t index = 0;
  for (const void* pointer : data) {
    bound.memories[index++].set_data_handle(const_cast<void*>(pointer));
  }
  bound.memories.back().set_data_handle(thread_scratchpad(entry->scratchpad.get_size()));
  dnnl::stream& stream = thread_stream();
  dnnl::error::wrap_c_api(dnnl_primitive_execute(entry->primitive.get(), stream.get(),
                                                 static_cast<int>(bound.arguments.size()),
                                                 bound.arguments.data()),
                          what);
  stream.wait();
}

}  // namespace maas::kernels
