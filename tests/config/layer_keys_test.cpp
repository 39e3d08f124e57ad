// The layer keys of conv1d, global_max_pooling1d, layer_normalization, lstm, gru and
// transformer_encoder: defaults,
// every key, --set, the dump round trip and rejected values with key path and line.

#include <gtest/gtest.h>

#include "tests/config/config_test_helpers.h"

namespace maas::config {
namespace {

using testing::config_error;
using testing::kSource;

std::string with_layers(std::string_view layers) {
  return "data:\n  train: train.csv\nmodel:\n  layers:\n    - embedding: {dim: 8}\n" + std::string(layers) +
         "    - dense: {activation: auto}\n";
}

TEST(LayerKeys, DefaultsFillOptionalKeys) {
  const ExperimentConfig config = parse_config(with_layers("    - conv1d: {filters: 16, kernel_size: 3}\n"
                                                           "    - layer_normalization: {}\n"
                                                           "    - global_max_pooling1d: {}\n"),
                                               kSource);
  ASSERT_EQ(config.model.layers.size(), 5u);
  const LayerConfig& conv = config.model.layers[1];
  EXPECT_EQ(conv.type, "conv1d");
  EXPECT_EQ(conv.filters, 16);
  EXPECT_EQ(conv.kernel_size, 3);
  EXPECT_EQ(conv.activation, "linear");
  EXPECT_EQ(conv.padding, "same");
  EXPECT_EQ(conv.line, 6);
  EXPECT_EQ(config.model.layers[2].type, "layer_normalization");
  EXPECT_EQ(config.model.layers[2].epsilon, 1e-3);
  EXPECT_EQ(config.model.layers[3].type, "global_max_pooling1d");
  EXPECT_TRUE(config.model.layers[3].mask);
}

TEST(LayerKeys, ReadsEveryKey) {
  const ExperimentConfig config =
      parse_config(with_layers("    - conv1d: {filters: 32, kernel_size: 5, activation: relu, padding: valid}\n"
                               "    - global_max_pooling1d: {mask: false}\n"
                               "    - layer_normalization: {epsilon: 0.00001}\n"),
                   kSource);
  const LayerConfig& conv = config.model.layers[1];
  EXPECT_EQ(conv.filters, 32);
  EXPECT_EQ(conv.kernel_size, 5);
  EXPECT_EQ(conv.activation, "relu");
  EXPECT_EQ(conv.padding, "valid");
  EXPECT_FALSE(config.model.layers[2].mask);
  EXPECT_EQ(config.model.layers[3].epsilon, 1e-5);
}

TEST(LayerKeys, OverridesChangeOneSetting) {
  const ExperimentConfig config =
      parse_config(with_layers("    - conv1d: {filters: 32, kernel_size: 5}\n    - global_max_pooling1d: {}\n"),
                   kSource,
                   {"model.layers.1.conv1d.kernel_size=3", "model.layers.1.conv1d.padding=valid",
                    "model.layers.2.global_max_pooling1d.mask=false"});
  EXPECT_EQ(config.model.layers[1].kernel_size, 3);
  EXPECT_EQ(config.model.layers[1].filters, 32);
  EXPECT_EQ(config.model.layers[1].padding, "valid");
  EXPECT_FALSE(config.model.layers[2].mask);
}

TEST(LayerKeys, DumpRoundTripsEveryKey) {
  const ExperimentConfig config =
      parse_config(with_layers("    - conv1d: {filters: 7, kernel_size: 2, activation: tanh, padding: valid}\n"
                               "    - layer_normalization: {epsilon: 0.25}\n"
                               "    - global_max_pooling1d: {mask: false}\n"),
                   kSource);
  const std::string dumped = dump_config(config);
  EXPECT_NE(dumped.find("conv1d: {filters: 7, kernel_size: 2, activation: tanh, padding: valid}"), std::string::npos)
      << dumped;
  EXPECT_NE(dumped.find("layer_normalization: {epsilon: 0.25}"), std::string::npos) << dumped;
  EXPECT_NE(dumped.find("global_max_pooling1d: {mask: false}"), std::string::npos) << dumped;
  EXPECT_EQ(parse_config(dumped, kSource), config);
  EXPECT_EQ(parse_config(to_json(config).dump(), kSource), config);
  EXPECT_EQ(to_json(config)["model"]["layers"][1]["conv1d"]["kernel_size"], 2);
}

TEST(LayerKeys, RejectsBadValuesWithPathAndLine) {
  struct Case {
    const char* name;
    const char* layers;
    const char* fragment;
  };
  const std::vector<Case> cases = {
      {"missing filters", "    - conv1d: {kernel_size: 3}\n    - global_max_pooling1d: {}\n",
       "text.yaml:6:7: model.layers[1].conv1d.filters: missing required key"},
      {"missing kernel_size", "    - conv1d: {filters: 3}\n    - global_max_pooling1d: {}\n",
       "model.layers[1].conv1d.kernel_size: missing required key"},
      {"zero filters", "    - conv1d: {filters: 0, kernel_size: 3}\n    - global_max_pooling1d: {}\n",
       "text.yaml:6:25: model.layers[1].conv1d.filters: expected an integer from 1 to 65536, got 0"},
      {"string kernel", "    - conv1d: {filters: 4, kernel_size: three}\n    - global_max_pooling1d: {}\n",
       "model.layers[1].conv1d.kernel_size: expected an integer"},
      {"huge kernel", "    - conv1d: {filters: 4, kernel_size: 100000}\n    - global_max_pooling1d: {}\n",
       "text.yaml:6:41: model.layers[1].conv1d.kernel_size"},
      {"softmax conv", "    - conv1d: {filters: 4, kernel_size: 2, activation: softmax}\n"
                       "    - global_max_pooling1d: {}\n",
       "model.layers[1].conv1d.activation"},
      {"causal padding", "    - conv1d: {filters: 4, kernel_size: 2, padding: causal}\n"
                         "    - global_max_pooling1d: {}\n",
       "model.layers[1].conv1d.padding"},
      {"unknown conv key", "    - conv1d: {filters: 4, kernel_size: 2, strides: 2}\n"
                           "    - global_max_pooling1d: {}\n",
       "model.layers[1].conv1d.strides"},
      {"mask not bool", "    - global_max_pooling1d: {mask: sometimes}\n", "model.layers[1].global_max_pooling1d.mask"},
      {"zero epsilon", "    - global_max_pooling1d: {}\n    - layer_normalization: {epsilon: 0}\n",
       "text.yaml:7:38: model.layers[2].layer_normalization.epsilon"},
      {"misspelled type", "    - conv_1d: {filters: 4, kernel_size: 2}\n    - global_max_pooling1d: {}\n",
       "conv_1d"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string message = config_error(with_layers(c.layers));
    EXPECT_NE(message.find(c.fragment), std::string::npos) << message;
  }
}

TEST(LayerKeys, RecurrentKeysReadDumpAndRequireUnits) {
  const ExperimentConfig config =
      parse_config(with_layers("    - gru: {units: 32, bidirectional: true, return_sequences: true}\n"
                               "    - lstm: {units: 16}\n"),
                   kSource);
  const LayerConfig& gru = config.model.layers[1];
  EXPECT_EQ(gru.type, "gru");
  EXPECT_EQ(gru.units, 32);
  EXPECT_TRUE(gru.bidirectional);
  EXPECT_TRUE(gru.return_sequences);
  const LayerConfig& lstm = config.model.layers[2];
  EXPECT_EQ(lstm.units, 16);
  EXPECT_FALSE(lstm.bidirectional);
  EXPECT_FALSE(lstm.return_sequences);

  const std::string dumped = dump_config(config);
  EXPECT_NE(dumped.find("gru: {units: 32, bidirectional: true, return_sequences: true}"), std::string::npos)
      << dumped;
  EXPECT_EQ(parse_config(dumped, kSource), config);
  EXPECT_EQ(parse_config(to_json(config).dump(), kSource), config);

  const ExperimentConfig overridden =
      parse_config(with_layers("    - lstm: {units: 16}\n"), kSource, {"model.layers.1.lstm.bidirectional=true"});
  EXPECT_TRUE(overridden.model.layers[1].bidirectional);

  struct Case {
    const char* name;
    const char* layers;
    const char* fragment;
  };
  const std::vector<Case> cases = {
      {"missing units", "    - lstm: {bidirectional: true}\n", "text.yaml:6:7: model.layers[1].lstm.units: missing required key"},
      {"zero units", "    - gru: {units: 0}\n", "model.layers[1].gru.units: expected an integer from 1 to 65536, got 0"},
      {"auto units", "    - gru: {units: auto}\n", "model.layers[1].gru.units"},
      {"bidirectional not bool", "    - lstm: {units: 4, bidirectional: both}\n", "model.layers[1].lstm.bidirectional"},
      {"unknown key", "    - lstm: {units: 4, dropout: 0.2}\n", "model.layers[1].lstm.dropout"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string message = config_error(with_layers(c.layers));
    EXPECT_NE(message.find(c.fragment), std::string::npos) << message;
  }
}

TEST(LayerKeys, TransformerKeysReadDumpAndRequireSizes) {
  const ExperimentConfig config = parse_config(
      with_layers("    - transformer_encoder: {num_heads: 2, ff_dim: 32, mask: false, epsilon: 0.0001}\n"
                  "    - global_average_pooling1d: {}\n"),
      kSource);
  const LayerConfig& block = config.model.layers[1];
  EXPECT_EQ(block.num_heads, 2);
  EXPECT_EQ(block.ff_dim, 32);
  EXPECT_FALSE(block.mask);
  EXPECT_EQ(block.epsilon, 1e-4);
  const std::string dumped = dump_config(config);
  EXPECT_NE(dumped.find("transformer_encoder: {num_heads: 2, ff_dim: 32, mask: false, epsilon: 1e-04}"),
            std::string::npos)
      << dumped;
  EXPECT_EQ(parse_config(dumped, kSource), config);
  EXPECT_EQ(parse_config(to_json(config).dump(), kSource), config);

  const std::string missing = config_error(with_layers("    - transformer_encoder: {num_heads: 2}\n"));
  EXPECT_NE(missing.find("model.layers[1].transformer_encoder.ff_dim: missing required key"), std::string::npos)
      << missing;
  const std::string zero = config_error(with_layers("    - transformer_encoder: {num_heads: 0, ff_dim: 4}\n"));
  EXPECT_NE(zero.find("model.layers[1].transformer_encoder.num_heads"), std::string::npos) << zero;
}

}  // namespace
}  // namespace maas::config
