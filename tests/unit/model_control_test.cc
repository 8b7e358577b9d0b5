// The pure parts of model control: load parameters as the protocols carry
// them, override file paths, change detection of model folders, and config
// overrides given as JSON.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "config/config_json.h"
#include "core/base64.h"
#include "core/model_load_overrides.h"
#include "frontend/http/repository_json.h"
#include "repository/folder_snapshot.h"
#include "repository/model_status.h"
#include "repository/override_folder.h"

namespace inferd {
namespace {
namespace fs = std::filesystem;

TEST(Base64, DecodesWithAndWithoutPadding) {
  std::string out;
  ASSERT_TRUE(Base64Decode("aGVsbG8=", &out));
  EXPECT_EQ(out, "hello");
  ASSERT_TRUE(Base64Decode("aGVsbG8", &out));
  EXPECT_EQ(out, "hello");
  ASSERT_TRUE(Base64Decode("AP8A/w==", &out));
  EXPECT_EQ(out, std::string("\x00\xff\x00\xff", 4));
  ASSERT_TRUE(Base64Decode("", &out));
  EXPECT_EQ(out, "");
}

TEST(Base64, RefusesWhatIsNotBase64) {
  std::string out;
  EXPECT_FALSE(Base64Decode("a@bc", &out));
  EXPECT_FALSE(Base64Decode("abcde", &out));
  EXPECT_FALSE(Base64Decode("ab=c", &out));
  EXPECT_FALSE(Base64Decode("aGVsbG8 =", &out));
}

TEST(LoadParameters, ConfigAndFilesAreKeptUnknownKeysRefused) {
  ModelLoadOverrides overrides;
  ASSERT_TRUE(AddLoadParameter("config", "{}", &overrides).ok());
  ASSERT_TRUE(AddLoadParameter("file:1/model.onnx", "bytes", &overrides).ok());
  EXPECT_EQ(overrides.config, "{}");
  EXPECT_EQ(overrides.files.at("1/model.onnx"), "bytes");
  Status unknown = AddLoadParameter("other", "x", &overrides);
  EXPECT_EQ(unknown.code(), StatusCode::kInvalidArg);
  EXPECT_EQ(unknown.message(), "unrecognized load parameter 'other'.");
  EXPECT_FALSE(AddLoadParameter("file:", "x", &overrides).ok());
  EXPECT_TRUE(IsLoadParameter("file:labels.txt"));
  EXPECT_FALSE(IsLoadParameter("unload_dependents"));
}

TEST(LoadRequestJson, ReadsStringsAndDecodesFiles) {
  ModelLoadOverrides overrides;
  ASSERT_TRUE(ReadLoadRequestJson(R"({"parameters":{"config":"{\"max_batch_size\":2}","file:1/a.bin":"AQID"}})",
                                  &overrides)
                  .ok());
  EXPECT_EQ(overrides.config, R"({"max_batch_size":2})");
  EXPECT_EQ(overrides.files.at("1/a.bin"), "\x01\x02\x03");
  ModelLoadOverrides empty;
  EXPECT_TRUE(ReadLoadRequestJson("", &empty).ok());
  EXPECT_TRUE(ReadLoadRequestJson("{}", &empty).ok());
  EXPECT_TRUE(empty.empty());
}

TEST(LoadRequestJson, ErrorsSayWhatIsWrong) {
  ModelLoadOverrides overrides;
  Status status = ReadLoadRequestJson(R"({"parameters":{"config":5}})", &overrides);
  EXPECT_EQ(status.message(), "load parameter 'config' must be a JSON string");
  status = ReadLoadRequestJson(R"({"parameters":{"file:1/m.onnx":"not base64!"}})", &overrides);
  EXPECT_EQ(status.message(), "load parameter 'file:1/m.onnx' must hold the file's content in base64");
  status = ReadLoadRequestJson(R"({"parameters":{"colour":"red"}})", &overrides);
  EXPECT_EQ(status.code(), StatusCode::kInternal);  // Triton answers 500 for it
  EXPECT_EQ(status.message(), "unrecognized load parameter 'colour'.");
  EXPECT_EQ(ReadLoadRequestJson("[1]", &overrides).message(), "the request body must be a JSON object");
}

