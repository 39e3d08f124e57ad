#include "core/train/checkpoint.h"

#include <charconv>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/common/error.h"
#include "core/io/file_io.h"
#include "core/io/safetensors.h"
#include "core/io/sha256.h"

namespace maas::train {
namespace fs = std::filesystem;
namespace {

// Shortest text that reads back to the same double.
std::string format_double(double value) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

template <class T>
T parse_number(const std::map<std::string, std::string>& metadata, const std::string& key, const fs::path& file) {
  const auto found = metadata.find(key);
  T value{};
  if (found != metadata.end()) {
    const std::string& text = found->second;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc() && end == text.data() + text.size()) return value;
  }
  throw IoError(fmt::format("{}: invalid or missing checkpoint field \"{}\"; the checkpoint is damaged, "
                            "so start the run again without --resume",
                            file.string(), key));
}

const std::string& text_field(const std::map<std::string, std::string>& metadata, const std::string& key,
                              const fs::path& file) {
  const auto found = metadata.find(key);
  if (found == metadata.end()) {
    throw IoError(fmt::format("{}: missing checkpoint field \"{}\"; the checkpoint is damaged, so start the run "
                              "again without --resume",
                              file.string(), key));
  }
  return found->second;
}

Tensor int32_tensor(const std::vector<std::int32_t>& values) {
  Tensor tensor({static_cast<std::int64_t>(values.size())}, DType::kInt32);
  std::copy(values.begin(), values.end(), tensor.data<std::int32_t>());
  return tensor;
}

// Moves `name` out of `tensors` into `target` after checking dtype and shape.
void take_tensor(std::map<std::string, Tensor>& tensors, const std::string& name, Tensor& target,
                 const fs::path& file) {
  const auto found = tensors.find(name);
  if (found == tensors.end()) {
    throw InvalidArgument(fmt::format("{}: tensor \"{}\" is missing; the checkpoint belongs to another model, so "
                                      "start the run again without --resume",
                                      file.string(), name));
  }
  if (found->second.shape() != target.shape() || found->second.dtype() != target.dtype()) {
    throw InvalidArgument(fmt::format("{}: tensor \"{}\" has {} shape {} but the model needs {} shape {}; the "
                                      "checkpoint belongs to another model, so start the run again without --resume",
                                      file.string(), name, dtype_name(found->second.dtype()),
                                      found->second.shape_string(), dtype_name(target.dtype()), target.shape_string()));
  }
  target = std::move(found->second);
}

std::vector<std::int32_t> int32_values(std::map<std::string, Tensor>& tensors, const std::string& name,
                                       const fs::path& file) {
  const auto found = tensors.find(name);
  if (found == tensors.end() || found->second.dtype() != DType::kInt32 || found->second.rank() != 1) {
    throw IoError(fmt::format("{}: tensor \"{}\" is missing or not an int32 vector; the checkpoint is damaged, so "
                              "start the run again without --resume",
                              file.string(), name));
  }
  const std::int32_t* data = found->second.data<std::int32_t>();
  return {data, data + found->second.numel()};
}

// The metadata key of the SHA-256 of the tensor data: every byte after the safetensors header.
// encode_checkpoint writes a placeholder of the digest's width first, so that filling it in
// changes no offset in the header.
constexpr std::string_view kDataDigestKey = "data_sha256";
const std::string kDigestPlaceholder(64, '0');

// The length of the JSON header, from the first 8 bytes (little-endian, as x86-64 stores it).
std::uint64_t header_size(const std::string& bytes) {
  std::uint64_t size = 0;
  std::memcpy(&size, bytes.data(), sizeof size);
  return size;
}

std::string_view data_region(const std::string& bytes) {
  return std::string_view(bytes).substr(sizeof(std::uint64_t) + header_size(bytes));
}

void seal(std::string& bytes) {
  const std::string field = fmt::format("\"{}\":\"{}\"", kDataDigestKey, kDigestPlaceholder);
  const std::size_t at = bytes.find(field);
  if (at == std::string::npos) throw std::logic_error("checkpoint: the data digest placeholder is missing");
  const std::string digest = io::sha256_hex(data_region(bytes));
  bytes.replace(at + field.size() - 1 - digest.size(), digest.size(), digest);
}

}  // namespace

