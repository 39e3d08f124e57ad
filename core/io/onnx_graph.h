#pragma once
// OnnxGraph: appends nodes, initializers and constants to an onnx.GraphProto, for the ONNX
// exporter's layer emitters.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "core/tensor/tensor.h"

namespace maas::io {

using OnnxInts = std::vector<std::int64_t>;

// One node attribute: an int, a float, a list of ints or a string.
struct OnnxAttribute {
  OnnxAttribute(std::string name, int value) : OnnxAttribute(std::move(name), std::int64_t{value}) {}
  OnnxAttribute(std::string name, std::int64_t value);
  OnnxAttribute(std::string name, float value);
  OnnxAttribute(std::string name, OnnxInts values);
  OnnxAttribute(std::string name, std::string value);
  OnnxAttribute(std::string name, const char* value) : OnnxAttribute(std::move(name), std::string(value)) {}

  onnx::AttributeProto proto;
};

// Each node is named after its op and its position in the graph, and so is its output unless
// the caller names it. Initializer names must be unique, so callers prefix them with the layer
// path ("layers.2.conv1d.kernel").
class OnnxGraph {
 public:
  explicit OnnxGraph(onnx::GraphProto& graph) : graph_(graph) {}

  // Adds a node with one output and returns the output's name.
  std::string node(const std::string& op, const std::vector<std::string>& inputs,
                   const std::vector<OnnxAttribute>& attributes = {}, std::string output = "");

  // Adds a node with `outputs` outputs, named <node>_out<k>, and returns their names. An ONNX
  // optional output stays unnamed ("") when `used` leaves it out, so no buffer is kept for it.
  std::vector<std::string> multi_output_node(const std::string& op, const std::vector<std::string>& inputs,
                                             const std::vector<OnnxAttribute>& attributes,
                                             const std::vector<bool>& used);

  // Adds a float initializer with the tensor's shape and values.
  std::string float_initializer(const std::string& name, const Tensor& tensor);
  // Adds a float initializer of shape `dims` with `values` in row-major order.
  std::string float_initializer(const std::string& name, const OnnxInts& dims, const std::vector<float>& values);
  // Adds a float scalar.
  std::string float_constant(const std::string& name, float value);
  // Adds an int64 scalar (scalar = true) or 1-D tensor.
  std::string int64_constant(const std::string& name, const OnnxInts& values, bool scalar);

  // Returns the output `make` builds the first time `key` is asked for, so that a value
  // several layers use (such as the padding mask) is computed once in the graph.
  std::string shared(const std::string& key, const std::function<std::string()>& make);

 private:
  onnx::NodeProto* add_node(const std::string& op, const std::vector<std::string>& inputs,
                            const std::vector<OnnxAttribute>& attributes);

  onnx::GraphProto& graph_;
  std::map<std::string, std::string> shared_;
};

// Sets `info` to a tensor value named `name`: `dim_params` symbolic dimensions first, then `dims`.
void add_value_info(onnx::ValueInfoProto* info, const std::string& name, int element_type,
                    const std::vector<std::string>& dim_params, const OnnxInts& dims);

}  // namespace maas::io
