#pragma once
// Fixed-length padding and truncation with the semantics of Keras' pad_sequences.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace maas::text {

// End of a sequence that receives the padding, or that loses ids when the sequence is too long.
enum class PadSide { kPre, kPost };

// Parses "pre" or "post" (case-sensitive, as in Keras). Throws InvalidArgument otherwise.
PadSide parse_pad_side(std::string_view text);
std::string_view to_string(PadSide side);

struct PadOptions {
  int max_length = 64;                   // ids per padded sequence; must be >= 1
  PadSide padding = PadSide::kPre;       // kPre puts the padding values before the ids
  PadSide truncating = PadSide::kPre;    // kPre drops ids from the start, keeping the last ones
  int32_t value = 0;                     // id written into padding positions
};

// Throws InvalidArgument unless max_length >= 1.
void validate_pad_options(const PadOptions& options);

// Returns exactly options.max_length ids: `ids` truncated and padded as `options` specify.
// An empty `ids` gives a sequence of only padding values.
std::vector<int32_t> pad_sequence(const std::vector<int32_t>& ids, const PadOptions& options);

// Writes the padded form of `ids` into dst[0, options.max_length).
void pad_sequence_into(const int32_t* ids, std::size_t count, const PadOptions& options,
                       int32_t* dst);

// {"max_length": 64, "padding": "pre", "truncating": "pre", "value": 0}
nlohmann::json pad_options_to_json(const PadOptions& options);

// Reads the object written by pad_options_to_json. Every field is required and unknown fields
// are rejected. Errors name the JSON path below `json_path`.
PadOptions pad_options_from_json(const nlohmann::json& j, std::string_view json_path);

}  // namespace maas::text
