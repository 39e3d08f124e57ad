#pragma once
// Checks and message pieces shared by the format parsers (internal to core/data).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/dataset.h"

namespace maas::data::detail {

// Joins names as "\"a\", \"b\"" so that leading and trailing spaces stay visible. Lists at most
// `max_names` names and then the count of the others.
std::string quote_names(const std::vector<std::string>& names, std::size_t max_names = 20);

// Describes one byte for a message: 'x' when printable ASCII, otherwise 0xNN.
std::string describe_byte(char byte);

// Throws IoError when `label` is empty, naming the source, the line and where the label was
// expected (for example "column \"label\"").
void require_non_empty_label(std::string_view label, std::string_view source, std::size_t line,
                             std::string_view label_location);

// Finishes example.label according to options.label_kind: checks that a single label is not empty
// (with require_label), splits a multi-label field into example.labels, or parses a number into
// example.value. Throws IoError naming the source, line, location and value at fault.
void read_label_field(Example& example, std::string_view source, std::string_view label_location,
                      const ReadOptions& options);

// Appends `label` to `labels` unless it is already there.
void add_label_once(std::vector<std::string>& labels, std::string_view label);

}  // namespace maas::data::detail
