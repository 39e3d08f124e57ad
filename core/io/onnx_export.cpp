#include "core/io/onnx_export.h"

#include <cstring>
#include <map>

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include "core/common/error.h"
#include "core/io/file_io.h"
#include "core/io/inference_encoder.h"
#include "core/nn/dense.h"
#include "core/nn/dropout.h"
#include "core/nn/embedding.h"
#include "core/nn/pooling.h"

namespace maas::io {
namespace fs = std::filesystem;

namespace {

// ONNX IR version 7 is the one that introduced opset 13.
constexpr std::int64_t kOnnxIrVersion = 7;

// Builds the graph node by node. Each node is named after its op and its position in the graph.
class GraphBuilder {
 public:
  explicit GraphBuilder(onnx::GraphProto& graph) : graph_(graph) {}

  // Adds a node with one output and returns the output's name.
  std::string node(const std::string& op, std::vector<std::string> inputs,
                   const std::map<std::string, std::int64_t>& int_attributes = {},
                   const std::map<std::string, std::vector<std::int64_t>>& ints_attributes = {},
                   std::string output = "") {
    onnx::NodeProto* node = graph_.add_node();
    const std::string name = fmt::format("{}_{}", op, graph_.node_size());
    node->set_op_type(op);
    node->set_name(name);
    for (const std::string& input : inputs) node->add_input(input);
    if (output.empty()) output = name + "_out";
    node->add_output(output);
    for (const auto& [key, value] : int_attributes) {
      onnx::AttributeProto* attribute = node->add_attribute();
      attribute->set_name(key);
      attribute->set_type(onnx::AttributeProto::INT);
      attribute->set_i(value);
    }
    for (const auto& [key, values] : ints_attributes) {
      onnx::AttributeProto* attribute = node->add_attribute();
      attribute->set_name(key);
      attribute->set_type(onnx::AttributeProto::INTS);
      for (const std::int64_t value : values) attribute->add_ints(value);
    }
    return output;
  }

  // Adds a float initializer with the tensor's shape and values, named `name`.
  std::string float_initializer(const std::string& name, const Tensor& tensor) {
    onnx::TensorProto* proto = graph_.add_initializer();
    proto->set_name(name);
    proto->set_data_type(onnx::TensorProto::FLOAT);
    for (const std::int64_t dim : tensor.shape()) proto->add_dims(dim);
    proto->set_raw_data(std::string(static_cast<const char*>(tensor.raw_data()),
                                    static_cast<std::size_t>(tensor.numel()) * sizeof(float)));
    return name;
  }

  // Adds a scalar or 1-D constant initializer.
  std::string float_constant(const std::string& name, float value) {
    onnx::TensorProto* proto = graph_.add_initializer();
    proto->set_name(name);
    proto->set_data_type(onnx::TensorProto::FLOAT);
    proto->add_float_data(value);
    return name;
  }
  std::string int64_constant(const std::string& name, const std::vector<std::int64_t>& values, bool scalar) {
    onnx::TensorProto* proto = graph_.add_initializer();
    proto->set_name(name);
    proto->set_data_type(onnx::TensorProto::INT64);
    if (!scalar) proto->add_dims(static_cast<std::int64_t>(values.size()));
    for (const std::int64_t value : values) proto->add_int64_data(value);
    return name;
  }

 private:
  onnx::GraphProto& graph_;
};

void add_value_info(onnx::ValueInfoProto* info, const std::string& name, int element_type,
                    const std::vector<std::string>& dim_params, const std::vector<std::int64_t>& dims) {
  info->set_name(name);
  onnx::TypeProto_Tensor* tensor_type = info->mutable_type()->mutable_tensor_type();
  tensor_type->set_elem_type(element_type);
  onnx::TensorShapeProto* shape = tensor_type->mutable_shape();
  for (const std::string& param : dim_params) shape->add_dim()->set_dim_param(param);
  for (const std::int64_t dim : dims) shape->add_dim()->set_dim_value(dim);
}

const Tensor& parameter_value(const nn::Sequential& network, const std::string& name) {
  for (const nn::Parameter& parameter : network.parameters()) {
    if (parameter.name == name) return parameter.value;
  }
  throw InvalidArgument(fmt::format("the network has no parameter '{}'", name));
}

std::string activation_node(GraphBuilder& graph, nn::Activation activation, const std::string& x,
                            std::string output = "") {
  switch (activation) {
    case nn::Activation::kLinear: return output.empty() ? x : graph.node("Identity", {x}, {}, {}, output);
    case nn::Activation::kRelu: return graph.node("Relu", {x}, {}, {}, output);
    case nn::Activation::kTanh: return graph.node("Tanh", {x}, {}, {}, output);
    case nn::Activation::kSigmoid: return graph.node("Sigmoid", {x}, {}, {}, output);
    case nn::Activation::kSoftmax: return graph.node("Softmax", {x}, {{"axis", 1}}, {}, output);
  }
  throw Unsupported(fmt::format("activation {} has no ONNX mapping", static_cast<int>(activation)));
}

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
  add_value_info(graph_proto.add_input(), "ids", onnx::TensorProto::INT64, {"batch", "seq"}, {});
  GraphBuilder graph(graph_proto);

