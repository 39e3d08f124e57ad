#pragma once
// Turns the experiment config into the pieces a run needs: tokenizer options, padding and the
// network architecture JSON with every "auto" resolved from the data.

#include <nlohmann/json.hpp>

#include "core/common/task.h"
#include "core/config/config.h"
#include "core/text/text_encoder.h"

namespace maas::train {

text::TokenizerOptions tokenizer_options(const config::TokenizerConfig& config);
text::PadOptions pad_options(const config::TokenizerConfig& config);
text::NgramOptions ngram_options(const config::TokenizerConfig& config);

// Builds the nn::Sequential architecture JSON. The embedding's input_dim defaults to `vocab_size`.
// The last dense layer's "auto" units and activation depend on the task. Classification gets 1
// sigmoid unit for two classes and a softmax over `classes` otherwise. multi_label gets one
// sigmoid unit per label (`classes` of them), and regression `classes` linear units (1 for one
// target). Throws ConfigError naming the layer and its config line when the layers cannot form
// that output.
nlohmann::json build_architecture(const config::ModelConfig& model, int vocab_size, int classes,
                                  const std::string& config_source, Task task = Task::kClassification);

}  // namespace maas::train
