// The web playground at GET /: static checks on the page, then headless Chromium against a real
// `maas serve` on a loopback port. Chromium loads the page with ?model=...&text=...&run=1, so the
// page fills in the text and clicks Predict itself; `--dump-dom` then prints the DOM after the
// fetches have finished, and the tests read the bars and the metrics panel from it.
//
// The browser tests skip when Chromium is missing (Debian package `chromium`; MAAS_CHROMIUM
// overrides the binary). Set MAAS_PLAYGROUND_SCREENSHOT=FILE.png to also save a screenshot of the
// page after a prediction.

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/serve/playground.h"
#include "tests/e2e/process.h"

namespace maas::testing {
namespace {

namespace fs = std::filesystem;

constexpr auto kBrowserTimeout = std::chrono::seconds(60);
// Virtual time the page gets after loading: the page polls /metrics every 2 s, so 5 s gives it
// three samples and a rate. Chromium pauses virtual time while a fetch is in flight.
constexpr int kVirtualTimeBudgetMs = 5000;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// Returns the Chromium binary: $MAAS_CHROMIUM, else `chromium` or `chromium-browser` on PATH.
std::optional<std::string> find_chromium() {
  if (const char* configured = std::getenv("MAAS_CHROMIUM"); configured != nullptr && *configured != '\0') {
    return std::string(configured);
  }
  const char* path = std::getenv("PATH");
  std::stringstream folders(path != nullptr ? path : "/usr/bin:/bin");
  std::string folder;
  while (std::getline(folders, folder, ':')) {
    for (const char* name : {"chromium", "chromium-browser"}) {
      const fs::path candidate = fs::path(folder) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
  }
  return std::nullopt;
}

struct BrowserResult {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  std::string out;
  std::string err;
};

// Runs headless Chromium on `url` with `extra` flags, in its own process group so that a timeout
// kills the renderer and helper processes too.
BrowserResult run_chromium(const std::string& chromium, const std::string& url, const std::vector<std::string>& extra,
                           const fs::path& workspace) {
  const fs::path out_path = workspace / "chromium.out";
  const fs::path err_path = workspace / "chromium.err";
  std::vector<std::string> args = {
      chromium,
      "--headless",
      // The sandbox needs user namespaces, which containers and root often lack; the page is our
      // own, served from loopback.
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--no-default-browser-check",
      "--disable-extensions",
      "--disable-sync",
      "--disable-default-apps",
      "--disable-component-update",
      "--disable-background-networking",
      // Every host name fails to resolve, so Chromium cannot reach anything but the loopback server.
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
      "--user-data-dir=" + (workspace / "chromium-profile").string(),
      "--virtual-time-budget=" + std::to_string(kVirtualTimeBudgetMs),
  };
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(url);

  // Everything the child needs is prepared before fork, because a test may run other threads
  // and the child may only make async-signal-safe calls until exec.
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const pid_t pid = (out_fd >= 0 && err_fd >= 0) ? ::fork() : -1;
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  if (out_fd >= 0) ::close(out_fd);
  if (err_fd >= 0) ::close(err_fd);
  BrowserResult result;
  if (pid < 0) return result;
  ::setpgid(pid, pid);
  int status = 0;
  bool exited = false;
  const auto deadline = std::chrono::steady_clock::now() + kBrowserTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Also ends helper processes left behind by an exited browser.
  ::kill(-pid, SIGKILL);
  if (!exited) {
    ::waitpid(pid, &status, 0);
  } else if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  }
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  if (!exited) result.err += "\n[test harness: Chromium killed after the timeout]";
  return result;
}

// Decodes the entities that HTML serialisation writes in text and attribute values.
std::string html_unescape(std::string text) {
  static const std::vector<std::pair<std::string, std::string>> kEntities = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", "\xC2\xA0"}, {"&amp;", "&"}};
  for (const auto& [entity, character] : kEntities) {
    for (std::size_t at = text.find(entity); at != std::string::npos; at = text.find(entity, at + character.size())) {
      text.replace(at, entity.size(), character);
    }
  }
  return text;
}

struct Bar {
  std::string label;
  double probability = 0.0;
  bool top = false;
};

// Reads the bars the page drew, in page order (highest probability first).
std::vector<Bar> bars_in(const std::string& dom) {
  static const std::regex kBar(R"re(<li class="bar( top)?" data-label="([^"]*)" data-probability="([^"]*)">)re");
  std::vector<Bar> bars;
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), kBar); it != std::sregex_iterator(); ++it) {
    bars.push_back({html_unescape((*it)[2].str()), std::strtod((*it)[3].str().c_str(), nullptr), (*it)[1].matched});
  }
  return bars;
}

