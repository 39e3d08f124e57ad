#include "core/infer/predictor.h"

#include <algorithm>

namespace maas::infer {

Predictor::Predictor(io::Model model) : model_(std::move(model)) {}

std::shared_ptr<const Predictor> Predictor::load(const std::filesystem::path& dir) {
  return std::make_shared<const Predictor>(io::load_artifact(dir));
}

std::vector<int32_t> Predictor::encode(const std::string& text) const { return model_.encoder.encode(text); }

Probabilities Predictor::predict(const std::vector<std::string>& texts, int max_batch) const {
  return predict_texts(model_.network, model_.encoder, texts, max_batch);
}

Probabilities predict_texts(const nn::Sequential& network, const text::TextEncoder& encoder,
                            const std::vector<std::string>& texts, int max_batch) {
  const int length = encoder.max_length();
  const auto outputs = static_cast<std::size_t>(network.outputs());
  const bool binary = outputs == 1;
  Probabilities result;
  result.reserve(texts.size());
  Tensor ids({1, length}, DType::kInt32);
  for (std::size_t start = 0; start < texts.size(); start += static_cast<std::size_t>(max_batch)) {
    const std::size_t batch = std::min(texts.size() - start, static_cast<std::size_t>(max_batch));
    ids.resize({static_cast<int64_t>(batch), length});
    int32_t* rows = ids.data<int32_t>();
    for (std::size_t i = 0; i < batch; ++i) {
      encoder.encode_into(texts[start + i], rows + i * static_cast<std::size_t>(length));
    }
    const Tensor probabilities = network.predict(ids);
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

std::size_t top_class(const std::vector<float>& row) {
  return static_cast<std::size_t>(std::max_element(row.begin(), row.end()) - row.begin());
}

}  // namespace maas::infer
