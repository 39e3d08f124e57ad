#include "kernels/primitive_cache.h"

#include <unordered_map>

#include "kernels/dnnl_runtime.h"

namespace maas::kernels {
namespace {

// The memory objects and argument array of one entry, bound once per thread. `memories` has
// one object per argument, in maas's layout, then the scratchpad. A converted argument also
// has a buffer of this thread's in the primitive's layout, and the primitive reads or writes
// that buffer.
struct BoundArguments {
  std::shared_ptr<const PrimitiveEntry> entry;  // keeps the primitive alive while bound
  std::vector<dnnl::memory> memories;
  std::vector<dnnl::memory> converted;  // per entry->conversions, allocated by oneDNN
  std::vector<dnnl_exec_arg_t> arguments;
};

bool is_output(int kind) {
  return kind == DNNL_ARG_DST || kind == DNNL_ARG_DIFF_SRC || kind == DNNL_ARG_DIFF_WEIGHTS ||
         kind == DNNL_ARG_DIFF_BIAS;
}

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
  for (const LayoutConversion& conversion : entry->conversions) {
    arguments.converted.emplace_back(conversion.primitive_desc, cpu_engine());
    arguments.arguments[conversion.argument].memory = arguments.converted.back().get();
  }
  arguments.arguments.push_back({DNNL_ARG_SCRATCHPAD, arguments.memories.back().get()});
  return arguments;
}

}  // namespace

void add_layout_conversions(PrimitiveEntry& entry, const dnnl::primitive_desc_base& pd) {
  for (std::size_t i = 0; i < entry.arguments.size(); ++i) {
    const auto& [kind, maas_desc] = entry.arguments[i];
    const dnnl::memory::desc primitive_desc = pd.query_md(dnnl::query::exec_arg_md, kind);
    if (primitive_desc == maas_desc) continue;
    LayoutConversion conversion;
    conversion.argument = i;
    conversion.primitive_desc = primitive_desc;
    conversion.output = is_output(kind);
    const dnnl::memory::desc& from = conversion.output ? primitive_desc : maas_desc;
    const dnnl::memory::desc& to = conversion.output ? maas_desc : primitive_desc;
    conversion.reorder = dnnl::reorder(dnnl::reorder::primitive_desc(cpu_engine(), from, cpu_engine(), to));
    entry.conversions.push_back(std::move(conversion));
  }
}

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
  dnnl::stream& stream = thread_stream();
  const auto convert = [&](bool outputs) {
    for (std::size_t c = 0; c < entry->conversions.size(); ++c) {
      const LayoutConversion& conversion = entry->conversions[c];
      if (conversion.output != outputs) continue;
      const dnnl_memory_t maas_memory = bound.memories[conversion.argument].get();
      const dnnl_memory_t primitive_memory = bound.converted[c].get();
      // The C call, because the C++ one builds an argument map on the heap for every call.
      const dnnl_exec_arg_t arguments[] = {{DNNL_ARG_FROM, outputs ? primitive_memory : maas_memory},
                                           {DNNL_ARG_TO, outputs ? maas_memory : primitive_memory}};
      dnnl::error::wrap_c_api(dnnl_primitive_execute(conversion.reorder.get(), stream.get(), 2, arguments), what);
    }
  };
  convert(false);
  bound.memories.back().set_data_handle(thread_scratchpad(entry->scratchpad.get_size()));
  dnnl::error::wrap_c_api(dnnl_primitive_execute(entry->primitive.get(), stream.get(),
                                                 static_cast<int>(bound.arguments.size()),
                                                 bound.arguments.data()),
                          what);
  convert(true);
  stream.wait();
}

}  // namespace maas::kernels
