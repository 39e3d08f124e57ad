#include "core/serve/inference_input.h"

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::serve {

void InferenceInput::add_id_row(const std::vector<std::int32_t>& row) {
  tokenized = true;
  if (id_offsets.empty()) id_offsets.push_back(0);
  ids.insert(ids.end(), row.begin(), row.end());
  id_offsets.push_back(ids.size());
}

void check_id_range(const InferenceInput& input, int vocab_size, const std::string& json_path) {
  if (!input.tokenized) return;
  for (std::size_t row = 0; row < input.rows(); ++row) {
    for (std::size_t i = input.id_offsets[row]; i < input.id_offsets[row + 1]; ++i) {
      const std::int32_t id = input.ids[i];
      if (id < 0 || id >= vocab_size) {
        throw InvalidArgument(fmt::format("{} row {} position {}: token id {} is outside the model's vocabulary; "
                                          "expected an id from 0 to {}",
                                          json_path, row, i - input.id_offsets[row], id, vocab_size - 1));
      }
    }
  }
}

}  // namespace maas::serve
