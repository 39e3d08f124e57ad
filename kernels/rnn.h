#pragma once
// LSTM and GRU kernels on oneDNN RNN primitives: one layer, one or two directions, zero
// initial state.
//
// Layouts, all row-major float32, with D = 1 or 2 directions, G gates (LSTM 4: i, f, c, o;
// GRU 3: u, r, o) and H = units:
// - src [batch, seq, in] (oneDNN "ntc"), dst_layer [batch, seq, D * H] (forward direction
//   first), dst_iter and dst_iter_c [D, batch, H]: the final state of each direction; for the
//   reverse direction that is the state after reading position 0.
// - weights_layer [D, in, G * H] and weights_iter [D, H, G * H] (oneDNN "ldigo", the Keras
//   kernel layout per direction); bias [D, bias_gates * H] with bias_gates 4 for both cells.
// The GRU is oneDNN's linear-before-reset GRU (Keras reset_after = true, the PyTorch and ONNX
// linear_before_reset = 1 form), whose fourth bias block is the recurrent candidate bias.
// Primitives are created once per shape and pass and reused from a process-wide cache; every
// function may run from several threads at once.
//
// Errors: std::invalid_argument for an invalid shape, dnnl::error when oneDNN rejects a primitive.

#include <cstddef>
#include <cstdint>

namespace maas::kernels {

enum class RnnCell { kLstm, kGru };

struct RnnShape {
  std::int64_t batch = 0;
  std::int64_t seq = 0;
  std::int64_t in = 0;
  std::int64_t units = 0;
  RnnCell cell = RnnCell::kLstm;
  bool bidirectional = false;
};

// Returns the gate count G of the weights (4 for LSTM, 3 for GRU).
std::int64_t rnn_gates(RnnCell cell);
// Returns the gate count of the bias (4 for both: the GRU adds the recurrent candidate bias).
std::int64_t rnn_bias_gates(RnnCell cell);
// Returns the bytes of workspace that rnn_forward(training = true) writes and rnn_backward reads.
std::size_t rnn_workspace_bytes(const RnnShape& shape);

// The tensors of one forward pass. dst_iter_c is used by LSTM only (nullptr for GRU).
// zero_state [D, batch, H] must be all zeros: it is the initial state. workspace is written
// when training and may be nullptr otherwise.
struct RnnForwardArgs {
  const float* src = nullptr;
  const float* weights_layer = nullptr;
  const float* weights_iter = nullptr;
  const float* bias = nullptr;
  const float* zero_state = nullptr;
  float* dst_layer = nullptr;
  float* dst_iter = nullptr;
  float* dst_iter_c = nullptr;
  void* workspace = nullptr;
};

void rnn_forward(const RnnShape& shape, const RnnForwardArgs& args, bool training);

// The tensors of one backward pass. weights_layer_t [D, G * H, in] and weights_iter_t
// [D, G * H, H] are the weights in oneDNN's "ldgoi" layout, which its backward pass requires
// (see rnn_transpose_weights). diff_dst_iter_c and the two diff_src_iter buffers are LSTM-only
// for the _c ones. The three diff_weights outputs are overwritten.
struct RnnBackwardArgs {
  const float* src = nullptr;
  const float* weights_layer_t = nullptr;
  const float* weights_iter_t = nullptr;
  const float* bias = nullptr;
  const float* zero_state = nullptr;
  const float* dst_layer = nullptr;
  const float* dst_iter = nullptr;
  const float* dst_iter_c = nullptr;
  const void* workspace = nullptr;
  const float* diff_dst_layer = nullptr;
  const float* diff_dst_iter = nullptr;
  const float* diff_dst_iter_c = nullptr;
  float* diff_src = nullptr;
  float* diff_src_iter = nullptr;    // [D, batch, H], scratch
  float* diff_src_iter_c = nullptr;  // [D, batch, H], scratch (LSTM)
  float* diff_weights_layer = nullptr;
  float* diff_weights_iter = nullptr;
  float* diff_bias = nullptr;
};

void rnn_backward(const RnnShape& shape, const RnnBackwardArgs& args);

// Writes dst[d, o, i] = src[d, i, o] for `directions` matrices of [rows, cols]: "ldigo" to
// "ldgoi" when rows = inputs and cols = G * H.
void rnn_transpose_weights(const float* src, std::int64_t directions, std::int64_t rows, std::int64_t cols,
                           float* dst);

std::size_t rnn_primitive_cache_size();

}  // namespace maas::kernels
