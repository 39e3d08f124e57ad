#pragma once
// SVG charts of an evaluation and of the training run behind it. Each function returns a complete
// standalone SVG document that browsers and image viewers open without other files. Sizes grow
// with the number of labels and epochs. Label names longer than the space given are shortened
// with "…", and the full name is kept in a <title> tooltip.

#include <string>
#include <string_view>

#include "core/report/training_history.h"
#include "core/train/metrics.h"
#include "core/train/multi_label_metrics.h"
#include "core/train/regression_metrics.h"

namespace maas::report {

// Heat map of report.confusion(): rows are true labels, columns predicted labels. Each cell shows
// its count, and its colour is the count's share of its row (recall for diagonal cells), so rare
// classes are as visible as common ones. `subtitle` goes under the title, e.g. model and data.
std::string render_confusion_matrix(const train::ClassificationReport& report, std::string_view subtitle);

// Horizontal bars of precision, recall and F1 for every label, with each label's support and a
// line at macro-F1. Values are printed at the end of each bar with three decimals.
std::string render_class_metrics(const train::ClassificationReport& report, std::string_view subtitle);

// The same bars for a multi-label report, where each label is a yes/no decision at the report's
// threshold, with the line at macro-F1 and micro-F1 in the title.
std::string render_class_metrics(const train::MultiLabelReport& report, std::string_view subtitle);

// Predicted against true value, one dot per example, on the same scale on both axes with the
// line y = x where a perfect model's dots lie. MSE, MAE and R^2 are in the title.
// Throws InvalidArgument for a report without examples or with a non-finite value.
std::string render_regression_scatter(const train::RegressionReport& report, std::string_view subtitle);

// A histogram of the residuals (prediction - truth) on about sqrt(n) bins with round edges, with
// a dashed line at 0 and the mean residual in the title. Each bin's count is in its tooltip.
// Throws InvalidArgument for a report without examples or with a non-finite residual.
std::string render_residual_histogram(const train::RegressionReport& report, std::string_view subtitle);

// Two panels over epochs: the metrics where lower is better (loss, val_loss, and val_hamming_loss,
// val_mse or val_mae), and those where higher is better (accuracy, val_accuracy, val_macro_f1,
// val_micro_f1, val_subset_accuracy or val_r2), each curve only when the history has it.
// Training curves are solid, validation curves dashed.
// Throws InvalidArgument when the history has no curve at all.
std::string render_training_curves(const TrainingHistory& history, std::string_view subtitle);

}  // namespace maas::report