fs::path checkpoint_path(const fs::path& run_dir) { return run_dir / kCheckpointFolder / kCheckpointFile; }

std::string encode_checkpoint(const CheckpointState& state, const std::vector<nn::Parameter>& params,
                              const nn::Optimizer& optimizer, const std::vector<Tensor>* best) {
  std::vector<std::string> names;
  std::vector<const Tensor*> tensors;
  for (const nn::Parameter& param : params) {
    names.push_back("param/" + param.name);
    tensors.push_back(&param.value);
  }
  for (const nn::OptimizerState& slot : optimizer.state()) {
    names.push_back("optimizer/" + slot.name);
    tensors.push_back(&slot.value);
  }
  if (best != nullptr) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      names.push_back("best/" + params[i].name);
      tensors.push_back(&(*best)[i]);
    }
  }
  const Tensor rows = int32_tensor(state.plan.rows);
  std::vector<std::int32_t> starts(state.plan.starts.begin(), state.plan.starts.end());
  const Tensor starts_tensor = int32_tensor(starts);
  names.push_back("plan/rows");
  tensors.push_back(&rows);
  names.push_back("plan/starts");
  tensors.push_back(&starts_tensor);

  std::vector<io::NamedTensor> named;
  for (std::size_t i = 0; i < names.size(); ++i) named.push_back({names[i], tensors[i]});

  std::map<std::string, std::string> metadata{
      {"format", "maas.checkpoint"},
      {"format_version", std::to_string(kCheckpointFormatVersion)},
      {"epoch", std::to_string(state.epoch)},
      {"batches_done", std::to_string(state.batches_done)},
      {"epoch_finished", state.epoch_finished ? "1" : "0"},
      {"stopped_early", state.stopped_early ? "1" : "0"},
      {"shuffle_rng", state.shuffle_rng},
      {"dropout_rng", state.dropout_rng},
      {"loss_sum", format_double(state.loss_sum)},
      {"correct", std::to_string(state.correct)},
      {"seen", std::to_string(state.seen)},
      {"history_jsonl", state.history_jsonl},
      {"best_epoch", std::to_string(state.best_epoch)},
      {"epochs_without_improvement", std::to_string(state.epochs_without_improvement)},
      {"has_best", best != nullptr ? "1" : "0"},
      {"train_sha256", state.train_sha256},
      {std::string(kDataDigestKey), kDigestPlaceholder},
  };
  if (state.best_value) metadata["best_value"] = format_double(*state.best_value);
  std::string bytes = io::encode_safetensors(named, metadata);
  seal(bytes);
  return bytes;
}

CheckpointWriter::~CheckpointWriter() {
  try {
    wait();
  } catch (const std::exception& e) {
    spdlog::error("checkpoint write failed: {}", e.what());
  }
}

void CheckpointWriter::save(const fs::path& run_dir, const CheckpointState& state,
                            const std::vector<nn::Parameter>& params, const nn::Optimizer& optimizer,
                            const std::vector<Tensor>* best) {
  wait();
  std::string bytes = encode_checkpoint(state, params, optimizer, best);
  thread_ = std::thread([this, file = checkpoint_path(run_dir), bytes = std::move(bytes)] {
    try {
      fs::create_directories(file.parent_path());
      io::write_file_atomic(file, bytes);
    } catch (...) {
      error_ = std::current_exception();
    }
  });
}

