#pragma once
// ONNX export: a model's network as an ONNX graph that takes padded ids and returns class
// probabilities, so ONNX Runtime and other ONNX tools can serve a maas model without maas.
//
// The graph (opset 13, IR version 7):
//   input  "ids"            int64 [batch, seq]: the ids tokenizer.json produces (any seq >= 1,
//                           and >= kernel_size after a conv1d with padding valid)
//   output "probabilities"  float [batch, labels], in the order of labels.json: softmax (or
//                           [1 - p, p]) for classification, one sigmoid per label for multi_label
//   output "predictions"    float [batch, 1] for regression, in place of "probabilities": the
//                           linear output
// The metadata "maas.task" names the task.
// Embedding is a Gather, each dense layer a Gemm with transB = 1, because maas kernels are
// [units, in], and dropout is left out. Sequence layers (pooling, conv1d, lstm, gru,
// layer_normalization, transformer_encoder) have one emitter each, declared in onnx_layers.h.
// Padding ids (0) are masked in the graph wherever maas masks them. A single sigmoid output p
// becomes [1 - p, p], as in maas.
// Tokenization stays outside the graph: tokenizer.json is written beside it.

#include <filesystem>
#include <string>

#include "core/io/artifact.h"

namespace maas::io {

inline constexpr int kOnnxOpset = 13;
inline constexpr std::string_view kOnnxModelFile = "model.onnx";
inline constexpr std::string_view kOnnxLabelsFile = "labels.json";

// Returns the graph output's name for `task`: "predictions" for regression, else "probabilities".
inline std::string_view onnx_output_name(Task task) {
  return task == Task::kRegression ? "predictions" : "probabilities";
}

// Returns the serialized onnx.ModelProto for `model`. Throws InvalidArgument when the tokenizer
// can produce an id outside the embedding (ONNX Runtime would fail at run time on such an id),
// naming both sizes.
std::string onnx_model_bytes(const Model& model);

// Writes `output_dir` atomically with model.onnx, tokenizer.json (the model's tokenizer, as in
// the artifact) and labels.json ({"labels": [...]}), replacing an existing folder. Returns the
// path of model.onnx.
std::filesystem::path export_onnx(const Model& model, const std::filesystem::path& output_dir);

}  // namespace maas::io
