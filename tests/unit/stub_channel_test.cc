#include "backends/python/stub_channel.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "backends/python/shm_ring.h"

namespace inferd {
namespace {

// Small, so that the larger frames below stream through the ring.
constexpr size_t kCapacity = 4096;

// One frame as the stub writes it: two little-endian lengths, header, blob.
std::string RawFrame(const std::string& header, const std::string& blob) {
  uint32_t lengths[2] = {static_cast<uint32_t>(header.size()), static_cast<uint32_t>(blob.size())};
  std::string out(reinterpret_cast<const char*>(lengths), sizeof(lengths));
  return out + header + blob;
}

std::string BlobText(const Frame& frame) { return std::string(frame.blob.data(), frame.blob.size()); }

// The server's StubChannel and, in the same process, the stub's end of its ring.
class StubChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    stub_socket_ = fds[0];
    std::string error;
    std::unique_ptr<ShmRing> ring = ShmRing::Create(kCapacity, fds[1], &error);
    ASSERT_TRUE(ring) << error;
    const RingFds& made = ring->fds();
    stub_ = ShmRing::Attach({dup(made.memory), dup(made.to_stub_wake), dup(made.to_server_wake)}, stub_socket_,
                            &error);
    ASSERT_TRUE(stub_) << error;
    channel_ = std::make_unique<StubChannel>(fds[1], std::move(ring));  // owns and closes fds[1]
  }
  void TearDown() override {
    channel_.reset();
    stub_.reset();
    if (stub_socket_ >= 0) close(stub_socket_);
  }
  // Writes as the stub does; blocks while the ring is full.
  void StubWrites(const std::string& data) {
    iovec piece{const_cast<char*>(data.data()), data.size()};
    ASSERT_TRUE(stub_->Write(&piece, 1));
  }
  std::string StubReads(size_t size) {
    std::string out(size, '\0');
    EXPECT_TRUE(stub_->ReadExactly(out.data(), size, std::chrono::microseconds(0)));
    return out;
  }

  int stub_socket_ = -1;
  std::unique_ptr<ShmRing> stub_;
  std::unique_ptr<StubChannel> channel_;
};

TEST_F(StubChannelTest, FramesWrittenTogetherAreReadOneByOne) {
  std::thread writer([&] {
    StubWrites(RawFrame(R"({"type":"a"})", "blob-a") + RawFrame(R"({"type":"b"})", "") + RawFrame("", "") +
               RawFrame(R"({"type":"c"})", std::string(100000, 'c')));
  });
  Frame frame;
  ASSERT_TRUE(channel_->Receive(&frame).ok());
  EXPECT_EQ(frame.header, R"({"type":"a"})");
  EXPECT_EQ(BlobText(frame), "blob-a");
  ASSERT_TRUE(channel_->Receive(&frame).ok());
  EXPECT_EQ(frame.header, R"({"type":"b"})");
  EXPECT_EQ(frame.blob.size(), 0u);
  ASSERT_TRUE(channel_->Receive(&frame).ok());  // an empty frame is still a frame
  EXPECT_EQ(frame.header, "");
  ASSERT_TRUE(channel_->Receive(&frame).ok());  // 25 times the ring's size
  EXPECT_EQ(frame.header, R"({"type":"c"})");
  EXPECT_EQ(BlobText(frame), std::string(100000, 'c'));
  writer.join();
}

