#include "config/config_reader.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <fstream>
#include <sstream>

namespace inferd {
namespace {

// Keeps the first error; protobuf reports line and column zero-based.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (!error_.empty()) return;
    error_ = "line " + std::to_string(line + 1) + ", column " + std::to_string(column + 1) +
             ": " + message;
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

}  // namespace

Status ParseModelConfigText(const std::string& path, const std::string& text,
                            inference::ModelConfig* config) {
  FirstErrorCollector errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, config)) {
    return Status::InvalidArg("failed to parse model configuration '" + path + "': " +
                              (errors.error().empty() ? "invalid text format" : errors.error()));
  }
  return Status::Ok();
}

Status ReadModelConfigFile(const std::string& path, inference::ModelConfig* config) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::InvalidArg("unable to open model configuration '" + path + "'");
  std::ostringstream text;
  text << file.rdbuf();
  return ParseModelConfigText(path, text.str(), config);
}

}  // namespace inferd
