#pragma once
// The rows one request sends to a model, in the form every protocol parses into: raw texts, or
// pre-tokenised id lists that the model pads and truncates as it does its own tokenizer's output.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace maas::serve {

struct InferenceInput {
  bool tokenized = false;                // true: rows are in ids/id_offsets; false: rows are texts
  std::vector<std::string> texts;
  std::vector<std::int32_t> ids;         // every id row, concatenated
  std::vector<std::size_t> id_offsets;   // row i is ids[id_offsets[i], id_offsets[i + 1]); rows + 1 entries

  std::size_t rows() const { return tokenized ? (id_offsets.empty() ? 0 : id_offsets.size() - 1) : texts.size(); }

  // Appends one id row.
  void add_id_row(const std::vector<std::int32_t>& row);
};

// Probabilities for every row of an InferenceInput: rows * classes values, row-major, in the
// order of the model's labels.
struct InferenceOutput {
  std::size_t classes = 0;
  std::vector<float> probabilities;

  const float* row(std::size_t i) const { return probabilities.data() + i * classes; }
};

// Throws InvalidArgument when an id is outside [0, vocab_size), naming the row, position and id,
// because such an id would index past the model's embedding table.
void check_id_range(const InferenceInput& input, int vocab_size, const std::string& json_path);

}  // namespace maas::serve
