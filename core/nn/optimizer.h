#pragma once
// Optimizers with the Keras defaults and update rules.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/nn/parameter.h"
#include "core/tensor/tensor.h"

namespace maas::nn {

// One named tensor of optimizer state, such as "layers.2.dense.kernel.m".
struct OptimizerState {
  std::string name;
  Tensor value;
};

// An optimizer updates parameter values from their grads. Its state is zero-filled on
// the first step, or earlier by build(), and exposed by state() for checkpoints: a
// loader calls build() and then overwrites the values of the named tensors.
class Optimizer {
 public:
  virtual ~Optimizer();

  // Applies one update to every parameter. Throws InvalidArgument when the parameters
  // differ in names or shapes from those the state was built for, or a grad's shape
  // differs from its value's.
  void step(std::vector<Parameter>& params);

  // Creates zero state for `params` unless it already exists.
  void build(const std::vector<Parameter>& params);

  virtual std::string name() const = 0;
  // The hyperparameters, such as {"name": "adam", "learning_rate": 0.001, ...}.
  virtual nlohmann::json to_json() const = 0;

  // The state tensors. "iterations" (int32 [1], the number of steps taken) comes
  // first, then the per-parameter tensors in parameter order.
  std::vector<OptimizerState>& state() { return state_; }
  const std::vector<OptimizerState>& state() const { return state_; }
  std::int64_t iterations() const;

 protected:
  // The per-parameter state suffixes, such as {"m", "v"} for Adam.
  virtual std::vector<std::string> slot_names() const = 0;
  // Updates one parameter. `slots` contains its state tensors in slot_names() order and
  // `step_number` is 1 on the first step.
  virtual void update(Parameter& param, std::span<OptimizerState> slots, std::int64_t step_number) = 0;

 private:
  void check_matches(const std::vector<Parameter>& params) const;

  std::vector<OptimizerState> state_;
};

// Stochastic gradient descent with optional (Nesterov) momentum, Keras defaults
// learning_rate 0.01, momentum 0, nesterov false.
class Sgd : public Optimizer {
 public:
  // Throws InvalidArgument unless learning_rate > 0 and 0 <= momentum < 1.
  explicit Sgd(float learning_rate = 0.01f, float momentum = 0.0f, bool nesterov = false);

  std::string name() const override { return "sgd"; }
  nlohmann::json to_json() const override;

 protected:
  std::vector<std::string> slot_names() const override;
  void update(Parameter& param, std::span<OptimizerState> slots, std::int64_t step_number) override;

 private:
  float learning_rate_;
  float momentum_;
  bool nesterov_;
};

// Adam with Keras defaults learning_rate 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7.
// Step t: lr_t = lr sqrt(1 - beta_2^t) / (1 - beta_1^t), m = beta_1 m + (1 - beta_1) g,
// v = beta_2 v + (1 - beta_2) g^2, w -= lr_t m / (sqrt(v) + epsilon).
class Adam : public Optimizer {
 public:
  // Throws InvalidArgument unless learning_rate > 0, 0 <= beta_1, beta_2 < 1 and epsilon > 0.
  explicit Adam(float learning_rate = 0.001f, float beta_1 = 0.9f, float beta_2 = 0.999f, float epsilon = 1e-7f);

  std::string name() const override { return "adam"; }
  nlohmann::json to_json() const override;

 protected:
  std::vector<std::string> slot_names() const override;
  void update(Parameter& param, std::span<OptimizerState> slots, std::int64_t step_number) override;

 private:
  float learning_rate_;
  float beta_1_;
  float beta_2_;
  float epsilon_;
};

std::unique_ptr<Optimizer> make_sgd(float lr, float momentum, bool nesterov);
std::unique_ptr<Optimizer> make_adam(float lr, float beta_1, float beta_2, float epsilon);

}  // namespace maas::nn