// Returns the text of the element with id `id`, or nullopt when the DOM has no such element.
std::optional<std::string> text_of(const std::string& dom, const std::string& id) {
  const std::regex pattern("id=\"" + id + "\"[^>]*>([^<]*)<");
  std::smatch match;
  if (!std::regex_search(dom, match, pattern)) return std::nullopt;
  return html_unescape(match[1].str());
}

// Returns the data-state attribute of the element with id `id`.
std::string state_of(const std::string& dom, const std::string& tag, const std::string& id) {
  const std::regex pattern("<" + tag + "[^>]*id=\"" + id + "\"[^>]*data-state=\"([a-z]+)\"");
  std::smatch match;
  return std::regex_search(dom, match, pattern) ? match[1].str() : "";
}

std::string query_escape(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string page_url(int port, const std::string& model, const std::string& text) {
  return "http://127.0.0.1:" + std::to_string(port) + "/?model=" + query_escape(model) + "&text=" + query_escape(text) +
         "&run=1";
}

// ---- The page itself, without a browser ----

TEST(PlaygroundPage, ReferencesNoExternalResource) {
  const std::string page(serve::playground_html());
  // Each row is a way an HTML page can load something from another origin.
  const std::vector<std::string> forbidden = {"http://", "https://", "src=", "<link", "@import", "url(", "<iframe",
                                              "//cdn", "integrity=", "WebSocket", "XMLHttpRequest"};
  for (const std::string& needle : forbidden) {
    EXPECT_EQ(page.find(needle), std::string::npos) << "the playground contains '" << needle << "'";
  }
}

TEST(PlaygroundPage, IsOneCompleteDocument) {
  const std::string_view page = serve::playground_html();
  EXPECT_EQ(page.substr(0, 15), "<!doctype html>");
  EXPECT_NE(page.find("<meta charset=\"utf-8\">"), std::string_view::npos);
  EXPECT_EQ(page.substr(page.size() - 8), "</html>\n");
  for (const char* tag : {"<style>", "</style>", "<script>", "</script>", "<main>", "</main>"}) {
    const std::size_t first = page.find(tag);
    EXPECT_NE(first, std::string_view::npos) << tag;
    EXPECT_EQ(page.find(tag, first + 1), std::string_view::npos) << tag << " appears twice";
  }
}

TEST(PlaygroundPage, WritesServerTextOnlyAsText) {
  // Labels and model names come from the server, so the script must never parse them as markup.
  const std::string_view page = serve::playground_html();
  for (const char* sink : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("}) {
    EXPECT_EQ(page.find(sink), std::string_view::npos) << "the playground uses " << sink;
  }
}

TEST(PlaygroundPage, UsesTheServingRoutes) {
  const std::string_view page = serve::playground_html();
  for (const char* route : {"\"/v1/models\"", "\":predict\"", "\"/metrics\"", "_count", "_sum", "_bucket"}) {
    EXPECT_NE(page.find(route), std::string_view::npos) << route;
  }
}

// ---- The page in a browser against `maas serve` ----

// Two models: `intents` from data/game_intents, and `markup` whose labels contain HTML
// metacharacters, to check that the page shows them as text.
class PlaygroundBrowserTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    chromium_ = find_chromium();
    if (!chromium_) return;
    workspace_ = std::make_unique<TempDir>();
    const fs::path root = workspace_->path();
    repository_ = (root / "models").string();

    const std::string intents_run = (root / "intents").string();
    const RunResult intents = run_maas({"train", MAAS_SOURCE_DIR "/configs/text.yaml", "--no-progress", "--set",
                                        "training.epochs=5", "--set", "output=" + intents_run});
    ASSERT_EQ(intents.exit_code, 0) << intents.err;
    ASSERT_EQ(run_maas({"export", intents_run + "/model", "--output", repository_, "--name", "intents"}).exit_code, 0);

    write_file(root / "markup.csv",
               "text,label\n"
               "red apple,<b>fruit</b>\n"
               "green pear,<b>fruit</b>\n"
               "ripe banana,<b>fruit</b>\n"
               "fast car,\"a&b \"\"car\"\"\"\n"
               "red car,\"a&b \"\"car\"\"\"\n"
               "blue truck,\"a&b \"\"car\"\"\"\n");
    write_file(root / "markup.yaml",
               "data: {train: markup.csv, test: markup.csv, text_column: text, label_column: label}\n"
               "tokenizer: {num_words: 100, max_length: 8}\n"
               "model:\n"
               "  layers:\n"
               "    - embedding: {dim: 4}\n"
               "    - global_average_pooling1d: {}\n"
               "    - dense: {activation: auto}\n"
               "training: {epochs: 2, batch_size: 2, seed: 1, validation_split: 0}\n"
               "output: markup-run\n");
    const RunResult markup = run_maas({"train", (root / "markup.yaml").string(), "--no-progress"});
    ASSERT_EQ(markup.exit_code, 0) << markup.err;
    ASSERT_EQ(run_maas({"export", (root / "markup-run/model").string(), "--output", repository_, "--name", "markup"})
                  .exit_code,
              0);

    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"serve", "--model-dir", repository_, "--port", "0", "--access-log", "none"});
  }

  static void TearDownTestSuite() {
    server_.reset();
    workspace_.reset();
  }

  void SetUp() override {
    if (!chromium_) GTEST_SKIP() << "Chromium not found; install the Debian package 'chromium' or set MAAS_CHROMIUM";
    ASSERT_TRUE(server_) << "the server did not start; see the errors of SetUpTestSuite";
  }

  static httplib::Client client() {
    httplib::Client http("127.0.0.1", server_->port());
    http.set_connection_timeout(5);
    http.set_read_timeout(10);
    return http;
  }

  // Returns the labels GET /v1/models lists for `model`.
  static std::vector<std::string> labels_of(const std::string& model) {
    const auto response = client().Get("/v1/models");
    if (!response || response->status != 200) {
      ADD_FAILURE() << "GET /v1/models failed: " << (response ? response->body : httplib::to_string(response.error()));
      return {};
    }
    const nlohmann::json listing = nlohmann::json::parse(response->body);
    for (const auto& entry : listing.at("models")) {
      if (entry.at("name") == model) return entry.at("labels").get<std::vector<std::string>>();
    }
    return {};
  }

  // Returns label -> probability from POST :predict for one text.
  static std::map<std::string, double> server_prediction(const std::string& model, const std::string& text) {
    const auto response = client().Post("/v1/models/" + model + ":predict",
                                        nlohmann::json{{"instances", {text}}}.dump(), "application/json");
    std::map<std::string, double> probabilities;
    if (!response || response->status != 200) return probabilities;
    const auto row = nlohmann::json::parse(response->body).at("predictions").at(0);
    const std::vector<std::string> labels = labels_of(model);
    for (std::size_t i = 0; i < labels.size() && i < row.size(); ++i) probabilities[labels[i]] = row[i].get<double>();
    return probabilities;
  }

  static BrowserResult dump_dom(const std::string& url) {
    return run_chromium(*chromium_, url, {"--dump-dom"}, workspace_->path());
  }

  static std::optional<std::string> chromium_;
  static std::unique_ptr<TempDir> workspace_;
  static std::unique_ptr<ServerProcess> server_;
  static std::string repository_;
};

