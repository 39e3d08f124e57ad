#include "core/io/onnx_graph.h"

#include <fmt/format.h>

namespace maas::io {

OnnxAttribute::OnnxAttribute(std::string name, std::int64_t value) {
  proto.set_name(std::move(name));
  proto.set_type(onnx::AttributeProto::INT);
  proto.set_i(value);
}

OnnxAttribute::OnnxAttribute(std::string name, float value) {
  proto.set_name(std::move(name));
  proto.set_type(onnx::AttributeProto::FLOAT);
  proto.set_f(value);
}

OnnxAttribute::OnnxAttribute(std::string name, OnnxInts values) {
  proto.set_name(std::move(name));
  proto.set_type(onnx::AttributeProto::INTS);
  for (const std::int64_t value : values) proto.add_ints(value);
}

OnnxAttribute::OnnxAttribute(std::string name, std::string value) {
  proto.set_name(std::move(name));
  proto.set_type(onnx::AttributeProto::STRING);
  proto.set_s(std::move(value));
}

onnx::NodeProto* OnnxGraph::add_node(const std::string& op, const std::vector<std::string>& inputs,
                                     const std::vector<OnnxAttribute>& attributes) {
  onnx::NodeProto* node = graph_.add_node();
  node->set_op_type(op);
  node->set_name(fmt::format("{}_{}", op, graph_.node_size()));
  for (const std::string& input : inputs) node->add_input(input);
  for (const OnnxAttribute& attribute : attributes) *node->add_attribute() = attribute.proto;
  return node;
}

std::string OnnxGraph::node(const std::string& op, const std::vector<std::string>& inputs,
                            const std::vector<OnnxAttribute>& attributes, std::string output) {
  onnx::NodeProto* node = add_node(op, inputs, attributes);
  if (output.empty()) output = node->name() + "_out";
  node->add_output(output);
  return output;
}

std::vector<std::string> OnnxGraph::multi_output_node(const std::string& op, const std::vector<std::string>& inputs,
                                                      const std::vector<OnnxAttribute>& attributes,
                                                      const std::vector<bool>& used) {
  onnx::NodeProto* node = add_node(op, inputs, attributes);
  std::vector<std::string> outputs;
  for (std::size_t k = 0; k < used.size(); ++k) {
    outputs.push_back(used[k] ? fmt::format("{}_out{}", node->name(), k) : "");
    node->add_output(outputs.back());
  }
  return outputs;
}

std::string OnnxGraph::float_initializer(const std::string& name, const Tensor& tensor) {
  onnx::TensorProto* proto = graph_.add_initializer();
  proto->set_name(name);
  proto->set_data_type(onnx::TensorProto::FLOAT);
  for (const std::int64_t dim : tensor.shape()) proto->add_dims(dim);
  proto->set_raw_data(std::string(static_cast<const char*>(tensor.raw_data()),
                                  static_cast<std::size_t>(tensor.numel()) * sizeof(float)));
  return name;
}

std::string OnnxGraph::float_initializer(const std::string& name, const OnnxInts& dims,
                                         const std::vector<float>& values) {
  onnx::TensorProto* proto = graph_.add_initializer();
  proto->set_name(name);
  proto->set_data_type(onnx::TensorProto::FLOAT);
  for (const std::int64_t dim : dims) proto->add_dims(dim);
  proto->set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
  return name;
}

std::string OnnxGraph::float_constant(const std::string& name, float value) {
  onnx::TensorProto* proto = graph_.add_initializer();
  proto->set_name(name);
  proto->set_data_type(onnx::TensorProto::FLOAT);
  proto->add_float_data(value);
  return name;
}

std::string OnnxGraph::int64_constant(const std::string& name, const OnnxInts& values, bool scalar) {
  onnx::TensorProto* proto = graph_.add_initializer();
  proto->set_name(name);
  proto->set_data_type(onnx::TensorProto::INT64);
  if (!scalar) proto->add_dims(static_cast<std::int64_t>(values.size()));
  for (const std::int64_t value : values) proto->add_int64_data(value);
  return name;
}

std::string OnnxGraph::shared(const std::string& key, const std::function<std::string()>& make) {
  if (const auto found = shared_.find(key); found != shared_.end()) return found->second;
  std::string output = make();
  shared_.emplace(key, output);
  return output;
}

void add_value_info(onnx::ValueInfoProto* info, const std::string& name, int element_type,
                    const std::vector<std::string>& dim_params, const OnnxInts& dims) {
  info->set_name(name);
  onnx::TypeProto_Tensor* tensor_type = info->mutable_type()->mutable_tensor_type();
  tensor_type->set_elem_type(element_type);
  onnx::TensorShapeProto* shape = tensor_type->mutable_shape();
  for (const std::string& param : dim_params) shape->add_dim()->set_dim_param(param);
  for (const std::int64_t dim : dims) shape->add_dim()->set_dim_value(dim);
}

}  // namespace maas::io
