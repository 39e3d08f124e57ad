#include "core/nn/transformer_encoder.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/common/error.h"
#include "core/nn/initializers.h"
#include "kernels/activation.h"
#include "kernels/dense.h"
#include "kernels/layer_norm.h"

namespace maas::nn {

// Forward over rows n = (b, t), with Dh = features / heads and scale = 1 / sqrt(Dh):
//   q, k, v = x Wq^T + bq, x Wk^T + bk, x Wv^T + bv;
//   per batch b and head h: S[t, s] = scale q_t . k_s over unmasked keys s, P = softmax_s(S),
//   c_t = sum_s P[t, s] v_s (0 when every key is masked);
//   r1 = x + c Wo^T + bo, h = LN1(r1), u = relu(h W1^T + b1), r2 = h + u W2^T + b2, y = LN2(r2).
// Backward, from dy:
//   dr2 = LN2'(dy) (see LayerNormalization), dW2 = dr2^T u, du = dr2 W2 * 1[u > 0],
//   dW1 = du^T h, dh = dr2 + du W1, dr1 = LN1'(dh), dWo = dr1^T c, dc = dr1 Wo;
//   per b, h: dP[t, s] = dc_t . v_s, dS = P * (dP - sum_s P dP), dq_t = scale sum_s dS[t, s] k_s,
//   dk_s = scale sum_t dS[t, s] q_t, dv_s = sum_t P[t, s] dc_t;
//   dWq = dq^T x (likewise for k, v), dx = dr1 + dq Wq + dk Wk + dv Wv. Biases get column sums.

namespace {

enum Index : std::size_t {
  kQueryKernel, kQueryBias, kKeyKernel, kKeyBias, kValueKernel, kValueBias, kOutputKernel, kOutputBias,
  kNorm1Gamma, kNorm1Beta, kFf1Kernel, kFf1Bias, kFf2Kernel, kFf2Bias, kNorm2Gamma, kNorm2Beta,
};

const float* value_of(std::span<const Parameter> params, Index index) { return params[index].value.data<float>(); }

void add_into(float* target, const float* source, std::int64_t count) {
  for (std::int64_t i = 0; i < count; ++i) target[i] += source[i];
}

}  // namespace

TransformerEncoder::TransformerEncoder(std::int64_t features, std::int64_t num_heads, std::int64_t ff_dim, bool mask,
                                       double epsilon)
    : features_(features), num_heads_(num_heads), ff_dim_(ff_dim), mask_(mask), epsilon_(epsilon) {
  if (features < 1 || num_heads < 1 || ff_dim < 1) {
    throw InvalidArgument("transformer_encoder: invalid sizes features=" + std::to_string(features) +
                          " num_heads=" + std::to_string(num_heads) + " ff_dim=" + std::to_string(ff_dim) +
                          ": expected every size >= 1");
  }
  if (features % num_heads != 0) {
    throw InvalidArgument("transformer_encoder: invalid num_heads " + std::to_string(num_heads) + ": the " +
                          std::to_string(features) +
                          " input features must split evenly across the heads; choose a divisor of " +
                          std::to_string(features));
  }
  if (!(epsilon > 0.0)) {
    throw InvalidArgument("transformer_encoder: invalid epsilon " + std::to_string(epsilon) +
                          ": expected a number > 0");
  }
  set_path("transformer_encoder");
}

nlohmann::json TransformerEncoder::to_json() const {
  return {{"type", "transformer_encoder"}, {"num_heads", num_heads_}, {"ff_dim", ff_dim_},
          {"mask", mask_},                 {"epsilon", epsilon_}};
}

std::vector<ParameterSpec> TransformerEncoder::parameter_specs() const {
  const std::int64_t d = features_;
  return {{"query_kernel", {d, d}},      {"query_bias", {d}},          {"key_kernel", {d, d}},
          {"key_bias", {d}},             {"value_kernel", {d, d}},     {"value_bias", {d}},
          {"output_kernel", {d, d}},     {"output_bias", {d}},         {"attention_norm_gamma", {d}},
          {"attention_norm_beta", {d}},  {"ff1_kernel", {ff_dim_, d}}, {"ff1_bias", {ff_dim_}},
          {"ff2_kernel", {d, ff_dim_}},  {"ff2_bias", {d}},            {"output_norm_gamma", {d}},
          {"output_norm_beta", {d}}};
}

void TransformerEncoder::initialize(std::span<Parameter> params, Rng& rng) const {
  for (Parameter& param : params) {
    param.value.fill(0.0f);
  }
  for (const Index index : {kQueryKernel, kKeyKernel, kValueKernel, kOutputKernel}) {
    fill_uniform(params[index].value, glorot_uniform_limit(features_, features_), rng);
  }
  fill_uniform(params[kFf1Kernel].value, glorot_uniform_limit(features_, ff_dim_), rng);
  fill_uniform(params[kFf2Kernel].value, glorot_uniform_limit(ff_dim_, features_), rng);
  params[kNorm1Gamma].value.fill(1.0f);
  params[kNorm2Gamma].value.fill(1.0f);
}

void TransformerEncoder::check_inputs(const Tensor& x, const Tensor& ids) const {
  check_input(x, DType::kFloat32, {-1, -1, features_}, "input");
  if (mask_) {
    check_input(ids, DType::kInt32, {x.dim(0), x.dim(1)}, "mask ids");
  }
}

void TransformerEncoder::run_forward(std::span<const Parameter> params, const Tensor& x, const Tensor& ids,
                                     bool training, Activations& a) const {
  const std::int64_t batch = x.dim(0);
  const std::int64_t seq = x.dim(1);
  const std::int64_t rows = batch * seq;
  const std::int64_t d = features_;
  const std::int64_t head_dim = d / num_heads_;
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  const kernels::DenseShape square{rows, d, d, kernels::Activation::kLinear};

  for (Tensor* tensor : {&a.q, &a.k, &a.v, &a.context, &a.residual1, &a.h, &a.residual2, &a.y}) {
    tensor->resize({rows, d});
  }
  a.probs.resize({batch, num_heads_, seq, seq});
  a.hidden.resize({rows, ff_dim_});
  for (Tensor* tensor : {&a.mean1, &a.rstd1, &a.mean2, &a.rstd2}) {
    tensor->resize({rows});
  }
  const float* src = x.data<float>();
  kernels::dense_forward(square, src, value_of(params, kQueryKernel), value_of(params, kQueryBias), a.q.data<float>(),
                         training);
  kernels::dense_forward(square, src, value_of(params, kKeyKernel), value_of(params, kKeyBias), a.k.data<float>(),
                         training);
  kernels::dense_forward(square, src, value_of(params, kValueKernel), value_of(params, kValueBias), a.v.data<float>(),
                         training);

  const std::int32_t* mask_ids = mask_ ? ids.data<std::int32_t>() : nullptr;
  const float* q = a.q.data<float>();
  const float* k = a.k.data<float>();
  const float* v = a.v.data<float>();
  float* context = a.context.data<float>();
  for (std::int64_t b = 0; b < batch; ++b) {
    for (std::int64_t h = 0; h < num_heads_; ++h) {
      const std::int64_t offset = h * head_dim;
      for (std::int64_t t = 0; t < seq; ++t) {
        float* p = a.probs.data<float>() + ((b * num_heads_ + h) * seq + t) * seq;
        float max_score = -std::numeric_limits<float>::infinity();
        for (std::int64_t s = 0; s < seq; ++s) {
          if (mask_ids != nullptr && mask_ids[b * seq + s] == 0) {
            p[s] = -std::numeric_limits<float>::infinity();
            continue;
          }
          float dot = 0.0f;
          for (std::int64_t j = 0; j < head_dim; ++j) {
            dot += q[(b * seq + t) * d + offset + j] * k[(b * seq + s) * d + offset + j];
          }
          p[s] = dot * scale;
          max_score = std::max(max_score, p[s]);
        }
        float sum = 0.0f;
        for (std::int64_t s = 0; s < seq; ++s) {
          p[s] = std::isinf(max_score) || std::isinf(p[s]) ? 0.0f : std::exp(p[s] - max_score);
          sum += p[s];
        }
        float* c = context + (b * seq + t) * d + offset;
        std::fill(c, c + head_dim, 0.0f);
        if (sum == 0.0f) {
          continue;  // every key is padding
        }
        for (std::int64_t s = 0; s < seq; ++s) {
          p[s] /= sum;
          for (std::int64_t j = 0; j < head_dim; ++j) {
            c[j] += p[s] * v[(b * seq + s) * d + offset + j];
          }
        }
      }
    }
  }

  float* residual1 = a.residual1.data<float>();
  kernels::dense_forward(square, context, value_of(params, kOutputKernel), value_of(params, kOutputBias), residual1,
                         training);
  add_into(residual1, src, rows * d);
  kernels::layer_norm_forward(residual1, value_of(params, kNorm1Gamma), value_of(params, kNorm1Beta), rows, d,
                              static_cast<float>(epsilon_), a.h.data<float>(), a.mean1.data<float>(),
                              a.rstd1.data<float>());
  kernels::dense_forward({rows, d, ff_dim_, kernels::Activation::kRelu}, a.h.data<float>(),
                         value_of(params, kFf1Kernel), value_of(params, kFf1Bias), a.hidden.data<float>(), training);
  float* residual2 = a.residual2.data<float>();
  kernels::dense_forward({rows, ff_dim_, d, kernels::Activation::kLinear}, a.hidden.data<float>(),
                         value_of(params, kFf2Kernel), value_of(params, kFf2Bias), residual2, training);
  add_into(residual2, a.h.data<float>(), rows * d);
  kernels::layer_norm_forward(residual2, value_of(params, kNorm2Gamma), value_of(params, kNorm2Beta), rows, d,
                              static_cast<float>(epsilon_), a.y.data<float>(), a.mean2.data<float>(),
                              a.rstd2.data<float>());
  a.y.resize({batch, seq, d});
}

const Tensor& TransformerEncoder::forward(std::span<Parameter> params, const Tensor& x, const Tensor& ids,
                                          bool training, Rng& rng) {
  check_inputs(x, ids);
  input_shape_ = x.shape();
  input_ = x;
  if (mask_) {
    saved_.ids = ids;
  }
  run_forward(params, x, ids, true, saved_);
  forward_done_ = true;
  return saved_.y;
}

const Tensor* TransformerEncoder::backward(std::span<Parameter> params, const Tensor& dy) {
  check_forward_done(forward_done_);
  check_input(dy, DType::kFloat32, input_shape_, "output gradient");
  const std::int64_t batch = input_shape_[0];
  const std::int64_t seq = input_shape_[1];
  const std::int64_t rows = batch * seq;
  const std::int64_t d = features_;
  const std::int64_t head_dim = d / num_heads_;
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  const kernels::DenseShape square{rows, d, d, kernels::Activation::kLinear};
  const kernels::DenseShape ff1{rows, d, ff_dim_, kernels::Activation::kLinear};
  const kernels::DenseShape ff2{rows, ff_dim_, d, kernels::Activation::kLinear};
  Activations& a = saved_;
  auto grad = [&](Index index) { return params[index].grad.data<float>(); };
  auto value = [&](Index index) { return params[index].value.data<float>(); };

  for (Tensor* tensor : {&d_residual2_, &d_h_, &d_residual1_, &d_context_, &d_q_, &d_k_, &d_v_, &scratch_}) {
    tensor->resize({rows, d});
  }
  d_hidden_.resize({rows, ff_dim_});
  d_scores_.resize({seq});

  // Second layer norm and the feed-forward block.
  kernels::layer_norm_backward(a.residual2.data<float>(), dy.data<float>(), value(kNorm2Gamma), a.mean2.data<float>(),
                               a.rstd2.data<float>(), rows, d, d_residual2_.data<float>(), grad(kNorm2Gamma),
                               grad(kNorm2Beta));
  kernels::dense_backward_weights(ff2, a.hidden.data<float>(), d_residual2_.data<float>(), grad(kFf2Kernel),
                                  grad(kFf2Bias));
  kernels::dense_backward_data(ff2, d_residual2_.data<float>(), value(kFf2Kernel), d_hidden_.data<float>());
  kernels::activation_backward(kernels::Activation::kRelu, a.hidden.data<float>(), d_hidden_.data<float>(),
                               d_hidden_.data<float>(), rows, ff_dim_);
  kernels::dense_backward_weights(ff1, a.h.data<float>(), d_hidden_.data<float>(), grad(kFf1Kernel), grad(kFf1Bias));
  kernels::dense_backward_data(ff1, d_hidden_.data<float>(), value(kFf1Kernel), d_h_.data<float>());
  add_into(d_h_.data<float>(), d_residual2_.data<float>(), rows * d);

  // First layer norm and the attention output projection.
  kernels::layer_norm_backward(a.residual1.data<float>(), d_h_.data<float>(), value(kNorm1Gamma),
                               a.mean1.data<float>(), a.rstd1.data<float>(), rows, d, d_residual1_.data<float>(),
                               grad(kNorm1Gamma), grad(kNorm1Beta));
  kernels::dense_backward_weights(square, a.context.data<float>(), d_residual1_.data<float>(), grad(kOutputKernel),
                                  grad(kOutputBias));
  kernels::dense_backward_data(square, d_residual1_.data<float>(), value(kOutputKernel), d_context_.data<float>());

  // Scaled dot-product attention, per batch row and head.
  d_q_.fill(0.0f);
  d_k_.fill(0.0f);
  d_v_.fill(0.0f);
  const float* q = a.q.data<float>();
  const float* k = a.k.data<float>();
  const float* v = a.v.data<float>();
  const float* dc = d_context_.data<float>();
  float* dq = d_q_.data<float>();
  float* dk = d_k_.data<float>();
  float* dv = d_v_.data<float>();
  float* ds = d_scores_.data<float>();
  for (std::int64_t b = 0; b < batch; ++b) {
    for (std::int64_t h = 0; h < num_heads_; ++h) {
      const std::int64_t offset = h * head_dim;
      for (std::int64_t t = 0; t < seq; ++t) {
        const float* p = a.probs.data<float>() + ((b * num_heads_ + h) * seq + t) * seq;
        const float* dc_t = dc + (b * seq + t) * d + offset;
        float weighted = 0.0f;
        for (std::int64_t s = 0; s < seq; ++s) {
          float dot = 0.0f;
          for (std::int64_t j = 0; j < head_dim; ++j) dot += dc_t[j] * v[(b * seq + s) * d + offset + j];
          ds[s] = dot;
          weighted += p[s] * dot;
        }
        for (std::int64_t s = 0; s < seq; ++s) {
          if (p[s] == 0.0f) continue;
          const float score_grad = p[s] * (ds[s] - weighted) * scale;
          for (std::int64_t j = 0; j < head_dim; ++j) {
            dq[(b * seq + t) * d + offset + j] += score_grad * k[(b * seq + s) * d + offset + j];
            dk[(b * seq + s) * d + offset + j] += score_grad * q[(b * seq + t) * d + offset + j];
            dv[(b * seq + s) * d + offset + j] += p[s] * dc_t[j];
          }
        }
      }
    }
  }

  // Query, key and value projections, and the residual path into dx.
  input_grad_.resize(input_shape_);
  float* dx = input_grad_.data<float>();
  std::copy(d_residual1_.data<float>(), d_residual1_.data<float>() + rows * d, dx);
  const float* src = input_.data<float>();
  const std::pair<Index, const Tensor*> projections[] = {{kQueryKernel, &d_q_}, {kKeyKernel, &d_k_},
                                                         {kValueKernel, &d_v_}};
  for (const auto& [kernel, gradient] : projections) {
    kernels::dense_backward_weights(square, src, gradient->data<float>(), grad(kernel),
                                    grad(static_cast<Index>(kernel + 1)));
    kernels::dense_backward_data(square, gradient->data<float>(), value(kernel), scratch_.data<float>());
    add_into(dx, scratch_.data<float>(), rows * d);
  }
  return &input_grad_;
}

void TransformerEncoder::infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids,
                               Tensor& y) const {
  check_inputs(x, ids);
  Activations activations;
  run_forward(params, x, ids, false, activations);
  y = std::move(activations.y);
}

}  // namespace maas::nn
