// JSONL parser: one JSON object per line. A SAX handler looks only at the top-level keys, so
// nested values are validated but never built, and numeric labels keep the text of the file.

#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/data/lines.h"
#include "core/data/reader_support.h"
#include "core/data/readers.h"

namespace maas::data::detail {
namespace {

using Json = nlohmann::json;

enum class JsonKind { kNull, kBoolean, kNumber, kString, kObject, kArray };

std::string_view kind_name(JsonKind kind) {
  switch (kind) {
    case JsonKind::kNull: return "null";
    case JsonKind::kBoolean: return "a boolean";
    case JsonKind::kNumber: return "a number";
    case JsonKind::kString: return "a string";
    case JsonKind::kObject: return "an object";
    case JsonKind::kArray: return "an array";
  }
  return "an unknown JSON value";
}

struct JsonField {
  JsonKind kind = JsonKind::kNull;
  // The string value, or a number's text as written. Empty for other kinds.
  std::string text;
};

// Collects the text and label values of one top-level JSON object (nlohmann SAX interface).
class TopLevelFieldCollector {
 public:
  explicit TopLevelFieldCollector(const ReadOptions& options) : options_(options) {}

  bool null() { return add_value(JsonKind::kNull, {}); }
  bool boolean(bool) { return add_value(JsonKind::kBoolean, {}); }
  bool number_integer(Json::number_integer_t value) {
    return add_value(JsonKind::kNumber, std::to_string(value));
  }
  bool number_unsigned(Json::number_unsigned_t value) {
    return add_value(JsonKind::kNumber, std::to_string(value));
  }
  // nlohmann passes the number's token as written in the input.
  bool number_float(Json::number_float_t, const Json::string_t& written) {
    return add_value(JsonKind::kNumber, written);
  }
  bool string(Json::string_t& value) { return add_value(JsonKind::kString, value); }
  // Binary values come only from binary formats such as CBOR, never from JSON text.
  bool binary(Json::binary_t&) { return add_value(JsonKind::kArray, {}); }

  bool start_object(std::size_t) { return start_container(JsonKind::kObject); }
  bool end_object() { return end_container(); }
  bool start_array(std::size_t) { return start_container(JsonKind::kArray); }
  bool end_array() { return end_container(); }

  bool key(Json::string_t& name) {
    if (depth_ == 1) {
      keys_.push_back(name);
    }
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& error) {
    error_message_ = error.what();
    return false;
  }

  std::optional<JsonKind> root_kind() const { return root_kind_; }
  const std::optional<JsonField>& text() const { return text_; }
  const std::optional<JsonField>& label() const { return label_; }
  const std::vector<std::string>& keys() const { return keys_; }
  const std::string& error_message() const { return error_message_; }
  // The elements of an array label, in order. Only meaningful when label() is an array.
  const std::vector<JsonField>& label_items() const { return label_items_; }
  // A key of interest that appears more than once in the object, or empty.
  const std::string& duplicate_key() const { return duplicate_key_; }

 private:
  bool add_value(JsonKind kind, std::string text) {
    if (depth_ == 0) {
      root_kind_ = kind;
    } else if (depth_ == 1 && root_kind_ == JsonKind::kObject) {
      // Values directly inside a root array have no key and are not looked at.
      store_top_level(JsonField{kind, std::move(text)});
    } else if (depth_ == 2 && in_label_array_) {
      label_items_.push_back(JsonField{kind, std::move(text)});
    }
    return true;
  }

  bool start_container(JsonKind kind) {
    add_value(kind, {});
    if (depth_ == 1 && kind == JsonKind::kArray && root_kind_ == JsonKind::kObject &&
        keys_.back() == options_.label_column) {
      in_label_array_ = true;
      label_items_.clear();
    }
    ++depth_;
    return true;
  }

  bool end_container() {
    --depth_;
    if (depth_ == 1) in_label_array_ = false;
    return true;
  }

  void store_top_level(JsonField field) {
    const std::string& key = keys_.back();
    if (key == options_.text_column) {
      store_once(text_, std::move(field), key);
    } else if (key == options_.label_column) {
      store_once(label_, std::move(field), key);
    }
  }

  void store_once(std::optional<JsonField>& slot, JsonField field, const std::string& key) {
    if (slot) {
      duplicate_key_ = key;
    }
    slot = std::move(field);
  }