TEST(UnloadRequestJson, ReadsUnloadDependents) {
  bool dependents = false;
  ASSERT_TRUE(ReadUnloadRequestJson(R"({"parameters":{"unload_dependents":true}})", &dependents).ok());
  EXPECT_TRUE(dependents);
  ASSERT_TRUE(ReadUnloadRequestJson("", &dependents).ok());
  EXPECT_FALSE(dependents);
  EXPECT_EQ(ReadUnloadRequestJson(R"({"parameters":{"unload_dependents":"yes"}})", &dependents).message(),
            "'unload_dependents' must be a boolean");
}

TEST(OverrideFilePath, StaysInsideTheModelFolder) {
  EXPECT_TRUE(CheckOverrideFilePath("1/model.onnx").ok());
  EXPECT_TRUE(CheckOverrideFilePath("labels.txt").ok());
  EXPECT_TRUE(CheckOverrideFilePath("1/sub/dir/file").ok());
  EXPECT_EQ(CheckOverrideFilePath("1/../../etc/passwd").message(),
            "invalid load parameter 'file:1/../../etc/passwd': the file path must stay inside the model folder");
  EXPECT_FALSE(CheckOverrideFilePath("/etc/passwd").ok());
  EXPECT_FALSE(CheckOverrideFilePath("1//model.onnx").ok());
  EXPECT_FALSE(CheckOverrideFilePath("./model.onnx").ok());
  EXPECT_FALSE(CheckOverrideFilePath("1/").ok());
}

