#include "core/nn/recurrent.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/nn/initializers.h"

namespace maas::nn {

// Forward (LSTM; GRU analogous), per direction over positions t in reading order, from
// h_0 = c_0 = 0: [i f c~ o] = x_t W + h_{t-1} U + b with sigmoid i, f, o and tanh c~,
// c_t = f c_{t-1} + i c~, h_t = o tanh(c_t). The output is h_T of each direction, or h_t at every
// position with return_sequences.
// Backward: back-propagation through time, run by oneDNN's RNN backward primitive from
// dL/dh_T (final-state output) or dL/dh_t for every t (return_sequences). It returns dL/dx_t and
// dL/dW, dL/dU, dL/db summed over positions, using the gate values it kept in the workspace.

namespace {

// Scatters out[b, d * H + j] = states[d, b, j] (gather = true) or the reverse.
void move_final_states(float* states, float* out, std::int64_t directions, std::int64_t batch, std::int64_t units,
                       bool gather) {
  for (std::int64_t d = 0; d < directions; ++d) {
    for (std::int64_t b = 0; b < batch; ++b) {
      float* state = states + (d * batch + b) * units;
      float* row = out + b * directions * units + d * units;
      if (gather) {
        std::copy(state, state + units, row);
      } else {
        std::copy(row, row + units, state);
      }
    }
  }
}

}  // namespace

Recurrent::Recurrent(RecurrentCell cell, std::int64_t in, std::int64_t units, bool bidirectional,
                     bool return_sequences)
    : cell_(cell), in_(in), units_(units), bidirectional_(bidirectional), return_sequences_(return_sequences) {
  if (in < 1 || units < 1) {
    throw InvalidArgument(std::string(type()) + ": invalid sizes in=" + std::to_string(in) +
                          " units=" + std::to_string(units) + ": expected every size >= 1");
  }
  set_path(std::string(type()));
}

nlohmann::json Recurrent::to_json() const {
  return {{"type", std::string(type())},
          {"units", units_},
          {"bidirectional", bidirectional_},
          {"return_sequences", return_sequences_}};
}

std::vector<ParameterSpec> Recurrent::parameter_specs() const {
  const std::int64_t gates = kernels::rnn_gates(cell_);
  return {{"kernel", {directions(), in_, gates * units_}},
          {"recurrent_kernel", {directions(), units_, gates * units_}},
          {"bias", {directions(), kernels::rnn_bias_gates(cell_) * units_}}};
}

void Recurrent::initialize(std::span<Parameter> params, Rng& rng) const {
  const std::int64_t gates = kernels::rnn_gates(cell_);
  fill_uniform(params[0].value, glorot_uniform_limit(in_, gates * units_), rng);
  fill_uniform(params[1].value, glorot_uniform_limit(units_, gates * units_), rng);
  params[2].value.fill(0.0f);
  if (cell_ == RecurrentCell::kLstm) {
    float* bias = params[2].value.data<float>();
    for (std::int64_t d = 0; d < directions(); ++d) {
      std::fill(bias + d * 4 * units_ + units_, bias + d * 4 * units_ + 2 * units_, 1.0f);
    }
  }
}

kernels::RnnShape Recurrent::shape_of(const Tensor& x) const {
  return {x.dim(0), x.dim(1), in_, units_, cell_, bidirectional_};
}

const Tensor& Recurrent::forward(std::span<Parameter> params, const Tensor& x, const Tensor& ids, bool training,
                                 Rng& rng) {
  check_input(x, DType::kFloat32, {-1, -1, in_}, "input");
  const kernels::RnnShape shape = shape_of(x);
  const std::int64_t batch = shape.batch;
  input_ = x;
  zero_state_.resize({directions(), batch, units_});
  zero_state_.fill(0.0f);
  dst_layer_.resize({batch, shape.seq, output_features()});
  dst_iter_.resize({directions(), batch, units_});
  dst_iter_c_.resize({directions(), batch, units_});
  const auto workspace_floats = static_cast<std::int64_t>((kernels::rnn_workspace_bytes(shape) + 3) / 4);
  workspace_.resize({std::max<std::int64_t>(workspace_floats, 1)});

  kernels::RnnForwardArgs args;
  args.src = x.data<float>();
  args.weights_layer = params[0].value.data<float>();
  args.weights_iter = params[1].value.data<float>();
  args.bias = params[2].value.data<float>();
  args.zero_state = zero_state_.data<float>();
  args.dst_layer = dst_layer_.data<float>();
  args.dst_iter = dst_iter_.data<float>();
  args.dst_iter_c = dst_iter_c_.data<float>();
  args.workspace = workspace_.raw_data();
  kernels::rnn_forward(shape, args, true);
  forward_done_ = true;
  if (return_sequences_) {
    return dst_layer_;
  }
  output_.resize({batch, output_features()});
  move_final_states(dst_iter_.data<float>(), output_.data<float>(), directions(), batch, units_, true);
  return output_;
}

const Tensor* Recurrent::backward(std::span<Parameter> params, const Tensor& dy) {
  check_forward_done(forward_done_);
  const kernels::RnnShape shape = shape_of(input_);
  const std::int64_t batch = shape.batch;
  diff_dst_layer_.resize(dst_layer_.shape());
  diff_dst_iter_.resize(dst_iter_.shape());
  diff_dst_iter_c_.resize(dst_iter_.shape());
  diff_dst_iter_c_.fill(0.0f);
  if (return_sequences_) {
    check_input(dy, DType::kFloat32, {batch, shape.seq, output_features()}, "output gradient");
    std::copy(dy.data<float>(), dy.data<float>() + dy.numel(), diff_dst_layer_.data<float>());
    diff_dst_iter_.fill(0.0f);
  } else {
    check_input(dy, DType::kFloat32, {batch, output_features()}, "output gradient");
    diff_dst_layer_.fill(0.0f);
    move_final_states(diff_dst_iter_.data<float>(), const_cast<float*>(dy.data<float>()), directions(), batch, units_,
                      false);
  }
  const std::int64_t gate_units = kernels::rnn_gates(cell_) * units_;
  weights_layer_t_.resize({directions(), gate_units, in_});
  weights_iter_t_.resize({directions(), gate_units, units_});
  kernels::rnn_transpose_weights(params[0].value.data<float>(), directions(), in_, gate_units,
                                 weights_layer_t_.data<float>());
  kernels::rnn_transpose_weights(params[1].value.data<float>(), directions(), units_, gate_units,
                                 weights_iter_t_.data<float>());
  diff_src_iter_.resize(dst_iter_.shape());
  diff_src_iter_c_.resize(dst_iter_.shape());
  input_grad_.resize(input_.shape());

  kernels::RnnBackwardArgs args;
  args.src = input_.data<float>();
  args.weights_layer_t = weights_layer_t_.data<float>();
  args.weights_iter_t = weights_iter_t_.data<float>();
  args.bias = params[2].value.data<float>();
  args.zero_state = zero_state_.data<float>();
  args.dst_layer = dst_layer_.data<float>();
  args.dst_iter = dst_iter_.data<float>();
  args.dst_iter_c = dst_iter_c_.data<float>();
  args.workspace = workspace_.raw_data();
  args.diff_dst_layer = diff_dst_layer_.data<float>();
  args.diff_dst_iter = diff_dst_iter_.data<float>();
  args.diff_dst_iter_c = diff_dst_iter_c_.data<float>();
  args.diff_src = input_grad_.data<float>();
  args.diff_src_iter = diff_src_iter_.data<float>();
  args.diff_src_iter_c = diff_src_iter_c_.data<float>();
  args.diff_weights_layer = params[0].grad.data<float>();
  args.diff_weights_iter = params[1].grad.data<float>();
  args.diff_bias = params[2].grad.data<float>();
  kernels::rnn_backward(shape, args);
  return &input_grad_;
}

void Recurrent::infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids, Tensor& y) const {
  check_input(x, DType::kFloat32, {-1, -1, in_}, "input");
  const kernels::RnnShape shape = shape_of(x);
  Tensor zero_state({directions(), shape.batch, units_});
  zero_state.fill(0.0f);
  Tensor dst_layer({shape.batch, shape.seq, output_features()});
  Tensor dst_iter({directions(), shape.batch, units_});
  Tensor dst_iter_c({directions(), shape.batch, units_});

  kernels::RnnForwardArgs args;
  args.src = x.data<float>();
  args.weights_layer = params[0].value.data<float>();
  args.weights_iter = params[1].value.data<float>();
  args.bias = params[2].value.data<float>();
  args.zero_state = zero_state.data<float>();
  args.dst_layer = dst_layer.data<float>();
  args.dst_iter = dst_iter.data<float>();
  args.dst_iter_c = dst_iter_c.data<float>();
  kernels::rnn_forward(shape, args, false);
  if (return_sequences_) {
    y = std::move(dst_layer);
    return;
  }
  y.resize({shape.batch, output_features()}, DType::kFloat32);
  move_final_states(dst_iter.data<float>(), y.data<float>(), directions(), shape.batch, units_, true);
}

}  // namespace maas::nn
