#include "core/infer/quantized_network.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/nn/dense.h"
#include "core/nn/dropout.h"
#include "core/nn/embedding.h"
#include "core/nn/pooling.h"
#include "kernels/runtime.h"

namespace maas::infer {

namespace {

// Below this many rows a batch runs on the calling thread: starting a parallel region costs more
// than the rows themselves for the model sizes maas trains (an estimate, not a measured optimum).
constexpr std::int64_t kParallelRows = 16;

const io::QuantizedTensor& quantized_tensor(const io::Model& model, const std::string& name) {
  const auto found = model.quantized.find(name);
  if (found == model.quantized.end()) {
    throw InvalidArgument(fmt::format("model '{}' has no int8 tensor '{}'; export it with --quantize int8",
                                      model.manifest.name, name));
  }
  return found->second;
}

std::vector<float> float_parameter(const io::Model& model, const std::string& name) {
  for (const nn::Parameter& parameter : model.network.parameters()) {
    if (parameter.name == name) {
      const float* data = parameter.value.data<float>();
      return std::vector<float>(data, data + parameter.value.numel());
    }
  }
  throw InvalidArgument(fmt::format("model '{}' has no parameter '{}'", model.manifest.name, name));
}

// Returns sum_i q[i] * x[i] over n values, always in the same order. Eight partial sums let the
// compiler vectorize the loop without reassociating it.
float dot_int8(const std::int8_t* q, const float* x, std::int64_t n) {
  float partial[8] = {};
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int lane = 0; lane < 8; ++lane) partial[lane] += static_cast<float>(q[i + lane]) * x[i + lane];
  }
  float sum = 0.0f;
  for (std::int64_t rest = i; rest < n; ++rest) sum += static_cast<float>(q[rest]) * x[rest];
  for (const float value : partial) sum += value;
  return sum;
}

}  // namespace

bool QuantizedNetwork::runs(const nn::Sequential& network) {
  for (std::size_t i = 0; i < network.layer_count(); ++i) {
    const nn::Layer& layer = network.layer(i);
    const bool has_int8_path = dynamic_cast<const nn::Embedding*>(&layer) != nullptr ||
                               dynamic_cast<const nn::GlobalAveragePooling1D*>(&layer) != nullptr ||
                               dynamic_cast<const nn::Dense*>(&layer) != nullptr ||
                               dynamic_cast<const nn::Dropout*>(&layer) != nullptr;
    if (!has_int8_path) return false;
  }
  return true;
}

QuantizedNetwork::QuantizedNetwork(const io::Model& model) {
  const nn::Sequential& network = model.network;
  for (std::size_t i = 0; i < network.layer_count(); ++i) {
    const nn::Layer& layer = network.layer(i);
    const std::string prefix = fmt::format("layers.{}.{}", i, layer.type());
    if (const auto* embedding = dynamic_cast<const nn::Embedding*>(&layer)) {
      const io::QuantizedTensor& table = quantized_tensor(model, prefix + ".embeddings");
      table_ = table.values.values;
      table_scales_ = table.scales;
      vocab_ = embedding->input_dim();
      dim_ = embedding->output_dim();
      widest_ = std::max(widest_, dim_);
    } else if (const auto* pooling = dynamic_cast<const nn::GlobalAveragePooling1D*>(&layer)) {
      mask_ = pooling->mask();
    } else if (const auto* dense = dynamic_cast<const nn::Dense*>(&layer)) {
      const io::QuantizedTensor& kernel = quantized_tensor(model, prefix + ".kernel");
      dense_.push_back({kernel.values.values, kernel.scales, float_parameter(model, prefix + ".bias"), dense->in(),
                        dense->units(), dense->activation()});
      widest_ = std::max(widest_, dense->units());
    } else if (dynamic_cast<const nn::Dropout*>(&layer) == nullptr) {
      throw Unsupported(fmt::format("layer {} of type '{}' has no int8 inference path; supported types are "
                                    "embedding, global_average_pooling1d, dense and dropout",
                                    i, layer.type()));
    }
  }
  if (table_.empty() || dense_.empty()) {
    throw InvalidArgument(fmt::format("model '{}' needs an int8 embedding and at least one int8 dense layer",
                                      model.manifest.name));
  }
  outputs_ = static_cast<int>(dense_.back().units);
}

void QuantizedNetwork::predict_row(const std::int32_t* ids, std::int64_t seq, std::vector<float>& a,
                                   std::vector<float>& b, float* dst) const {
  // Mean of the dequantized embedding rows, padding (id 0) left out when masking.
  std::fill(a.begin(), a.begin() + dim_, 0.0f);
  std::int64_t counted = 0;
  for (std::int64_t t = 0; t < seq; ++t) {
    const std::int32_t id = ids[t];
    if (mask_ && id == 0) continue;
    ++counted;
    const float scale = table_scales_[static_cast<std::size_t>(id)];
    const std::int8_t* row = table_.data() + id * dim_;
    for (std::int64_t d = 0; d < dim_; ++d) a[d] += scale * static_cast<float>(row[d]);
  }
  const float inverse = counted == 0 ? 0.0f : 1.0f / static_cast<float>(counted);
  for (std::int64_t d = 0; d < dim_; ++d) a[d] *= inverse;

  std::vector<float>* x = &a;
  std::vector<float>* y = &b;
  for (const DenseStep& step : dense_) {
    for (std::int64_t u = 0; u < step.units; ++u) {
      (*y)[u] = step.scales[u] * dot_int8(step.kernel.data() + u * step.in, x->data(), step.in) + step.bias[u];
    }
    kernels::activation_forward_inplace(step.activation, y->data(), 1, step.units);
    std::swap(x, y);
  }
  std::copy(x->begin(), x->begin() + outputs_, dst);
}

void QuantizedNetwork::predict(const std::int32_t* ids, std::int64_t batch, std::int64_t seq, float* dst) const {
  const std::int64_t invalid = [&] {
    for (std::int64_t i = 0; i < batch * seq; ++i) {
      if (ids[i] < 0 || ids[i] >= vocab_) return i;
    }
    return std::int64_t{-1};
  }();
  if (invalid >= 0) {
    throw InvalidArgument(fmt::format("id {} at [{}, {}] is outside the embedding's [0, {})", ids[invalid],
                                      invalid / seq, invalid % seq, vocab_));
  }
  // Rows are independent, so splitting them over threads changes no result.
  kernels::apply_thread_count();
#pragma omp parallel if (batch >= kParallelRows)
  {
    std::vector<float> a(static_cast<std::size_t>(widest_));
    std::vector<float> b(static_cast<std::size_t>(widest_));
#pragma omp for schedule(static)
    for (std::int64_t row = 0; row < batch; ++row) {
      predict_row(ids + row * seq, seq, a, b, dst + row * outputs_);
    }
  }
}

}  // namespace maas::infer
