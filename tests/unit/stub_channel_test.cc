#include "backends/python/stub_channel.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

namespace inferd {
namespace {

// One frame as the stub writes it: two little-endian lengths, header, blob.
std::string RawFrame(const std::string& header, const std::string& blob) {
  uint32_t lengths[2] = {static_cast<uint32_t>(header.size()), static_cast<uint32_t>(blob.size())};
  std::string out(reinterpret_cast<const char*>(lengths), sizeof(lengths));
  return out + header + blob;
}

void WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    ASSERT_GT(n, 0);
    done += static_cast<size_t>(n);
  }
}

std::string BlobText(const Frame& frame) { return std::string(frame.blob.data(), frame.blob.size()); }

class StubChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    stub_fd_ = fds[0];
    channel_ = std::make_unique<StubChannel>(fds[1]);  // owns and closes it
  }
  void TearDown() override {
    if (stub_fd_ >= 0) close(stub_fd_);
  }
  int stub_fd_ = -1;
  std::unique_ptr<StubChannel> channel_;
};

TEST_F(StubChannelTest, FramesWrittenTogetherAreReadOneByOne) {
  WriteAll(stub_fd_, RawFrame(R"({"type":"a"})", "blob-a") + RawFrame(R"({"type":"b"})", "") +
                         RawFrame("", "") + RawFrame(R"({"type":"c"})", std::string(100000, 'c')));
  Frame frame;
  ASSERT_TRUE(channel_->Receive(&frame).ok());
  EXPECT_EQ(frame.header, R"({"type":"a"})");
  EXPECT_EQ(BlobText(frame), "blob-a");
  ASSERT_TRUE(channel_->Receive(&frame).ok());
  EXPECT_EQ(frame.header, R"({"type":"b"})");
  EXPECT_EQ(frame.blob.size(), 0u);
  ASSERT_TRUE(channel_->Receive(&frame).ok());  // an empty frame is still a frame
  EXPECT_EQ(frame.header, "");
  ASSERT_TRUE(channel_->Receive(&frame).ok());
  EXPECT_EQ(frame.header, R"({"type":"c"})");
  EXPECT_EQ(BlobText(frame), std::string(100000, 'c'));
}

TEST_F(StubChannelTest, AFrameArrivingInPiecesIsReadWhole) {
  const std::string data = RawFrame(R"({"type":"slow","n":[1,2,3]})", "0123456789abcdef");
  std::thread writer([&] {
    for (size_t start = 0; start < data.size(); start += 5) {
      WriteAll(stub_fd_, data.substr(start, 5));
      std::this_thread::sleep_for(std::chrono::microseconds(300));
    }
  });
  Frame frame;
  Status status = channel_->Receive(&frame);
  writer.join();
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(frame.header, R"({"type":"slow","n":[1,2,3]})");
  EXPECT_EQ(BlobText(frame), "0123456789abcdef");
}

TEST_F(StubChannelTest, AnEndInsideAFrameIsReported) {
  WriteAll(stub_fd_, RawFrame(R"({"type":"cut"})", "12345").substr(0, 20));
  shutdown(stub_fd_, SHUT_WR);
  Frame frame;
  Status status = channel_->Receive(&frame);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "the Python stub closed its connection");
}

TEST_F(StubChannelTest, AnOversizedFrameIsRefused) {
  uint32_t lengths[2] = {16, (1u << 30) + 1};
  WriteAll(stub_fd_, std::string(reinterpret_cast<const char*>(lengths), sizeof(lengths)));
  Frame frame;
  Status status = channel_->Receive(&frame);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "the Python stub sent a frame of 16 + 1073741825 bytes, larger than allowed");
}

TEST_F(StubChannelTest, SendWritesHeaderAndBlobPiecesAsOneFrame) {
  ASSERT_TRUE(channel_->Send(R"({"type":"x"})", {Buffer::FromString("ab"), Buffer::FromString(""),
                                                Buffer::FromString("cde")})
                  .ok());
  char got[64];
  ssize_t n = read(stub_fd_, got, sizeof(got));
  EXPECT_EQ(std::string(got, static_cast<size_t>(n)), RawFrame(R"({"type":"x"})", "abcde"));
}

}  // namespace
}  // namespace inferd
