#pragma once
// What a model predicts, which fixes how labels are read, the output layer, the loss, the metrics
// and how outputs are reported. training.task in a config and "task" in a model manifest name it.

#include <string_view>

namespace maas {

enum class Task {
  // One label per example: softmax over one unit per label, or one sigmoid unit for two labels.
  kClassification,
  // Zero or more labels per example: one independent sigmoid unit per label.
  kMultiLabel,
  // One number per example: one linear unit.
  kRegression,
};

// Parses "classification", "multi_label" or "regression". Throws InvalidArgument that lists the
// accepted names.
Task parse_task(std::string_view name);

// Returns the name parse_task accepts for `task`.
std::string_view task_name(Task task);

}  // namespace maas