std::optional<std::string> PlaygroundBrowserTest::chromium_;
std::unique_ptr<TempDir> PlaygroundBrowserTest::workspace_;
std::unique_ptr<ServerProcess> PlaygroundBrowserTest::server_;
std::string PlaygroundBrowserTest::repository_;

TEST_F(PlaygroundBrowserTest, ServerReturnsPageAtRoot) {
  const auto response = client().Get("/");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(response->body, std::string(serve::playground_html()));
}

TEST_F(PlaygroundBrowserTest, PredictDrawsBarForEveryLabel) {
  const std::string text = "wts frostvein ore 20g each";
  const BrowserResult browser = dump_dom(page_url(server_->port(), "intents", text));
  ASSERT_EQ(browser.exit_code, 0) << browser.err;
  const std::string& dom = browser.out;
  ASSERT_NE(dom.find("data-state=\"predicted\""), std::string::npos) << "the page did not finish a prediction:\n"
                                                                     << text_of(dom, "error").value_or("") << "\n"
                                                                     << dom.substr(0, 2000);

  const std::vector<std::string> labels = labels_of("intents");
  ASSERT_EQ(labels.size(), 6u);
  const std::map<std::string, double> expected = server_prediction("intents", text);
  ASSERT_EQ(expected.size(), labels.size());

  const std::vector<Bar> bars = bars_in(dom);
  ASSERT_EQ(bars.size(), labels.size());
  double sum = 0.0;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    SCOPED_TRACE(bars[i].label);
    ASSERT_TRUE(expected.count(bars[i].label)) << "a bar for a label the model does not have";
    EXPECT_NEAR(bars[i].probability, expected.at(bars[i].label), 1e-6);
    EXPECT_EQ(bars[i].top, i == 0);
    if (i > 0) {
      EXPECT_GE(bars[i - 1].probability, bars[i].probability) << "bars are not sorted, highest first";
    }
    sum += bars[i].probability;
  }
  EXPECT_NEAR(sum, 1.0, 1e-5);
  // The page shows the request it sent, which must carry the text from the text box.
  const std::string sent = text_of(dom, "raw").value_or("");
  EXPECT_NE(sent.find("POST /v1/models/intents:predict\n{\"instances\":[\"" + text + "\"]}"), std::string::npos) << sent;
}

