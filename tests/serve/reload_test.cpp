// Hot reload under traffic: versions are added and removed while clients send requests, and no
// request may fail.

#include <atomic>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/serve/serve_fixture.h"

namespace maas::serve {
namespace {

namespace fs = std::filesystem;

// Waits, for at most 60 s of repository scans, until the latest version is `version`.
bool wait_for_latest(testing::TestServer& server, std::int64_t version) {
  for (int attempt = 0; attempt < 6000; ++attempt) {
    const ServedModel* model = server.repository().snapshot()->find("intents");
    if (model != nullptr && model->find(0) != nullptr && model->find(0)->version == version) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(Reload, SwapsVersionsWithoutFailedRequests) {
  testing::ScratchDir repository;
  testing::publish_version(repository.path(), "intents", 1);
  testing::TestServer server(repository.path());
  server.repository().watch(std::chrono::milliseconds(20));

  std::atomic<bool> running{true};
  std::atomic<int> failures{0};
  std::atomic<int> successes{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 3; ++c) {
    clients.emplace_back([&] {
      httplib::Client client = server.client();
      // Bounded: the loop ends when the swaps are done, and never runs more than 20000 requests.
      for (int i = 0; running && i < 20000; ++i) {
        const auto response =
            client.Post("/v1/models/intents:predict", R"({"instances": ["wts ore", "hello"]})", "application/json");
        if (response && response->status == 200 &&
            nlohmann::json::parse(response->body)["predictions"].size() == 2) {
          ++successes;
        } else {
          ++failures;
        }
      }
    });
  }
  for (std::int64_t version = 2; version <= 4; ++version) {
    testing::publish_version(repository.path(), "intents", version);
    EXPECT_TRUE(wait_for_latest(server, version)) << "version " << version << " was not loaded";
    fs::remove_all(repository.path() / "intents" / std::to_string(version - 1));
  }
  running = false;
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(successes.load(), 0);
  const ServedModel* model = server.repository().snapshot()->find("intents");
  ASSERT_NE(model, nullptr);
  ASSERT_EQ(model->versions.size(), 1u);
  EXPECT_EQ(model->versions[0]->version, 4);
}

}  // namespace
}  // namespace maas::serve
