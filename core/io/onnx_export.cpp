#include "core/io/onnx_export.h"

#include <cstring>
#include <map>

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include "core/common/error.h"
#include "core/io/file_io.h"
#include "core/io/inference_encoder.h"
#include "core/io/onnx_graph.h"
#include "core/io/onnx_layers.h"
#include "core/nn/conv1d.h"
#include "core/nn/dense.h"
#include "core/nn/dropout.h"
#include "core/nn/embedding.h"
#include "core/nn/layer_normalization.h"
#include "core/nn/max_pooling.h"
#include "core/nn/pooling.h"
#include "core/nn/recurrent.h"
#include "core/nn/transformer_encoder.h"

namespace maas::io {
namespace fs = std::filesystem;

namespace {

// ONNX IR version 7 is the one that introduced opset 13.
constexpr std::int64_t kOnnxIrVersion = 7;

// Throws InvalidArgument unless every id the encoder can emit indexes a row of the embedding.
void check_ids_fit_embedding(const Model& model, std::int64_t input_dim) {
  const int vocab = model.encoder.vocab_size();
  const int pad = model.encoder.padding().value;
  if (vocab > input_dim || pad >= input_dim) {
    throw InvalidArgument(fmt::format(
        "cannot export model '{}' to ONNX: its tokenizer produces ids up to {} but the embedding has only {} "
        "rows, so ONNX Runtime would fail on those ids; retrain the model so that the embedding's input_dim is "
        "at least the tokenizer's vocab_size ({})",
        model.manifest.name, std::max(vocab - 1, pad), input_dim, vocab));
  }
}

}  // namespace

std::string onnx_model_bytes(const Model& model) {
  const nn::Sequential& network = model.network;

  onnx::ModelProto proto;
  proto.set_ir_version(kOnnxIrVersion);
  proto.set_producer_name("maas");
  proto.set_producer_version(MAAS_VERSION);
  proto.set_model_version(1);
  onnx::OperatorSetIdProto* opset = proto.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  nlohmann::json labels = model.manifest.labels;
  const std::map<std::string, std::string> metadata = {
      {"maas.name", model.manifest.name},
      {"maas.labels", labels.dump()},
      {"maas.task", std::string(task_name(model.manifest.task))}};
  for (const auto& [key, value] : metadata) {
    onnx::StringStringEntryProto* entry = proto.add_metadata_props();
    entry->set_key(key);
    entry->set_value(value);
  }

  onnx::GraphProto& graph_proto = *proto.mutable_graph();
  graph_proto.set_name(model.manifest.name.empty() ? "maas" : model.manifest.name);
  add_value_info(graph_proto.add_input(), kOnnxIdsInput, onnx::TensorProto::INT64, {"batch", "seq"}, {});
  OnnxGraph graph(graph_proto);

  const std::string output_name(onnx_output_name(model.manifest.task));
  std::string x = kOnnxIdsInput;
  const std::size_t layers = network.layer_count();
  for (std::size_t i = 0; i < layers; ++i) {
    const nn::Layer& layer = network.layer(i);
    const std::string prefix = fmt::format("layers.{}.{}", i, layer.type());
    const OnnxLayerContext context{graph, network, prefix};
    const bool last = i + 1 == layers;
    if (const auto* embedding = dynamic_cast<const nn::Embedding*>(&layer)) {
      check_ids_fit_embedding(model, embedding->input_dim());
      x = graph.node("Gather", {context.parameter_initializer("embeddings"), x}, {{"axis", 0}});
    } else if (const auto* pooling = dynamic_cast<const nn::GlobalAveragePooling1D*>(&layer)) {
      x = emit_global_average_pooling(context, *pooling, x);
    } else if (const auto* max_pooling = dynamic_cast<const nn::GlobalMaxPooling1D*>(&layer)) {
      x = emit_global_max_pooling(context, *max_pooling, x);
    } else if (const auto* conv = dynamic_cast<const nn::Conv1D*>(&layer)) {
      x = emit_conv1d(context, *conv, x);
    } else if (const auto* recurrent = dynamic_cast<const nn::Recurrent*>(&layer)) {
      x = emit_recurrent(context, *recurrent, x);
    } else if (const auto* norm = dynamic_cast<const nn::LayerNormalization*>(&layer)) {
      x = emit_layer_normalization(context, *norm, x);
    } else if (const auto* encoder = dynamic_cast<const nn::TransformerEncoder*>(&layer)) {
      x = emit_transformer_encoder(context, *encoder, x);
    } else if (const auto* dense = dynamic_cast<const nn::Dense*>(&layer)) {
      const std::string kernel = context.parameter_initializer("kernel");
      const std::string bias = context.parameter_initializer("bias");
      x = graph.node("Gemm", {x, kernel, bias}, {{"transB", 1}});
      const bool binary_output = last && model.manifest.task == Task::kClassification && dense->units() == 1 &&
                                 dense->activation() == nn::Activation::kSigmoid;
      if (binary_output) {
        const std::string p = graph.node("Sigmoid", {x});
        const std::string float_one = graph.float_constant(prefix + ".one", 1.0f);
        x = graph.node("Concat", {graph.node("Sub", {float_one, p}), p}, {{"axis", 1}}, output_name);
      } else {
        x = activation_node(graph, dense->activation(), x, last ? output_name : "");
      }
    } else if (dynamic_cast<const nn::Dropout*>(&layer) != nullptr) {
      continue;  // the identity at inference
    } else {
      throw Unsupported(fmt::format("cannot export layer {} of type '{}' to ONNX: no mapping exists; supported types "
                                    "are embedding, global_average_pooling1d, global_max_pooling1d, conv1d, lstm, "
                                    "gru, layer_normalization, transformer_encoder, dense and dropout",
                                    i, layer.type()));
    }
  }
  const bool binary = model.manifest.task == Task::kClassification && network.outputs() == 1;
  const std::int64_t columns = binary ? 2 : network.outputs();
  add_value_info(graph_proto.add_output(), output_name, onnx::TensorProto::FLOAT, {"batch"}, {columns});

  std::string bytes;
  if (!proto.SerializeToString(&bytes)) {
    throw IoError(fmt::format("serializing the ONNX graph of model '{}' failed (protobuf)", model.manifest.name));
  }
  return bytes;
}

fs::path export_onnx(const Model& model, const fs::path& output_dir) {
  const std::string onnx_bytes = onnx_model_bytes(model);
  const nlohmann::ordered_json labels = {{"labels", model.manifest.labels}};

  StagingDir staging(output_dir);
  write_file_atomic(staging.path() / kOnnxModelFile, onnx_bytes);
  // A version 3 model has no real word counts, so it keeps its inference document.
  const nlohmann::json tokenizer =
      model.inference_tokenizer ? inference_encoder_to_json(model.encoder) : model.encoder.to_json();
  write_file_atomic(staging.path() / kTokenizerFile, tokenizer.dump());
  write_file_atomic(staging.path() / kOnnxLabelsFile, labels.dump(2) + "\n");
  staging.commit();
  return output_dir / kOnnxModelFile;
}

}  // namespace maas::io