TEST_F(PlaygroundBrowserTest, MetricsPanelShowsLiveRate) {
  const BrowserResult browser = dump_dom(page_url(server_->port(), "intents", "hello everyone"));
  ASSERT_EQ(browser.exit_code, 0) << browser.err;
  const std::string& dom = browser.out;
  EXPECT_EQ(state_of(dom, "section", "metrics-panel"), "live") << text_of(dom, "metrics-message").value_or("");
  const std::string rate = text_of(dom, "metric-rate").value_or("");
  char* end = nullptr;
  const double value = std::strtod(rate.c_str(), &end);
  EXPECT_TRUE(end != rate.c_str() && value > 0.0) << "requests/s shows '" << rate << "'";
  const std::string mean = text_of(dom, "metric-mean").value_or("");
  EXPECT_TRUE(mean.find("s") != std::string::npos) << "mean latency shows '" << mean << "'";
  EXPECT_NE(dom.find("maas_request_duration_seconds"), std::string::npos)
      << "the panel does not name the histogram it reads";
}

TEST_F(PlaygroundBrowserTest, LabelsWithMarkupShownAsText) {
  const BrowserResult browser = dump_dom(page_url(server_->port(), "markup", "red apple"));
  ASSERT_EQ(browser.exit_code, 0) << browser.err;
  const std::string& dom = browser.out;
  ASSERT_NE(dom.find("data-state=\"predicted\""), std::string::npos) << text_of(dom, "error").value_or("");

  const std::vector<Bar> bars = bars_in(dom);
  ASSERT_EQ(bars.size(), 2u);
  std::vector<std::string> shown_labels = {bars[0].label, bars[1].label};
  std::sort(shown_labels.begin(), shown_labels.end());
  EXPECT_EQ(shown_labels, (std::vector<std::string>{"<b>fruit</b>", "a&b \"car\""}));
  // A text node serialises '<' as &lt;; an element would appear as a real <b> tag.
  EXPECT_NE(dom.find("<span class=\"bar-label\">&lt;b&gt;fruit&lt;/b&gt;</span>"), std::string::npos);
  EXPECT_NE(dom.find("<span class=\"bar-label\">a&amp;b \"car\"</span>"), std::string::npos);
  EXPECT_EQ(dom.find("<span class=\"bar-label\"><b>"), std::string::npos);
}

TEST_F(PlaygroundBrowserTest, UnlistedModelParameterSelectsFirst) {
  // ?model= names no listed model, so the page selects the first one in the list, "intents".
  const BrowserResult browser = dump_dom(page_url(server_->port(), "nope", "hello"));
  ASSERT_EQ(browser.exit_code, 0) << browser.err;
  ASSERT_NE(browser.out.find("data-state=\"predicted\""), std::string::npos) << text_of(browser.out, "error").value_or("");
  EXPECT_EQ(bars_in(browser.out).size(), labels_of("intents").size());
}

TEST_F(PlaygroundBrowserTest, ScreenshotWhenRequested) {
  const char* target = std::getenv("MAAS_PLAYGROUND_SCREENSHOT");
  if (target == nullptr || *target == '\0') GTEST_SKIP() << "set MAAS_PLAYGROUND_SCREENSHOT=FILE.png to save one";
  const fs::path file = fs::absolute(target);
  std::error_code ignored;
  fs::remove(file, ignored);
  const BrowserResult browser =
      run_chromium(*chromium_, page_url(server_->port(), "intents", "anyone selling a mana potion?"),
                   {"--hide-scrollbars", "--window-size=1280,860", "--screenshot=" + file.string()},
                   workspace_->path());
  ASSERT_EQ(browser.exit_code, 0) << browser.err;
  EXPECT_GT(fs::file_size(file), 10000u) << "the screenshot is suspiciously small";
}

// ---- The page against a server without /v1/models and /metrics ----