  const std::string output_name(onnx_output_name(model.manifest.task));
  std::string x = "ids";
  const std::size_t layers = network.layer_count();
  for (std::size_t i = 0; i < layers; ++i) {
    const nn::Layer& layer = network.layer(i);
    const std::string prefix = fmt::format("layers.{}.{}", i, layer.type());
    const bool last = i + 1 == layers;
    if (const auto* embedding = dynamic_cast<const nn::Embedding*>(&layer)) {
      check_ids_fit_embedding(model, embedding->input_dim());
      const std::string table = graph.float_initializer(prefix + ".embeddings", parameter_value(network, prefix + ".embeddings"));
      x = graph.node("Gather", {table, x}, {{"axis", 0}});
    } else if (const auto* pooling = dynamic_cast<const nn::GlobalAveragePooling1D*>(&layer)) {
      if (!pooling->mask()) {
        x = graph.node("ReduceMean", {x}, {{"keepdims", 0}}, {{"axes", {1}}});
        continue;
      }
      // The mean over non-padding positions; max(count, 1) gives zeros for a row of padding.
      const std::string zero = graph.int64_constant(prefix + ".pad_id", {0}, true);
      const std::string not_padding = graph.node("Not", {graph.node("Equal", {"ids", zero})});
      const std::string mask = graph.node("Cast", {not_padding}, {{"to", onnx::TensorProto::FLOAT}});
      const std::string axis2 = graph.int64_constant(prefix + ".axis2", {2}, false);
      const std::string axis1 = graph.int64_constant(prefix + ".axis1", {1}, false);
      const std::string masked = graph.node("Mul", {x, graph.node("Unsqueeze", {mask, axis2})});
      const std::string sum = graph.node("ReduceSum", {masked, axis1}, {{"keepdims", 0}});
      const std::string count = graph.node("ReduceSum", {mask, axis1}, {{"keepdims", 1}});
      const std::string float_one = graph.float_constant(prefix + ".one", 1.0f);
      x = graph.node("Div", {sum, graph.node("Max", {count, float_one})});
    } else if (const auto* dense = dynamic_cast<const nn::Dense*>(&layer)) {
      const std::string kernel = graph.float_initializer(prefix + ".kernel", parameter_value(network, prefix + ".kernel"));
      const std::string bias = graph.float_initializer(prefix + ".bias", parameter_value(network, prefix + ".bias"));
      x = graph.node("Gemm", {x, kernel, bias}, {{"transB", 1}});
      const bool binary_output = last && model.manifest.task == Task::kClassification && dense->units() == 1 &&
                                 dense->activation() == nn::Activation::kSigmoid;
      if (binary_output) {
        const std::string p = graph.node("Sigmoid", {x});
        const std::string float_one = graph.float_constant(prefix + ".one", 1.0f);
        x = graph.node("Concat", {graph.node("Sub", {float_one, p}), p}, {{"axis", 1}}, {}, output_name);
      } else {
        x = activation_node(graph, dense->activation(), x, last ? output_name : "");
      }
    } else if (dynamic_cast<const nn::Dropout*>(&layer) != nullptr) {
      continue;  // the identity at inference
    } else {
      throw Unsupported(fmt::format("cannot export layer {} of type '{}' to ONNX: no mapping exists; "
                                    "supported types are embedding, global_average_pooling1d, dense and dropout",
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
