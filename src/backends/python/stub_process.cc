#include "backends/python/stub_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace inferd {
namespace {

// Stubs started and not yet reaped, for KillAllStubs.
std::mutex& LiveStubsMutex() {
  static std::mutex mutex;
  return mutex;
}
std::set<pid_t>& LiveStubs() {
  static std::set<pid_t> pids;
  return pids;
}

}  // namespace

void KillAllStubs() {
  std::lock_guard<std::mutex> lock(LiveStubsMutex());
  for (pid_t pid : LiveStubs()) kill(pid, SIGKILL);
  for (pid_t pid : LiveStubs()) waitpid(pid, nullptr, 0);
  LiveStubs().clear();
}

Status StubProcess::Start(const StubLaunch& launch, std::unique_ptr<StubProcess>* out) {
  if (access(launch.stub_path.c_str(), X_OK) != 0) {
    return Status::Unavailable("the Python stub '" + launch.stub_path +
                               "' is missing or not executable (set --backend-config=python,stub-path=...)");
  }
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return Status::Internal(std::string("unable to create a socket for the Python stub: ") + std::strerror(errno));
  }
  std::string error;
  std::unique_ptr<ShmRing> ring = ShmRing::Create(ShmRing::kDefaultCapacity, fds[0], &error);
  if (!ring) {
    close(fds[0]);
    close(fds[1]);
    return Status::Internal(error);
  }
  const RingFds& ring_fds = ring->fds();
  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls are allowed.
  std::vector<std::string> args = {
      launch.stub_path,
      "--socket-fd=" + std::to_string(fds[1]),
      "--ring-fds=" + std::to_string(ring_fds.memory) + "," + std::to_string(ring_fds.to_stub_wake) + "," +
          std::to_string(ring_fds.to_server_wake),
      "--python-dir=" + launch.python_dir,
      "--shm-prefix=" + launch.shm_prefix};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return Status::Internal(std::string("unable to start the Python stub: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // No PR_SET_PDEATHSIG: it fires when the forking *thread* ends (models
    // load on short-lived threads). The stub exits when its socket closes,
    // which also happens when the server dies.
    if (getppid() != parent) _exit(1);  // the server is already gone
    // A process group of its own: Ctrl-C in a terminal signals the whole
    // foreground group, and the stub must stay up while the server drains
    // and runs finalize.
    setpgid(0, 0);
    // Keep the stub's end of the socket and the ring across exec.
    for (int fd : {fds[1], ring_fds.memory, ring_fds.to_stub_wake, ring_fds.to_server_wake}) fcntl(fd, F_SETFD, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);  // the server blocks SIGINT/SIGTERM; the stub must not
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  {
    std::lock_guard<std::mutex> lock(LiveStubsMutex());
    LiveStubs().insert(pid);
  }
  out->reset(new StubProcess(pid, std::make_unique<StubChannel>(fds[0], std::move(ring))));
  return Status::Ok();
}

StubProcess::~StubProcess() { Kill(); }

bool StubProcess::Reap(std::chrono::milliseconds wait) {
  if (reaped_) return true;
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    pid_t done = waitpid(pid_, &wait_status_, WNOHANG);
    if (done == pid_ || (done < 0 && errno == ECHILD)) {
      reaped_ = true;
      std::lock_guard<std::mutex> lock(LiveStubsMutex());
      LiveStubs().erase(pid_);
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void StubProcess::Stop(std::chrono::milliseconds grace) {
  if (!Reap(grace)) Kill();
}

void StubProcess::Kill() {
  if (reaped_) return;
  kill(pid_, SIGKILL);
  channel_->Shutdown();
  Reap(std::chrono::seconds(5));
}

std::string StubProcess::ExitDescription() {
  Reap(std::chrono::seconds(1));
  if (!reaped_) return "still running";
  if (WIFEXITED(wait_status_)) return "exit code " + std::to_string(WEXITSTATUS(wait_status_));
  if (WIFSIGNALED(wait_status_)) {
    int signal = WTERMSIG(wait_status_);
    return "signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  }
  return "unknown status";
}

}  // namespace inferd