  const ReadOptions& options_;
  int depth_ = 0;
  std::optional<JsonKind> root_kind_;
  std::vector<std::string> keys_;
  std::optional<JsonField> text_;
  std::optional<JsonField> label_;
  bool in_label_array_ = false;
  std::vector<JsonField> label_items_;
  std::string duplicate_key_;
  std::string error_message_;
};

// Drops nlohmann's "[json.exception.parse_error.101] " prefix, which means nothing to a user.
std::string_view without_exception_id(std::string_view message) {
  const std::size_t end = message.find("] ");
  if (message.rfind("[json.exception.", 0) == 0 && end != std::string_view::npos) {
    message.remove_prefix(end + 2);
  }
  return message;
}

Example read_object(std::string_view line, std::size_t number, std::string_view source,
                    const ReadOptions& options) {
  TopLevelFieldCollector collector(options);
  const bool parsed = Json::sax_parse(line.begin(), line.end(), &collector);
  if (!parsed) {
    throw IoError(fmt::format(
        "{}:{}: invalid JSON: {}. Each line must contain exactly one JSON object.", source, number,
        without_exception_id(collector.error_message())));
  }
  if (collector.root_kind() != JsonKind::kObject) {
    throw IoError(fmt::format(
        "{}:{}: expected a JSON object such as {{\"{}\": \"...\", \"{}\": \"...\"}}, got {}.",
        source, number, options.text_column, options.label_column,
        kind_name(collector.root_kind().value_or(JsonKind::kNull))));
  }
  if (!collector.duplicate_key().empty()) {
    throw IoError(fmt::format(
        "{}:{}: key \"{}\" appears more than once in the object. Keep one of the values.", source,
        number, collector.duplicate_key()));
  }

  const std::optional<JsonField>& text = collector.text();
  if (!text) {
    throw IoError(fmt::format(
        "{}:{}: missing text key \"{}\". The object contains the keys {}. Set the text column to "
        "one of them, or add the key.",
        source, number, options.text_column, quote_names(collector.keys())));
  }
  if (text->kind != JsonKind::kString) {
    throw IoError(fmt::format("{}:{}: key \"{}\" must be a JSON string, got {}.", source, number,
                              options.text_column, kind_name(text->kind)));
  }

  Example example;
  example.line = number;
  example.text = text->text;

  const std::optional<JsonField>& label = collector.label();
  const bool has_label = label && label->kind != JsonKind::kNull;
  if (has_label && label->kind == JsonKind::kArray && options.label_kind == LabelKind::kMulti) {
    for (std::size_t i = 0; i < collector.label_items().size(); ++i) {
      const JsonField& item = collector.label_items()[i];
      if (item.kind != JsonKind::kString || item.text.empty()) {
        throw IoError(fmt::format(
            "{}:{}: key \"{}\" item {} must be a non-empty JSON string, got {}. Write each label as a string, "
            "as in [\"sports\", \"politics\"].",
            source, number, options.label_column, i, item.kind == JsonKind::kString ? "an empty string" : kind_name(item.kind)));
      }
      add_label_once(example.labels, item.text);
    }
    return example;
  }
  if (has_label) {
    if (label->kind != JsonKind::kString && label->kind != JsonKind::kNumber) {
      throw IoError(fmt::format(
          "{}:{}: key \"{}\" must be a JSON string or number{}, got {}. Write the label as a string.",
          source, number, options.label_column,
          options.label_kind == LabelKind::kMulti ? ", or an array of strings" : "", kind_name(label->kind)));
    }
    example.label = label->text;
  } else if (options.require_label && !(label && options.label_kind == LabelKind::kMulti)) {
    // A null multi-label value means no labels, but a missing key more likely a wrong column.
    throw IoError(fmt::format(
        "{}:{}: missing label key \"{}\" (or its value is null). The object contains the keys {}. "
        "Set the label column to one of them, or use `maas predict` for texts without labels.",
        source, number, options.label_column, quote_names(collector.keys())));
  }
  read_label_field(example, source, fmt::format("key \"{}\"", options.label_column), options);
  return example;
}

}  // namespace

Dataset parse_jsonl(std::string_view content, std::string_view source,
                    const ReadOptions& options) {
  return read_line_records(content, [&](std::string_view line, std::size_t number) {
    return read_object(line, number, source, options);
  });
}

}  // namespace maas::data::detail
