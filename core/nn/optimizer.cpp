#include "core/nn/optimizer.h"

#include <cmath>
#include <limits>

#include "core/common/error.h"
#include "kernels/optimizers.h"

namespace maas::nn {
namespace {

constexpr const char* kIterationsName = "iterations";

void check_learning_rate(float learning_rate, const std::string& optimizer) {
  if (!(std::isfinite(learning_rate) && learning_rate > 0.0f)) {
    throw InvalidArgument(optimizer + ": invalid learning_rate " + std::to_string(learning_rate) +
                          ": expected a finite value > 0");
  }
}

void check_fraction(float value, const std::string& key, const std::string& optimizer) {
  if (!(value >= 0.0f && value < 1.0f)) {
    throw InvalidArgument(optimizer + ": invalid " + key + " " + std::to_string(value) +
                          ": expected a value in [0, 1)");
  }
}

// True when `name` is `param` + "." + `slot`, compared without building the string.
bool is_slot_name(const std::string& name, const std::string& param, const std::string& slot) {
  return name.size() == param.size() + 1 + slot.size() && name.compare(0, param.size(), param) == 0 &&
         name[param.size()] == '.' && name.compare(param.size() + 1, slot.size(), slot) == 0;
}

bool updates_rows(const Parameter& param, SparseUpdate mode) {
  return param.sparse_rows && mode == SparseUpdate::kLazy;
}

std::int64_t row_width(const Parameter& param) {
  return param.value.rank() >= 2 ? param.value.numel() / param.value.dim(0) : 1;
}

}  // namespace

Optimizer::~Optimizer() = default;

std::int64_t Optimizer::iterations() const {
  return state_.empty() ? 0 : state_.front().value.data<std::int32_t>()[0];
}

void Optimizer::set_learning_rate(float learning_rate) {
  check_learning_rate(learning_rate, name());
  learning_rate_ = learning_rate;
}

void Optimizer::set_weight_decay(float weight_decay) {
  if (!(std::isfinite(weight_decay) && weight_decay >= 0.0f)) {
    throw InvalidArgument(name() + ": invalid weight_decay " + std::to_string(weight_decay) +
                          ": expected a finite value >= 0");
  }
  weight_decay_ = weight_decay;
}

nlohmann::json Optimizer::with_common_settings(nlohmann::json settings) const {
  settings["weight_decay"] = weight_decay_;
  settings["embedding_update"] = std::string(sparse_update_name(sparse_update_));
  return settings;
}

void Optimizer::build(const std::vector<Parameter>& params) {
  if (slot_names_.empty()) {
    slot_names_ = slot_names();
  }
  if (!state_.empty()) {
    return;
  }
  Tensor iterations({1}, DType::kInt32);
  state_.push_back({kIterationsName, std::move(iterations)});
  for (const Parameter& param : params) {
    for (const std::string& slot : slot_names_) {
      state_.push_back({param.name + "." + slot, Tensor(param.value.shape())});
    }
  }
}

void Optimizer::check_matches(const std::vector<Parameter>& params) const {
  const std::size_t slot_count = slot_names_.size();
  const std::size_t expected = 1 + params.size() * slot_count;
  if (state_.size() != expected || state_.front().name != kIterationsName ||
      state_.front().value.dtype() != DType::kInt32 || state_.front().value.numel() != 1) {
    throw InvalidArgument(name() + " optimizer: state has " + std::to_string(state_.size()) +
                          " tensors but " + std::to_string(params.size()) + " parameters need " +
                          std::to_string(expected) + " (\"iterations\" first); build the state from the same model");
  }
  for (std::size_t p = 0; p < params.size(); ++p) {
    const Parameter& param = params[p];
    if (param.grad.shape() != param.value.shape() || param.grad.dtype() != DType::kFloat32) {
      throw InvalidArgument(name() + " optimizer: parameter " + param.name + " has grad shape " +
                            param.grad.shape_string() + " but value shape " + param.value.shape_string() +
                            "; expected float32 grads of the value's shape");
    }
    for (std::size_t s = 0; s < slot_count; ++s) {
      const OptimizerState& slot = state_[1 + p * slot_count + s];
      if (!is_slot_name(slot.name, param.name, slot_names_[s]) || slot.value.shape() != param.value.shape() ||
          slot.value.dtype() != DType::kFloat32) {
        throw InvalidArgument(name() + " optimizer: state tensor \"" + slot.name + "\" of shape " +
                              slot.value.shape_string() + " does not match parameter \"" + param.name +
                              "\" of shape " + param.value.shape_string() + "; expected \"" + param.name + "." +
                              slot_names_[s] + "\" with that shape");
      }
    }
  }
}

void Optimizer::step(std::vector<Parameter>& params) {
  build(params);
  check_matches(params);
  std::int32_t& iterations = state_.front().value.data<std::int32_t>()[0];
  if (iterations == std::numeric_limits<std::int32_t>::max()) {
    throw InvalidArgument(name() + " optimizer: the step counter reached 2147483647; start a new optimizer");
  }
  const std::int64_t step_number = static_cast<std::int64_t>(iterations) + 1;
  const std::size_t slot_count = slot_names_.size();
  const float decay_factor = learning_rate_ * weight_decay_;
  for (std::size_t p = 0; p < params.size(); ++p) {
    Parameter& param = params[p];
    const auto slots = std::span<OptimizerState>(state_).subspan(1 + p * slot_count, slot_count);
    if (updates_rows(param, sparse_update_)) {
      if (decay_factor > 0.0f) {
        kernels::decay_weight_rows(param.value.data<float>(), param.grad_rows.data(),
                                   static_cast<std::int64_t>(param.grad_rows.size()), row_width(param), decay_factor);
      }
      update_rows(param, slots, step_number);
      continue;
    }
    if (decay_factor > 0.0f) {
      kernels::decay_weights(param.value.data<float>(), param.value.numel(), decay_factor);
    }
    update(param, slots, step_number);
  }
  iterations = static_cast<std::int32_t>(step_number);
}

Sgd::Sgd(float learning_rate, float momentum, bool nesterov)
    : Optimizer(learning_rate), momentum_(momentum), nesterov_(nesterov) {
  check_learning_rate(learning_rate, "sgd");
  check_fraction(momentum, "momentum", "sgd");
}

nlohmann::json Sgd::to_json() const {
  return with_common_settings(
      {{"name", "sgd"}, {"learning_rate", learning_rate_}, {"momentum", momentum_}, {"nesterov", nesterov_}});
}

std::vector<std::string> Sgd::slot_names() const {
  if (momentum_ == 0.0f) {
    return {};
  }
  return {"momentum"};
}

void Sgd::update(Parameter& param, std::span<OptimizerState> slots, std::int64_t step_number) {
  float* velocity = slots.empty() ? nullptr : slots[0].value.data<float>();
  kernels::sgd_update(param.value.data<float>(), param.grad.data<float>(), velocity, param.value.numel(),
                      learning_rate_, momentum_, nesterov_);
}

void Sgd::update_rows(Parameter& param, std::span<OptimizerState> slots, std::int64_t step_number) {
  float* velocity = slots.empty() ? nullptr : slots[0].value.data<float>();
  kernels::sgd_update_rows(param.value.data<float>(), param.grad.data<float>(), velocity, param.grad_rows.data(),
                           static_cast<std::int64_t>(param.grad_rows.size()), row_width(param), learning_rate_,
                           momentum_, nesterov_);
}

Adam::Adam(float learning_rate, float beta_1, float beta_2, float epsilon)
    : Optimizer(learning_rate), beta_1_(beta_1), beta_2_(beta_2), epsilon_(epsilon) {
  check_learning_rate(learning_rate, "adam");
  check_fraction(beta_1, "beta_1", "adam");
  check_fraction(beta_2, "beta_2", "adam");
  if (!(std::isfinite(epsilon) && epsilon > 0.0f)) {
    throw InvalidArgument("adam: invalid epsilon " + std::to_string(epsilon) + ": expected a finite value > 0");
  }
}

nlohmann::json Adam::to_json() const {
  return with_common_settings({{"name", "adam"},
                               {"learning_rate", learning_rate_},
                               {"beta_1", beta_1_},
                               {"beta_2", beta_2_},
                               {"epsilon", epsilon_}});
}

std::vector<std::string> Adam::slot_names() const { return {"m", "v"}; }

float Adam::corrected_rate(std::int64_t step_number) const {
  const double t = static_cast<double>(step_number);
  return static_cast<float>(learning_rate_ * std::sqrt(1.0 - std::pow(static_cast<double>(beta_2_), t)) /
                            (1.0 - std::pow(static_cast<double>(beta_1_), t)));
}

void Adam::update(Parameter& param, std::span<OptimizerState> slots, std::int64_t step_number) {
  kernels::adam_update(param.value.data<float>(), param.grad.data<float>(), slots[0].value.data<float>(),
                       slots[1].value.data<float>(), param.value.numel(), corrected_rate(step_number), beta_1_,
                       beta_2_, epsilon_);
}

// The bias correction uses the global step, as TensorFlow's LazyAdam does, even for rows
// that were not touched on every step.
void Adam::update_rows(Parameter& param, std::span<OptimizerState> slots, std::int64_t step_number) {
  kernels::adam_update_rows(param.value.data<float>(), param.grad.data<float>(), slots[0].value.data<float>(),
                            slots[1].value.data<float>(), param.grad_rows.data(),
                            static_cast<std::int64_t>(param.grad_rows.size()), row_width(param),
                            corrected_rate(step_number), beta_1_, beta_2_, epsilon_);
}

std::unique_ptr<Optimizer> make_sgd(float lr, float momentum, bool nesterov) {
  return std::make_unique<Sgd>(lr, momentum, nesterov);
}

std::unique_ptr<Optimizer> make_adam(float lr, float beta_1, float beta_2, float epsilon) {
  return std::make_unique<Adam>(lr, beta_1, beta_2, epsilon);
}

std::string_view sparse_update_name(SparseUpdate mode) {
  return mode == SparseUpdate::kLazy ? "lazy" : "dense";
}

}  // namespace maas::nn