TEST_F(StubChannelTest, AFrameArrivingInPiecesIsReadWhole) {
  const std::string data = RawFrame(R"({"type":"slow","n":[1,2,3]})", "0123456789abcdef");
  std::thread writer([&] {
    for (size_t start = 0; start < data.size(); start += 5) {
      StubWrites(data.substr(start, 5));
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

TEST_F(StubChannelTest, ManyFramesOfEverySizeWrapAroundTheRingIntact) {
  std::vector<std::string> blobs;
  for (size_t i = 0; i < 300; ++i) blobs.push_back(std::string((i * 7919) % 9000, static_cast<char>('a' + i % 26)));
  std::thread writer([&] {
    for (size_t i = 0; i < blobs.size(); ++i) StubWrites(RawFrame("{\"i\":" + std::to_string(i) + "}", blobs[i]));
  });
  for (size_t i = 0; i < blobs.size(); ++i) {
    Frame frame;
    ASSERT_TRUE(channel_->Receive(&frame).ok());
    ASSERT_EQ(frame.header, "{\"i\":" + std::to_string(i) + "}");
    ASSERT_EQ(BlobText(frame), blobs[i]);
  }
  writer.join();
}

TEST_F(StubChannelTest, AnEndInsideAFrameIsReported) {
  StubWrites(RawFrame(R"({"type":"cut"})", "12345").substr(0, 20));
  shutdown(stub_socket_, SHUT_RDWR);
  Frame frame;
  Status status = channel_->Receive(&frame);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "the Python stub closed its connection");
}

TEST_F(StubChannelTest, FramesWrittenBeforeTheStubLeftAreStillRead) {
  StubWrites(RawFrame(R"({"type":"last words"})", "bye"));
  shutdown(stub_socket_, SHUT_RDWR);
  Frame frame;
  ASSERT_TRUE(channel_->Receive(&frame).ok());
  EXPECT_EQ(frame.header, R"({"type":"last words"})");
  EXPECT_EQ(BlobText(frame), "bye");
  EXPECT_FALSE(channel_->Receive(&frame).ok());
}

TEST_F(StubChannelTest, AGarbledRingEndsTheConnection) {
  // A stub whose memory is corrupted may write any positions into the ring it
  // shares; the server must not wait on them. The stub-to-server head sits at
  // offset 192 (PROTOCOL.md, "Transport").
  const uint64_t nonsense = uint64_t{1} << 40;
  int memory = dup(stub_->fds().memory);
  ASSERT_EQ(pwrite(memory, &nonsense, sizeof(nonsense), 192), static_cast<ssize_t>(sizeof(nonsense)));
  close(memory);
  std::future<bool> waited = std::async(std::launch::async, [&] { return channel_->WaitReadable(-1); });
  const bool returned = waited.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  if (!returned) channel_->Shutdown();  // releases the waiter
  ASSERT_TRUE(returned);
  EXPECT_TRUE(waited.get());
  Frame frame;
  EXPECT_EQ(channel_->Receive(&frame).message(), "the Python stub closed its connection");
}

TEST_F(StubChannelTest, AnOversizedFrameIsRefused) {
  uint32_t lengths[2] = {16, (1u << 30) + 1};
  StubWrites(std::string(reinterpret_cast<const char*>(lengths), sizeof(lengths)));
  Frame frame;
  Status status = channel_->Receive(&frame);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "the Python stub sent a frame of 16 + 1073741825 bytes, larger than allowed");
}

TEST_F(StubChannelTest, SendWritesHeaderAndBlobPiecesAsOneFrame) {
  ASSERT_TRUE(channel_->Send(R"({"type":"x"})", {Buffer::FromString("ab"), Buffer::FromString(""),
                                                Buffer::FromString("cde")})
                  .ok());
  const std::string expected = RawFrame(R"({"type":"x"})", "abcde");
  EXPECT_EQ(stub_->Available(), expected.size());
  EXPECT_EQ(StubReads(expected.size()), expected);
}

TEST_F(StubChannelTest, SendFailsOnceTheStubIsGone) {
  shutdown(stub_socket_, SHUT_RDWR);
  // Larger than the ring: the send has to wait for a reader that never comes.
  Status status = channel_->Send(R"({"type":"x"})", {Buffer::FromString(std::string(3 * kCapacity, 'x'))});
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "writing to the Python stub failed: it closed its connection");
}

TEST_F(StubChannelTest, WaitReadableTimesOutWhenNothingComes) {
  EXPECT_FALSE(channel_->WaitReadable(0));
  EXPECT_FALSE(channel_->WaitReadable(20, std::chrono::microseconds(100)));
}

TEST_F(StubChannelTest, EverySleepingReaderWakesForAFrame) {
  // The server's request thread and its reader thread may both sleep on the
  // ring; the one signal a frame brings must reach both, whichever takes it.
  // They wait without a time limit: one that missed the signal would sleep
  // until the Shutdown below, and count as not woken.
  auto sleeper = [&] { return channel_->WaitReadable(-1); };
  std::future<bool> first = std::async(std::launch::async, sleeper);
  std::future<bool> second = std::async(std::launch::async, sleeper);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // both asleep by now
  StubWrites(RawFrame(R"({"type":"wake"})", ""));
  const bool first_woke = first.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  const bool second_woke = second.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  channel_->Shutdown();  // releases a sleeper that missed the signal
  EXPECT_TRUE(first_woke);
  EXPECT_TRUE(second_woke);
  EXPECT_TRUE(first.get());
  EXPECT_TRUE(second.get());
}

TEST_F(StubChannelTest, AStubThatLeavesWakesASleepingReader) {
  bool readable = false;
  std::thread sleeper([&] { readable = channel_->WaitReadable(10000); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  close(stub_socket_);
  stub_socket_ = -1;
  sleeper.join();
  EXPECT_TRUE(readable);
  Frame frame;
  EXPECT_EQ(channel_->Receive(&frame).message(), "the Python stub closed its connection");
}

TEST_F(StubChannelTest, ShutdownWakesASleepingReader) {
  bool readable = false;
  std::thread sleeper([&] { readable = channel_->WaitReadable(10000); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  channel_->Shutdown();
  sleeper.join();
  EXPECT_TRUE(readable);
}

}  // namespace
}  // namespace inferd
