#pragma once
// Optimizers with the Keras defaults and update rules.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
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

// Update rule for a row-sparse parameter (Parameter::sparse_rows, the embedding table).
enum class SparseUpdate {
  // Only the rows the batch touched are updated, and the state of other rows is left as it
  // is (not decayed), like TensorFlow's LazyAdam. Much faster on large vocabularies.
  kLazy,
  // Every row is updated as if the gradient were dense, which equals the Keras update.
  kDense,
};

// An optimizer updates parameter values from their grads. Its state is zero-filled on
// the first step, or earlier by build(), and exposed by state() for checkpoints: a
// loader calls build() and then overwrites the values of the named tensors.
class Optimizer {
 public:
  virtual ~Optimizer();

  // Applies one update to every parameter: decoupled weight decay w -= w * lr * weight_decay
  // first (when weight_decay > 0), then the optimizer's rule. Throws InvalidArgument when
  // the parameters differ in names or shapes from those the state was built for, or a
  // grad's shape differs from its value's. Allocates nothing once the state exists.
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

  // The learning rate of the next step. A schedule sets it before each step. Throws
  // InvalidArgument unless it is finite and > 0.
  float learning_rate() const { return learning_rate_; }
  void set_learning_rate(float learning_rate);

  // Decoupled weight decay (AdamW with Adam), 0 for none. Throws InvalidArgument unless
  // it is finite and >= 0. Applies to every parameter; with SparseUpdate::kLazy only the
  // touched rows of a row-sparse parameter decay.
  float weight_decay() const { return weight_decay_; }
  void set_weight_decay(float weight_decay);

  SparseUpdate sparse_update() const { return sparse_update_; }
  void set_sparse_update(SparseUpdate mode) { sparse_update_ = mode; }

 protected:
  explicit Optimizer(float learning_rate) : learning_rate_(learning_rate) {}

  // Adds "weight_decay" and "embedding_update" to an optimizer's JSON.
  nlohmann::json with_common_settings(nlohmann::json settings) const;

  // The per-parameter state suffixes, such as {"m", "v"} for Adam.
  virtual std::vector<std::string> slot_names() const = 0;
  // Updates one parameter. `slots` contains its state tensors in slot_names() order and
  // `step_number` is 1 on the first step.
  virtual void update(Parameter& param, std::span<OptimizerState> slots, std::int64_t step_number) = 0;
  // Updates only the rows in param.grad_rows of a row-sparse parameter, leaving the state
  // of other rows untouched.
  virtual void update_rows(Parameter& param, std::span<OptimizerState> slots, std::int64_t step_number) = 0;

  float learning_rate_;

 private:
  void check_matches(const std::vector<Parameter>& params) const;

  std::vector<OptimizerState> state_;
  std::vector<std::string> slot_names_;  // slot_names(), kept so that step() allocates nothing
  float weight_decay_ = 0.0f;
  SparseUpdate sparse_update_ = SparseUpdate::kLazy;
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
  void update_rows(Parameter& param, std::span<OptimizerState> slots, std::int64_t step_number) override;

 private:
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
  void update_rows(Parameter& param, std::span<OptimizerState> slots, std::int64_t step_number) override;

 private:
  float corrected_rate(std::int64_t step_number) const;

  float beta_1_;
  float beta_2_;
  float epsilon_;
};

std::unique_ptr<Optimizer> make_sgd(float lr, float momentum, bool nesterov);
std::unique_ptr<Optimizer> make_adam(float lr, float beta_1, float beta_2, float epsilon);

// Returns "lazy" or "dense".
std::string_view sparse_update_name(SparseUpdate mode);

}  // namespace maas::nn
