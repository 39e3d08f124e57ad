#pragma once
// The interface every layer of a Sequential model implements.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/nn/parameter.h"
#include "core/nn/random.h"
#include "core/tensor/tensor.h"

namespace maas::nn {

// A layer computes its output from the previous layer's output `x` and, where it needs
// them, the model's input ids [batch, seq]. Parameters live in the model and are passed
// in as a span, in the order of parameter_specs().
//
// forward() and backward() form the training path: forward stores what backward needs
// inside the layer, so one layer object serves one training thread. infer() is const,
// keeps nothing and may run on many threads at once.
class Layer {
 public:
  virtual ~Layer() = default;

  virtual std::unique_ptr<Layer> clone() const = 0;

  // The architecture JSON type name, such as "dense".
  virtual std::string_view type() const = 0;

  // The layer's entry of the architecture JSON, such as {"type": "dense", ...}.
  virtual nlohmann::json to_json() const = 0;

  virtual std::vector<ParameterSpec> parameter_specs() const { return {}; }

  // Fills the parameter values with the layer's initialisers.
  virtual void initialize(std::span<Parameter> params, Rng& rng) const {}

  // Runs the training-path forward pass and returns the layer's output, which stays
  // valid until the next forward call. `rng` supplies dropout masks when `training`.
  virtual const Tensor& forward(std::span<Parameter> params, const Tensor& x, const Tensor& ids,
                                bool training, Rng& rng) = 0;

  // Takes the gradient of the loss with respect to the last forward output, writes the
  // gradient of every parameter and returns the gradient with respect to `x`, or nullptr
  // when `x` has none (integer ids).
  virtual const Tensor* backward(std::span<Parameter> params, const Tensor& dy) = 0;

  // Inference forward pass into `y`.
  virtual void infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids,
                     Tensor& y) const = 0;

  // Where the layer sits, used in messages: "layers.2.dense" inside a model.
  const std::string& path() const { return path_; }
  void set_path(std::string path) { path_ = std::move(path); }

 protected:
  // Throws InvalidArgument unless `tensor` has `dtype` and a shape matching `expected`,
  // where -1 matches any size >= 1. The message names the layer path, `role`, and the
  // expected and actual shapes.
  // Allocates nothing unless it throws.
  void check_input(const Tensor& tensor, DType dtype, std::span<const std::int64_t> expected,
                   std::string_view role) const;
  void check_input(const Tensor& tensor, DType dtype, std::initializer_list<std::int64_t> expected,
                   std::string_view role) const {
    check_input(tensor, dtype, std::span<const std::int64_t>(expected.begin(), expected.size()), role);
  }

  // Throws InvalidArgument unless backward follows a forward call.
  void check_forward_done(bool done) const;

 private:
  std::string path_;
};

}  // namespace maas::nn