void CheckpointWriter::wait() {
  if (thread_.joinable()) thread_.join();
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

CheckpointState load_checkpoint(const fs::path& run_dir, std::vector<nn::Parameter>& params, nn::Optimizer& optimizer,
                                std::vector<Tensor>* best) {
  const fs::path file = checkpoint_path(run_dir);
  if (!fs::exists(file)) {
    throw IoError(fmt::format("{}: no checkpoint to resume from; a run writes one on Ctrl-C, after --set "
                              "training.checkpoint_every_steps=N steps, or at an epoch end once "
                              "training.checkpoint_min_interval_seconds passed, so start the run again without "
                              "--resume",
                              file.string()));
  }
  const std::string bytes = io::read_file(file);
  std::map<std::string, Tensor> tensors = io::decode_safetensors(bytes, file.string());

  // The metadata is not returned by decode_safetensors, so read it from the JSON header.
  const auto header = nlohmann::json::parse(bytes.substr(sizeof(std::uint64_t), header_size(bytes)));
  std::map<std::string, std::string> metadata;
  if (header.contains("__metadata__")) metadata = header["__metadata__"].get<std::map<std::string, std::string>>();
  if (text_field(metadata, "format", file) != "maas.checkpoint" ||
      parse_number<int>(metadata, "format_version", file) != kCheckpointFormatVersion) {
    throw IoError(fmt::format("{}: not a maas checkpoint of format version {}; start the run again without --resume",
                              file.string(), kCheckpointFormatVersion));
  }
  // Checkpoints written before the digest existed have none, and are read unchecked.
  if (metadata.contains(std::string(kDataDigestKey))) {
    const std::string expected = metadata.at(std::string(kDataDigestKey));
    const std::string actual = io::sha256_hex(data_region(bytes));
    if (actual != expected) {
      throw IoError(fmt::format("{}: the tensor data has SHA-256 {} but the checkpoint recorded {}; the file is "
                                "damaged, so start the run again without --resume",
                                file.string(), actual, expected));
    }
  }

  for (nn::Parameter& param : params) take_tensor(tensors, "param/" + param.name, param.value, file);
  optimizer.build(params);
  for (nn::OptimizerState& slot : optimizer.state()) take_tensor(tensors, "optimizer/" + slot.name, slot.value, file);
  if (best != nullptr && text_field(metadata, "has_best", file) == "1") {
    best->resize(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      (*best)[i] = Tensor(params[i].value.shape());
      take_tensor(tensors, "best/" + params[i].name, (*best)[i], file);
    }
  } else if (best != nullptr) {
    best->clear();
  }

  CheckpointState state;
  state.plan.rows = int32_values(tensors, "plan/rows", file);
  const std::vector<std::int32_t> starts = int32_values(tensors, "plan/starts", file);
  state.plan.starts.assign(starts.begin(), starts.end());
  state.epoch = parse_number<int>(metadata, "epoch", file);
  state.batches_done = parse_number<std::int64_t>(metadata, "batches_done", file);
  state.epoch_finished = text_field(metadata, "epoch_finished", file) == "1";
  state.stopped_early = text_field(metadata, "stopped_early", file) == "1";
  state.shuffle_rng = text_field(metadata, "shuffle_rng", file);
  state.dropout_rng = text_field(metadata, "dropout_rng", file);
  state.loss_sum = parse_number<double>(metadata, "loss_sum", file);
  state.correct = parse_number<std::int64_t>(metadata, "correct", file);
  state.seen = parse_number<std::int64_t>(metadata, "seen", file);
  state.history_jsonl = text_field(metadata, "history_jsonl", file);
  state.best_epoch = parse_number<int>(metadata, "best_epoch", file);
  state.epochs_without_improvement = parse_number<int>(metadata, "epochs_without_improvement", file);
  if (metadata.contains("best_value")) state.best_value = parse_number<double>(metadata, "best_value", file);
  state.train_sha256 = text_field(metadata, "train_sha256", file);
  if (state.batches_done < 0 || state.batches_done > state.plan.batches()) {
    throw IoError(fmt::format("{}: batch position {} is outside the plan of {} batches; the checkpoint is damaged, "
                              "so start the run again without --resume",
                              file.string(), state.batches_done, state.plan.batches()));
  }
  return state;
}

}  // namespace maas::train
