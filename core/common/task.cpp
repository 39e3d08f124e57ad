#include "core/common/task.h"

#include <string>

#include "core/common/error.h"

namespace maas {

Task parse_task(std::string_view name) {
  if (name == "classification") return Task::kClassification;
  if (name == "multi_label") return Task::kMultiLabel;
  if (name == "regression") return Task::kRegression;
  throw InvalidArgument("invalid task \"" + std::string(name) +
                        "\": expected classification, multi_label or regression");
}

std::string_view task_name(Task task) {
  switch (task) {
    case Task::kClassification: return "classification";
    case Task::kMultiLabel: return "multi_label";
    case Task::kRegression: return "regression";
  }
  return "classification";
}

}  // namespace maas