TEST(OverrideFolder, WritesTheFilesAndRemovesThemAfterwards) {
  std::shared_ptr<OverrideFolder> folder;
  ASSERT_TRUE(OverrideFolder::Create("m", {{"1/model.onnx", "abc"}, {"labels.txt", "x\ny\n"}}, &folder).ok());
  std::string dir = folder->model_dir();
  EXPECT_EQ(fs::path(dir).filename(), "m");
  std::ifstream file(dir + "/1/model.onnx");
  std::string contents((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(contents, "abc");
  EXPECT_TRUE(fs::exists(dir + "/labels.txt"));
  folder.reset();
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_FALSE(fs::exists(fs::path(dir).parent_path()));
}

class FolderSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("inferd_snapshot_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    Write("config.pbtxt", "max_batch_size: 1");
    Write("1/model.onnx", "one");
    Write("2/model.onnx", "two");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& path, const std::string& contents) {
    fs::create_directories((dir_ / path).parent_path());
    std::ofstream(dir_ / path) << contents;
  }
  // Moves a file's modification time, as a later write would.
  void Touch(const std::string& path) {
    fs::last_write_time(dir_ / path, fs::last_write_time(dir_ / path) + std::chrono::seconds(5));
  }

  fs::path dir_;
};

TEST_F(FolderSnapshotTest, SameFolderNoChange) {
  FolderSnapshot before = TakeSnapshot(dir_.string());
  EXPECT_EQ(before.size(), 5u);  // config.pbtxt, 1, 1/model.onnx, 2, 2/model.onnx
  EXPECT_FALSE(CompareSnapshots(before, TakeSnapshot(dir_.string())).any());
}

TEST_F(FolderSnapshotTest, ChangedFileMarksItsVersion) {
  FolderSnapshot before = TakeSnapshot(dir_.string());
  Touch("2/model.onnx");
  FolderChanges changes = CompareSnapshots(before, TakeSnapshot(dir_.string()));
  EXPECT_EQ(changes.versions, std::set<int64_t>{2});
  EXPECT_FALSE(changes.outside_versions);
}

TEST_F(FolderSnapshotTest, AddedAndRemovedVersionFolders) {
  FolderSnapshot before = TakeSnapshot(dir_.string());
  fs::create_directories(dir_ / "3");
  fs::remove_all(dir_ / "1");
  FolderChanges changes = CompareSnapshots(before, TakeSnapshot(dir_.string()));
  EXPECT_EQ(changes.versions, (std::set<int64_t>{1, 3}));
  EXPECT_FALSE(changes.outside_versions);
}

TEST_F(FolderSnapshotTest, ConfigAndOtherFilesAreOutsideVersions) {
  FolderSnapshot before = TakeSnapshot(dir_.string());
  Write("config.pbtxt", "max_batch_size: 16");
  FolderChanges changes = CompareSnapshots(before, TakeSnapshot(dir_.string()));
  EXPECT_TRUE(changes.outside_versions);
  EXPECT_TRUE(changes.versions.empty());
  before = TakeSnapshot(dir_.string());
  Write("labels.txt", "a\n");
  EXPECT_TRUE(CompareSnapshots(before, TakeSnapshot(dir_.string())).outside_versions);
  // Folders that are not versions ("v2", "007") count as outside too.
  before = TakeSnapshot(dir_.string());
  fs::create_directories(dir_ / "007");
  EXPECT_TRUE(CompareSnapshots(before, TakeSnapshot(dir_.string())).outside_versions);
}

TEST_F(FolderSnapshotTest, PythonByteCodeCachesAreIgnored) {
  FolderSnapshot before = TakeSnapshot(dir_.string());
  Write("1/__pycache__/model.cpython-311.pyc", "cache");
  EXPECT_FALSE(CompareSnapshots(before, TakeSnapshot(dir_.string())).any());
}

TEST(FolderSnapshot, MissingFolderIsEmpty) {
  EXPECT_TRUE(TakeSnapshot("/nonexistent/inferd/model").empty());
}

TEST(ConfigJson, ParsesTritonJsonAndRefusesUnknownFields) {
  inference::ModelConfig config;
  ASSERT_TRUE(ParseModelConfigJson(R"({"name":"m","max_batch_size":8,"version_policy":{"specific":{"versions":[1,"2"]}},)"
                                   R"("input":[{"name":"x","data_type":"type_fp32","dims":[16]}]})",
                                   &config)
                  .ok());
  EXPECT_EQ(config.max_batch_size(), 8);
  EXPECT_EQ(config.version_policy().specific().versions_size(), 2);
  EXPECT_EQ(config.input(0).data_type(), inference::TYPE_FP32);
  Status unknown = ParseModelConfigJson(R"({"name":"m","max_batch":8})", &config);
  EXPECT_EQ(unknown.code(), StatusCode::kInvalidArg);
  EXPECT_NE(unknown.message().find("failed to parse the model configuration JSON of the 'config' load parameter"),
            std::string::npos);
  EXPECT_FALSE(ParseModelConfigJson("{not json", &config).ok());
}

TEST(IndexRows, ModelsNeverLoadedShowTheirNameOnly) {
  ModelStatus loaded{"a", {{1, ModelState::kReady, ""}, {2, ModelState::kUnavailable, "unloaded"}},
                     ModelState::kUnavailable, "", false};
  ModelStatus folder_only{"b", {}, ModelState::kUnknown, "", true};
  ModelStatus failed{"c", {}, ModelState::kUnavailable, "bad config", false};
  std::vector<IndexRow> rows = IndexRows({loaded, folder_only, failed}, false);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1].reason, "unloaded");
  EXPECT_TRUE(rows[2].name_only);
  EXPECT_EQ(rows[2].name, "b");
  EXPECT_EQ(rows[3].reason, "bad config");
  std::vector<IndexRow> ready = IndexRows({loaded, folder_only, failed}, true);
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].version, "1");
}

}  // namespace
}  // namespace inferd
