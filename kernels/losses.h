#pragma once
// Fused losses on logits. Each returns the batch loss and writes its gradient with
// respect to the logits in the same pass.
//
// Reduction: loss = sum_i w_i * loss_i / batch, with w_i = 1 when weights is null.
// This is Keras's "sum over batch size" reduction, so weights rescale examples
// without renormalising the batch.

#include <cstdint>

namespace maas::kernels {

// Softmax cross-entropy for logits [batch, classes] and labels in [0, classes).
// loss_i = logsumexp(x_i) - x_i[label_i], computed with the row maximum subtracted so
// that logits of any magnitude stay finite.
// diff_logits [batch, classes] = w_i * (softmax(x_i) - onehot(label_i)) / batch.
//
// With label_smoothing e in [0, 1) the target is t = (1 - e) onehot(label_i) + e / classes,
// as in Keras: loss_i = logsumexp(x_i) - sum_c t_c x_i[c] and diff_logits = w_i (softmax(x_i) - t) / batch.
double softmax_cross_entropy(const float* logits, const std::int32_t* labels,
                             const float* weights, std::int64_t batch, std::int64_t classes,
                             float* diff_logits, float label_smoothing = 0.0f);

// Binary cross-entropy on logits [batch] with labels 0 or 1.
// loss_i = max(x, 0) - x y + log1p(exp(-|x|)), which equals -y log p - (1 - y) log(1 - p)
// for p = sigmoid(x) without overflow. diff_logits [batch] = w_i * (sigmoid(x) - y) / batch.
// With label_smoothing e the target is y' = y (1 - e) + e / 2, as in Keras, and y' takes
// the place of y in both formulas.
double sigmoid_binary_cross_entropy(const float* logits, const std::int32_t* labels,
                                    const float* weights, std::int64_t batch,
                                    float* diff_logits, float label_smoothing = 0.0f);

// Multi-label binary cross-entropy on logits [batch, outputs] with targets [batch, outputs] in
// [0, 1], one independent sigmoid per output. Each term is the binary loss above, and an
// example's loss is the mean over its outputs, as Keras's binary_crossentropy averages over the
// last axis: loss_i = sum_o bce(x_io, y_io) / outputs, diff_logits = w_i (sigmoid(x) - y) /
// (outputs * batch). label_smoothing moves each target to y (1 - e) + e / 2.
double sigmoid_cross_entropy_per_output(const float* logits, const float* targets, const float* weights,
                                        std::int64_t batch, std::int64_t outputs, float* diff_logits,
                                        float label_smoothing = 0.0f);

// Mean squared error of predictions [batch, outputs] against targets [batch, outputs]:
// loss_i = sum_o (x_io - y_io)^2 / outputs, diff = 2 w_i (x - y) / (outputs * batch).
double mean_squared_error(const float* predictions, const float* targets, const float* weights,
                          std::int64_t batch, std::int64_t outputs, float* diff_predictions);

}  // namespace maas::kernels
