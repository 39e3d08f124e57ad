#include "core/serve/metrics.h"

#include <fmt/format.h>

namespace maas::serve {

namespace {

// Latency bounds in seconds, from 50 us (a small model on loopback) to 10 s (a request timeout).
const std::vector<double> kSecondsBounds = {5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2,
                                            2.5e-2, 5e-2, 0.1,  0.25, 0.5,  1.0,  2.5,    10.0};
const std::vector<double> kBatchBounds = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

// Escapes a label value as the exposition format requires: backslash, double quote and newline.
std::string escape(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// Builds `model="...",version="..."` into a reused per-thread buffer, so recording allocates only
// when a series is new.
std::string_view model_labels(std::string_view model, std::string_view version) {
  thread_local std::string key;
  key.clear();
  fmt::format_to(std::back_inserter(key), R"(model="{}",version="{}")", escape(model), escape(version));
  return key;
}

void render_histogram(std::string& out, const char* name, const char* help, const std::vector<double>& bounds,
                      const auto& family) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} histogram\n", name, help, name);
  for (const auto& [labels, histogram] : family) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < bounds.size(); ++i) {
      cumulative += histogram.counts[i];
      fmt::format_to(std::back_inserter(out), "{}_bucket{{{},le=\"{}\"}} {}\n", name, labels, bounds[i], cumulative);
    }
    fmt::format_to(std::back_inserter(out), "{}_bucket{{{},le=\"+Inf\"}} {}\n", name, labels, histogram.count);
    fmt::format_to(std::back_inserter(out), "{}_sum{{{}}} {}\n", name, labels, histogram.sum);
    fmt::format_to(std::back_inserter(out), "{}_count{{{}}} {}\n", name, labels, histogram.count);
  }
}

}  // namespace

void Metrics::observe(std::map<std::string, Histogram, std::less<>>& family, const std::vector<double>& bounds,
                      std::string_view key, double value) {
  auto found = family.find(key);
  if (found == family.end()) {
    found = family.emplace(std::string(key), Histogram{}).first;
    found->second.counts.assign(bounds.size(), 0);
  }
  Histogram& histogram = found->second;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (value <= bounds[i]) {
      ++histogram.counts[i];
      break;
    }
  }
  ++histogram.count;
  histogram.sum += value;
}

void Metrics::record_request(std::string_view model, std::string_view version, int status, double seconds) {
  thread_local std::string key;
  key.assign(model_labels(model, version));
  const std::size_t labels_end = key.size();
  fmt::format_to(std::back_inserter(key), R"(,code="{}")", status);
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = requests_.find(std::string_view(key));
  if (found == requests_.end()) {
    requests_.emplace(key, 1);
  } else {
    ++found->second;
  }
  observe(latency_, kSecondsBounds, std::string_view(key).substr(0, labels_end), seconds);
}

void Metrics::record_queue_time(std::string_view model, std::string_view version, double seconds) {
  const std::string_view key = model_labels(model, version);
  std::lock_guard<std::mutex> lock(mutex_);
  observe(queue_, kSecondsBounds, key, seconds);
}

void Metrics::record_batch(std::string_view model, std::string_view version, std::size_t rows) {
  const std::string_view key = model_labels(model, version);
  std::lock_guard<std::mutex> lock(mutex_);
  observe(batch_, kBatchBounds, key, static_cast<double>(rows));
}

void Metrics::record_load(std::string_view model, bool ok) {
  const std::string key = fmt::format(R"(model="{}",result="{}")", escape(model), ok ? "success" : "failure");
  std::lock_guard<std::mutex> lock(mutex_);
  ++loads_[key];
}

void Metrics::set_loaded_versions(const std::map<std::string, std::size_t>& counts) {
  std::lock_guard<std::mutex> lock(mutex_);
  loaded_ = counts;
}

std::string Metrics::render() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mutex_);
  out += "# HELP maas_requests_total HTTP requests by model, version and status code.\n";
  out += "# TYPE maas_requests_total counter\n";
  for (const auto& [labels, count] : requests_) {
    fmt::format_to(std::back_inserter(out), "maas_requests_total{{{}}} {}\n", labels, count);
  }
  render_histogram(out, "maas_request_duration_seconds", "Time from request headers read to response ready.",
                   kSecondsBounds, latency_);
  render_histogram(out, "maas_queue_duration_seconds", "Time a request waited for its batch to start.",
                   kSecondsBounds, queue_);
  render_histogram(out, "maas_batch_size", "Texts run together in one forward pass.", kBatchBounds, batch_);
  out += "# HELP maas_model_loads_total Model version load attempts by result.\n";
  out += "# TYPE maas_model_loads_total counter\n";
  for (const auto& [labels, count] : loads_) {
    fmt::format_to(std::back_inserter(out), "maas_model_loads_total{{{}}} {}\n", labels, count);
  }
  out += "# HELP maas_model_versions_loaded Versions of each model currently serving.\n";
  out += "# TYPE maas_model_versions_loaded gauge\n";
  for (const auto& [model, count] : loaded_) {
    fmt::format_to(std::back_inserter(out), "maas_model_versions_loaded{{model=\"{}\"}} {}\n", escape(model), count);
  }
  return out;
}

}  // namespace maas::serve
