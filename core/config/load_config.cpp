// load_config() and parse_config(): file, then overrides, then whole-config checks.

#include <array>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

#include "core/common/error.h"
#include "core/config/config.h"
#include "core/config/finalize.h"
#include "core/config/overrides.h"
#include "core/config/section_readers.h"

namespace maas::config {
namespace {

// Config files are a few kilobytes. The cap stops a mistaken argument such as /dev/zero from
// being read without end.
constexpr std::size_t kMaxConfigBytes = 16 * 1024 * 1024;

using detail::Diagnostics;
using detail::Entry;
using detail::Location;

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
  detail::GivenKeys given_keys;
  detail::Reader file_reader(detail::Origin{context.file_label, false, "", context.config_dir},
                             diagnostics, given_keys);
  context.root_is_map = read_document(config, yaml_text, file_reader, diagnostics);
  for (const std::string& override_text : overrides) {
    detail::apply_override(config, override_text, working_dir, diagnostics, given_keys);
  }
  detail::finalize_config(config, context, given_keys, diagnostics);

  if (!diagnostics.empty()) diagnostics.throw_error(context.file_label);
  return config;
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
