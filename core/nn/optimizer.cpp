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

}  // namespace

Optimizer::~Optimizer() = default;

std::int64_t Optimizer::iterations() const {
  return state_.empty() ? 0 : state_.front().value.data<std::int32_t>()[0];
}

void Optimizer::build(const std::vector<Parameter>& params) {
  if (!state_.empty()) {
    return;
  }
  Tensor iterations({1}, DType::kInt32);
  state_.push_back({kIterationsName, std::move(iterations)});
  const std::vector<std::string> slots = slot_names();
  for (const Parameter& param : params) {
    for (const std::string& slot : slots) {
      state_.push_back({param.name + "." + slot, Tensor(param.value.shape())});
    }
  }
}

void Optimizer::check_matches(const std::vector<Parameter>& params) const {
  const std::size_t slot_count = slot_names().size();
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
      const std::string expected_name = param.name + "." + slot_names()[s];
      if (slot.name != expected_name || slot.value.shape() != param.value.shape() ||
          slot.value.dtype() != DType::kFloat32) {
        throw InvalidArgument(name() + " optimizer: state tensor \"" + slot.name + "\" of shape " +
                              slot.value.shape_string() + " does not match parameter \"" + param.name +
                              "\" of shape " + param.value.shape_string() + "; expected \"" + expected_name +
                              "\" with that shape");
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
  const std::size_t slot_count = slot_names().size();
  for (std::size_t p = 0; p < params.size(); ++p) {
    update(params[p], std::span<OptimizerState>(state_).subspan(1 + p * slot_count, slot_count), step_number);
  }
  iterations = static_cast<std::int32_t>(step_number);
}

Sgd::Sgd(float learning_rate, float momentum, bool nesterov)
    : learning_rate_(learning_rate), momentum_(momentum), nesterov_(nesterov) {
  check_learning_rate(learning_rate, "sgd");
  check_fraction(momentum, "momentum", "sgd");
}

nlohmann::json Sgd::to_json() const {
  return {{"name", "sgd"}, {"learning_rate", learning_rate_}, {"momentum", momentum_}, {"nesterov", nesterov_}};
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

Adam::Adam(float learning_rate, float beta_1, float beta_2, float epsilon)
    : learning_rate_(learning_rate), beta_1_(beta_1), beta_2_(beta_2), epsilon_(epsilon) {
  check_learning_rate(learning_rate, "adam");
  check_fraction(beta_1, "beta_1", "adam");
  check_fraction(beta_2, "beta_2", "adam");
  if (!(std::isfinite(epsilon) && epsilon > 0.0f)) {
    throw InvalidArgument("adam: invalid epsilon " + std::to_string(epsilon) + ": expected a finite value > 0");
  }
}

nlohmann::json Adam::to_json() const {
  return {{"name", "adam"},
          {"learning_rate", learning_rate_},
          {"beta_1", beta_1_},
          {"beta_2", beta_2_},
          {"epsilon", epsilon_}};
}

std::vector<std::string> Adam::slot_names() const { return {"m", "v"}; }

void Adam::update(Parameter& param, std::span<OptimizerState> slots, std::int64_t step_number) {
  const double t = static_cast<double>(step_number);
  const double corrected_rate = learning_rate_ * std::sqrt(1.0 - std::pow(static_cast<double>(beta_2_), t)) /
                                (1.0 - std::pow(static_cast<double>(beta_1_), t));
  kernels::adam_update(param.value.data<float>(), param.grad.data<float>(), slots[0].value.data<float>(),
                       slots[1].value.data<float>(), param.value.numel(), static_cast<float>(corrected_rate), beta_1_,
                       beta_2_, epsilon_);
}

std::unique_ptr<Optimizer> make_sgd(float lr, float momentum, bool nesterov) {
  return std::make_unique<Sgd>(lr, momentum, nesterov);
}

std::unique_ptr<Optimizer> make_adam(float lr, float beta_1, float beta_2, float epsilon) {
  return std::make_unique<Adam>(lr, beta_1, beta_2, epsilon);
}

}  // namespace maas::nn
