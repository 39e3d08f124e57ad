#include "core/serve/model_repository.h"

#include <fstream>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "tests/serve/serve_fixture.h"

namespace maas::serve {
namespace {

namespace fs = std::filesystem;

std::vector<std::int64_t> loaded_versions(const ModelRepository& repository, const std::string& name) {
  std::vector<std::int64_t> versions;
  const ServedModel* model = repository.snapshot()->find(name);
  if (model == nullptr) return versions;
  for (const auto& version : model->versions) versions.push_back(version->version);
  return versions;
}

void write_config(const fs::path& repository, const std::string& yaml) {
  std::ofstream(repository / kRepositoryConfigFile) << yaml;
}

void damage(const fs::path& version_folder) {
  std::ofstream(version_folder / "weights.safetensors", std::ios::trunc) << "not a tensor file";
}

TEST(ModelRepository, VersionPolicySelectsVersions) {
  testing::ScratchDir repository;
  for (int version : {1, 2, 3}) testing::publish_version(repository.path(), "m", version);
  struct Case {
    const char* policy;
    std::vector<std::int64_t> expected;
  };
  const std::vector<Case> cases = {
      {"", {3}},
      {"models: {m: {version_policy: {latest: 2}}}", {2, 3}},
      {"models: {m: {version_policy: all}}", {1, 2, 3}},
      {"models: {m: {version_policy: {specific: [1, 3, 9]}}}", {1, 3}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.policy);
    write_config(repository.path(), c.policy);
    ModelRepository models(repository.path(), {});
    models.scan();
    EXPECT_EQ(loaded_versions(models, "m"), c.expected);
  }
}

TEST(ModelRepository, DamagedNewestVersionLeavesOlderServing) {
  testing::ScratchDir repository;
  testing::publish_version(repository.path(), "m", 1);
  testing::publish_version(repository.path(), "m", 2);
  damage(repository.path() / "m" / "2");
  int failures = 0;
  ModelRepository models(repository.path(), {}, [&](const std::string&, std::int64_t, bool ok) { failures += !ok; });
  models.scan();
  EXPECT_EQ(loaded_versions(models, "m"), (std::vector<std::int64_t>{1}));
  ASSERT_EQ(models.snapshot()->find("m")->failures.size(), 1u);
  EXPECT_EQ(models.snapshot()->find("m")->failures[0].version, 2);
  EXPECT_EQ(failures, 1);

  // An unchanged damaged folder is not retried; once it is replaced, it loads.
  models.scan();
  EXPECT_EQ(failures, 1);
  fs::remove_all(repository.path() / "m" / "2");
  testing::publish_version(repository.path(), "m", 2);
  models.scan();
  EXPECT_EQ(loaded_versions(models, "m"), (std::vector<std::int64_t>{2}));
  EXPECT_TRUE(models.snapshot()->find("m")->failures.empty());
}

TEST(ModelRepository, RemovedVersionLivesUntilLastRequestEnds) {
  testing::ScratchDir repository;
  testing::publish_version(repository.path(), "m", 1);
  ModelRepository models(repository.path(), {});
  models.scan();
  // A request in flight keeps the snapshot it started with.
  std::shared_ptr<const RepositorySnapshot> in_flight = models.snapshot();
  std::weak_ptr<const infer::Predictor> predictor = in_flight->find("m")->versions[0]->predictor;

  testing::publish_version(repository.path(), "m", 2);
  fs::remove_all(repository.path() / "m" / "1");
  models.scan();
  EXPECT_EQ(loaded_versions(models, "m"), (std::vector<std::int64_t>{2}));
  EXPECT_FALSE(predictor.expired());
  in_flight.reset();
  EXPECT_TRUE(predictor.expired());

  fs::remove_all(repository.path() / "m");
  models.scan();
  EXPECT_EQ(models.snapshot()->find("m"), nullptr);
}

TEST(ModelRepository, UnchangedVersionIsNotReloaded) {
  testing::ScratchDir repository;
  testing::publish_version(repository.path(), "m", 1);
  int loads = 0;
  ModelRepository models(repository.path(), {}, [&](const std::string&, std::int64_t, bool) { ++loads; });
  models.scan();
  const LoadedVersion* first = models.snapshot()->find("m")->find(0);
  models.scan();
  EXPECT_EQ(models.snapshot()->find("m")->find(0), first);
  EXPECT_EQ(loads, 1);
}

TEST(ModelRepository, InvalidConfigKeepsPreviousSettings) {
  testing::ScratchDir repository;
  testing::publish_version(repository.path(), "m", 1);
  testing::publish_version(repository.path(), "m", 2);
  write_config(repository.path(), "models: {m: {version_policy: all}}");
  ModelRepository models(repository.path(), {});
  models.scan();
  write_config(repository.path(), "models: {m: {version_policy: bogus}}");
  models.scan();
  EXPECT_EQ(loaded_versions(models, "m"), (std::vector<std::int64_t>{1, 2}));

  ModelRepository fresh(repository.path(), {});
  EXPECT_THROW(fresh.scan(), ConfigError);
}

TEST(ModelRepository, SkipsInvalidFolders) {
  testing::ScratchDir repository;
  testing::publish_version(repository.path(), "m", 1);
  fs::create_directories(repository.path() / ".hidden" / "1");
  fs::create_directories(repository.path() / "noversions" / "latest");
  fs::create_directories(repository.path() / "m" / "0");
  ModelRepository models(repository.path(), {});
  models.scan();
  EXPECT_EQ(models.snapshot()->models.size(), 1u);
  EXPECT_EQ(loaded_versions(models, "m"), (std::vector<std::int64_t>{1}));
}

TEST(ModelRepository, RejectsMissingOrSingleModelFolder) {
  testing::ScratchDir dir;
  EXPECT_THROW(ModelRepository(dir.path() / "missing", {}).scan(), IoError);
  EXPECT_THROW(ModelRepository(testing::trained_model(), {}).scan(), IoError);
}

}  // namespace
}  // namespace maas::serve
