// load_config() and parse_config(): file, then overrides, then whole-config checks.

#include <algorithm>
#include <array>
#include <cstdio>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

#include "core/common/error.h"
#include "core/config/config.h"
#include "core/config/finalize.h"
#include "core/config/overrides.h"
#include "core/config/section_readers.h"
#include "core/config/utf8_check.h"

namespace maas::config {
namespace {

// Config files are a few kilobytes. The cap stops a mistaken argument such as /dev/zero from
// being read without end.
constexpr std::size_t kMaxConfigBytes = 16 * 1024 * 1024;

using detail::Diagnostics;
using detail::Entry;
using detail::Location;

// Reports the first invalid UTF-8 byte of the file alone, like a syntax error: yaml-cpp would
// pass such bytes through into labels, column names and paths.
void check_utf8(std::string_view text, const std::string& label, Diagnostics& diagnostics) {
  const std::size_t offset = detail::find_invalid_utf8(text);
  if (offset == std::string_view::npos) return;
  const std::size_t newline = offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
  const std::size_t column = newline == std::string_view::npos ? offset + 1 : offset - newline;
  const auto line = static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n') + 1);
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02x", static_cast<unsigned char>(text[offset]));
  diagnostics.add(Location{label + ":" + std::to_string(line) + ":" + std::to_string(column), line,
                           static_cast<int>(column)},
                  "",
                  std::string("invalid UTF-8: byte ") + byte +
                      " does not start a valid sequence (comments included); save the file as "
                      "UTF-8");
  diagnostics.throw_error(label);
}

// Records where each key was given and where each layer was last changed, for messages from
// the stages after parsing.
void record_locations(ExperimentConfig& config, const detail::GivenKeys& given,
                      const std::string& file_label) {
  config.locations.file_label = file_label;
  for (const auto& [path, where] : given) config.locations.labels.emplace(path, where.label);
  for (LayerConfig& layer : config.model.layers) {
    if (layer.location.empty()) layer.location = file_label;
  }
}

// Reads the single YAML document of `text` into `config`. Returns false when the document is
// not a map, so that nothing of it could be read.
bool read_document(ExperimentConfig& config, std::string_view text, detail::Reader& reader,
                   Diagnostics& diagnostics) {
  const std::string& label = reader.origin().file_label;
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& error) {
    // Nothing after a syntax error can be trusted, so it is reported alone.
    const Location where = error.mark.is_null()
                               ? Location{label}
                               : Location{label + ":" + std::to_string(error.mark.line + 1) + ":" +
                                              std::to_string(error.mark.column + 1),
                                          error.mark.line + 1, error.mark.column + 1};
    diagnostics.add(where, "", "invalid YAML: " + error.msg + "; fix the syntax at this position");
    diagnostics.throw_error(label);
  }

  if (documents.empty()) return true;  // an empty file: the required keys are reported later
  if (documents.size() > 1) {
    reader.error(reader.locate(documents[1]), "",
                 "expected one YAML document, got " + std::to_string(documents.size()) +
                     "; remove the '---' separators after the first document");
  }
  const YAML::Node& root = documents.front();
  if (!root.IsNull() && !root.IsMap()) {
    reader.error(reader.locate(root), "",
                 "expected a map with keys data, tokenizer, model, training and output, got " +
                     detail::describe(root));
    return false;
  }
  detail::read_root(config, Entry{"", "", root, root}, reader);
  return true;
}

}  // namespace

ExperimentConfig parse_config(std::string_view yaml_text,
                              const std::filesystem::path& source_for_messages_and_relative_paths,
                              const std::vector<std::string>& overrides) {
  const std::filesystem::path& source = source_for_messages_and_relative_paths;
  const std::filesystem::path working_dir = std::filesystem::current_path();

  ExperimentConfig config;
  detail::FinalizeContext context{"<config>", working_dir, "experiment"};
  if (!source.empty()) {
    config.source = std::filesystem::absolute(source).lexically_normal();
    context.file_label = source.string();
    context.config_dir = config.source.parent_path();
    context.config_stem = source.stem().string();
  }

  Diagnostics diagnostics;
  check_utf8(yaml_text, context.file_label, diagnostics);
  detail::GivenKeys given_keys;
  detail::Reader file_reader(detail::Origin{context.file_label, false, "", context.config_dir},
                             diagnostics, given_keys);
  context.root_is_map = read_document(config, yaml_text, file_reader, diagnostics);
  for (const std::string& override_text : overrides) {
    detail::apply_override(config, override_text, working_dir, diagnostics, given_keys);
  }
  detail::finalize_config(config, context, given_keys, diagnostics);

  if (!diagnostics.empty()) diagnostics.throw_error(context.file_label);
  record_locations(config, given_keys, context.file_label);
  return config;
}

std::string KeyLocations::find(std::string_view key_path) const {
  std::string path(key_path);
  while (true) {
    const auto it = labels.find(path);
    if (it != labels.end()) return it->second;
    const std::size_t cut = path.find_last_of(".[");
    if (cut == std::string::npos) return file_label;
    path.resize(cut);
  }
}

ExperimentConfig load_config(const std::filesystem::path& file,
                             const std::vector<std::string>& overrides) {
  std::error_code status;
  if (std::filesystem::is_directory(file, status)) {
    throw IoError("cannot read config " + file.string() +
                  ": it is a folder; give the path of a YAML file");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw IoError("cannot open config " + file.string() + ": " +
                  std::generic_category().message(errno) + "; check the path");
  }

  std::string text;
  std::array<char, 65536> chunk;
  while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxConfigBytes) {
      throw IoError("config " + file.string() + " is larger than " +
                    std::to_string(kMaxConfigBytes / (1024 * 1024)) +
                    " MiB; give the path of a YAML experiment config");
    }
  }
  if (in.bad()) {
    throw IoError("cannot read config " + file.string() + ": " +
                  std::generic_category().message(errno));
  }
  return parse_config(text, file, overrides);
}

}  // namespace maas::config