// A loopback server that returns the playground at / and answers only one predict route, like a
// maas build that lists no models and exports no metrics.
class BareServer {
 public:
  BareServer() {
    http_.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(serve::playground_html()), "text/html; charset=utf-8");
    });
    http_.Post("/v1/models/plain:predict", [this](const httplib::Request& req, httplib::Response& res) {
      last_body_ = req.body;
      res.set_content(R"({"predictions": [[0.25, 0.75]]})", "application/json");
    });
    http_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"error": "no route"})", "application/json");
    });
    // The socket listens once bound, so connections made before the thread starts wait in the backlog.
    port_ = http_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { http_.listen_after_bind(); });
  }
  ~BareServer() {
    http_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  const std::string& last_body() const { return last_body_; }

 private:
  httplib::Server http_;
  std::thread thread_;
  int port_ = -1;
  std::string last_body_;
};

TEST(PlaygroundFallback, MissingRoutesShowMessages) {
  const std::optional<std::string> chromium = find_chromium();
  if (!chromium) GTEST_SKIP() << "Chromium not found; install the Debian package 'chromium' or set MAAS_CHROMIUM";
  TempDir workspace;
  BareServer server;
  ASSERT_GT(server.port(), 0);
  const BrowserResult browser =
      run_chromium(*chromium, page_url(server.port(), "plain", "hi there"), {"--dump-dom"}, workspace.path());
  ASSERT_EQ(browser.exit_code, 0) << browser.err;
  const std::string& dom = browser.out;

  const std::string models_message = text_of(dom, "models-message").value_or("");
  EXPECT_NE(models_message.find("GET /v1/models returned 404"), std::string::npos) << models_message;
  EXPECT_NE(dom.find("<form id=\"manual-model\">"), std::string::npos) << "the model name box is still hidden";

  EXPECT_EQ(state_of(dom, "section", "metrics-panel"), "unavailable");
  const std::string metrics_message = text_of(dom, "metrics-message").value_or("");
  EXPECT_NE(metrics_message.find("metrics unavailable"), std::string::npos) << metrics_message;
  EXPECT_NE(metrics_message.find("404"), std::string::npos) << metrics_message;

  // Without labels the page names the columns by position.
  ASSERT_NE(dom.find("data-state=\"predicted\""), std::string::npos) << text_of(dom, "error").value_or("");
  const std::vector<Bar> bars = bars_in(dom);
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(bars[0].label, "class 1");
  EXPECT_DOUBLE_EQ(bars[0].probability, 0.75);
  EXPECT_EQ(bars[1].label, "class 0");
  EXPECT_DOUBLE_EQ(bars[1].probability, 0.25);
  EXPECT_EQ(nlohmann::json::parse(server.last_body()), nlohmann::json::parse(R"({"instances": ["hi there"]})"));
}

TEST(PlaygroundFallback, ApiKeyServerShowsKeyMessage) {
  const std::optional<std::string> chromium = find_chromium();
  if (!chromium) GTEST_SKIP() << "Chromium not found; install the Debian package 'chromium' or set MAAS_CHROMIUM";
  TempDir workspace;
  const fs::path root = workspace.path();
  const std::string run = (root / "run").string();
  const RunResult trained = run_maas({"train", MAAS_SOURCE_DIR "/configs/text.yaml", "--no-progress", "--set",
                                      "training.epochs=1", "--set", "output=" + run});
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  ASSERT_EQ(run_maas({"export", run + "/model", "--output", (root / "models").string(), "--name", "intents"}).exit_code,
            0);
  write_file(root / "keys.txt", "playground-test-key-0123456789\n");
  ServerProcess server({"serve", "--model-dir", (root / "models").string(), "--port", "0", "--access-log", "none",
                        "--api-key-file", (root / "keys.txt").string()});

  const BrowserResult browser =
      run_chromium(*chromium, page_url(server.port(), "intents", "hello"), {"--dump-dom"}, root);
  ASSERT_EQ(browser.exit_code, 0) << browser.err;
  const std::string& dom = browser.out;
  const std::string models_message = text_of(dom, "models-message").value_or("");
  EXPECT_NE(models_message.find("requires an API key"), std::string::npos) << models_message;
  EXPECT_EQ(state_of(dom, "section", "metrics-panel"), "unavailable");
  EXPECT_NE(text_of(dom, "metrics-message").value_or("").find("401"), std::string::npos);
  const std::string error = text_of(dom, "error").value_or("");
  EXPECT_NE(error.find("HTTP 401"), std::string::npos) << error;
  EXPECT_TRUE(bars_in(dom).empty());
}

}  // namespace
}  // namespace maas::testing
