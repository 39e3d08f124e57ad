#include "core/infer/predictor.h"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::infer {

namespace {

// Encodes `texts` in batches of at most `max_batch` rows, runs each batch through `run` and
// returns one output per label (a classifier's single sigmoid output p becomes {1 - p, p}).
Probabilities encode_and_run(const text::TextEncoder& encoder, int network_outputs, Task task,
                             const std::vector<std::string>& texts, int max_batch,
                             const std::function<Tensor(const Tensor&)>& run) {
  const int length = encoder.max_length();
  const auto outputs = static_cast<std::size_t>(network_outputs);
  const bool binary = task == Task::kClassification && outputs == 1;
  Probabilities result;
  result.reserve(texts.size());
  Tensor ids({1, length}, DType::kInt32);
  for (std::size_t start = 0; start < texts.size(); start += static_cast<std::size_t>(max_batch)) {
    const std::size_t batch = std::min(texts.size() - start, static_cast<std::size_t>(max_batch));
    ids.resize({static_cast<int64_t>(batch), length});
    int32_t* rows = ids.data<int32_t>();
    for (std::size_t i = 0; i < batch; ++i) {
      try {
        encoder.encode_into(texts[start + i], rows + i * static_cast<std::size_t>(length));
      } catch (const InvalidArgument& error) {
        throw InvalidArgument(fmt::format("text {} of {} (0-based): {}", start + i, texts.size(), error.what()));
      }
    }
    const Tensor probabilities = run(ids);
    const float* p = probabilities.data<float>();
    for (std::size_t i = 0; i < batch; ++i) {
      if (binary) {
        result.push_back({1.0f - p[i], p[i]});
      } else {
        result.emplace_back(p + i * outputs, p + (i + 1) * outputs);
      }
    }
  }
  return result;
}

}  // namespace

Predictor::Predictor(io::Model model) : model_(std::move(model)) {
  if (!model_.quantized.empty() && QuantizedNetwork::runs(model_.network)) {
    quantized_ = std::make_shared<const QuantizedNetwork>(model_);
  }
}

Tensor Predictor::predict_ids(const Tensor& ids) const {
  if (quantized_ == nullptr) return model_.network.predict(ids);
  if (ids.dtype() != DType::kInt32 || ids.rank() != 2) {
    throw InvalidArgument(fmt::format("expected int32 ids [batch, seq], got {} {}", dtype_name(ids.dtype()),
                                      ids.shape_string()));
  }
  Tensor probabilities({ids.dim(0), quantized_->outputs()}, DType::kFloat32);
  quantized_->predict(ids.data<int32_t>(), ids.dim(0), ids.dim(1), probabilities.data<float>());
  return probabilities;
}

std::shared_ptr<const Predictor> Predictor::load(const std::filesystem::path& dir) {
  return std::make_shared<const Predictor>(io::load_artifact(dir));
}

std::vector<int32_t> Predictor::encode(const std::string& text) const { return model_.encoder.encode(text); }

Probabilities Predictor::predict(const std::vector<std::string>& texts, int max_batch) const {
  return encode_and_run(model_.encoder, model_.network.outputs(), task(), texts, max_batch,
                        [this](const Tensor& ids) { return predict_ids(ids); });
}

Probabilities predict_texts(const nn::Sequential& network, const text::TextEncoder& encoder,
                            const std::vector<std::string>& texts, int max_batch, Task task) {
  return encode_and_run(encoder, network.outputs(), task, texts, max_batch,
                        [&network](const Tensor& ids) { return network.predict(ids); });
}

std::size_t top_class(const std::vector<float>& row) {
  return static_cast<std::size_t>(std::max_element(row.begin(), row.end()) - row.begin());
}

}  // namespace maas::infer
