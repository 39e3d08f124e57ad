#pragma once
// SVG charts of an evaluation and of the training run behind it. Each function returns a complete
// standalone SVG document that browsers and image viewers open without other files. Sizes grow
// with the number of labels and epochs. Label names longer than the space given are shortened
// with "…", and the full name is kept in a <title> tooltip.

#include <string>
#include <string_view>

#include "core/report/training_history.h"
#include "core/train/metrics.h"

namespace maas::report {

// Heat map of report.confusion(): rows are true labels, columns predicted labels. Each cell shows
// its count, and its colour is the count's share of its row (recall for diagonal cells), so rare
// classes are as visible as common ones. `subtitle` goes under the title, e.g. model and data.
std::string render_confusion_matrix(const train::ClassificationReport& report, std::string_view subtitle);

// Horizontal bars of precision, recall and F1 for every label, with each label's support and a
// line at macro-F1. Values are printed at the end of each bar with three decimals.
std::string render_class_metrics(const train::ClassificationReport& report, std::string_view subtitle);

// Two panels over epochs: loss and val_loss, and accuracy, val_accuracy and val_macro_f1 (each
// curve only when the history has it). Training curves are solid, validation curves dashed.
// Throws InvalidArgument when the history has no curve at all.
std::string render_training_curves(const TrainingHistory& history, std::string_view subtitle);

}  // namespace maas::report
