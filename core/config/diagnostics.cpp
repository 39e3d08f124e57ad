#include "core/config/diagnostics.h"

#include <algorithm>

#include "core/common/error.h"

namespace maas::config::detail {

void Diagnostics::add(const Location& where, std::string_view key_path, std::string_view message) {
  std::string text = where.label;
  text += ": ";
  if (!key_path.empty()) {
    text += key_path;
    text += ": ";
  }
  text += message;
  problems_.push_back(Problem{where, std::string(key_path), std::move(text)});
}

bool Diagnostics::has_error_at(std::string_view key_path) const {
  return std::any_of(problems_.begin(), problems_.end(),
                     [&](const Problem& problem) { return problem.key_path == key_path; });
}

void Diagnostics::drop_file_errors(std::string_view key_path, bool and_below) {
  const auto covered = [&](const Problem& problem) {
    if (problem.where.from_override) return false;
    const std::string& path = problem.key_path;
    if (path == key_path) return true;
    return and_below && path.size() > key_path.size() && path.starts_with(key_path) &&
           (path[key_path.size()] == '.' || path[key_path.size()] == '[');
  };
  std::erase_if(problems_, covered);
}

void Diagnostics::throw_error(std::string_view source_label) const {
  std::vector<Problem> sorted = problems_;
  const auto rank = [](const Problem& problem) {
    if (problem.where.from_override) return 2;
    return problem.where.line > 0 ? 0 : 1;
  };
  std::stable_sort(sorted.begin(), sorted.end(), [&](const Problem& a, const Problem& b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    if (rank(a) != 0) return false;  // keep the order they were found in
    if (a.where.line != b.where.line) return a.where.line < b.where.line;
    return a.where.column < b.where.column;
  });

  std::string message = "invalid config " + std::string(source_label) + " (" +
                        std::to_string(sorted.size()) +
                        (sorted.size() == 1 ? " error):" : " errors):");
  for (const Problem& problem : sorted) {
    message += '\n';
    message += problem.text;
  }
  throw ConfigError(message);
}

}  // namespace maas::config::detail
