// inferd_python_stub: the process that runs one instance of a Python model.
//
// The server starts it with one end of a socketpair and the descriptors of a
// shared memory ring (shm_ring.h), and talks to it through the protocol in
// PROTOCOL.md. This file only embeds CPython: it parses the command line, makes
// the stub's Python directory importable and hands control to
// `inferd_stub.main(socket_fd, shm_prefix, ring_fds)`, whose return value
// becomes the exit code. The ring's stub end is the embedded module
// `_inferd_ring` (ring_module.cc); everything about models, tensors and
// messages lives in Python.

#include <pybind11/embed.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace py = pybind11;

namespace {

struct Options {
  int socket_fd = -1;
  std::vector<int> ring_fds;  // memory, to-stub wake, to-server wake (shm_ring.h); none: the socket
  std::string python_dir;
  std::string shm_prefix;
};

// Returns the value of `--name=value` if `arg` has that form.
std::optional<std::string> FlagValue(std::string_view arg, std::string_view name) {
  if (arg.size() < name.size() + 3 || arg.substr(0, 2) != "--" ||
      arg.substr(2, name.size()) != name || arg[name.size() + 2] != '=') {
    return std::nullopt;
  }
  return std::string(arg.substr(name.size() + 3));
}

// "3,4,5" -> {3, 4, 5}; empty when any part is not a descriptor number.
std::vector<int> ParseFds(const std::string& text) {
  std::vector<int> fds;
  size_t start = 0;
  for (;;) {
    size_t comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos || part.size() > 9) return {};
    fds.push_back(std::stoi(part));
    if (comma == std::string::npos) return fds;
    start = comma + 1;
  }
}

std::optional<Options> ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (auto v = FlagValue(arg, "socket-fd")) {
      try {
        options.socket_fd = std::stoi(*v);
      } catch (const std::exception&) {
        std::cerr << "inferd_python_stub: bad --socket-fd value '" << *v << "'\n";
        return std::nullopt;
      }
    } else if (auto v = FlagValue(arg, "ring-fds")) {
      options.ring_fds = ParseFds(*v);
      if (options.ring_fds.size() != 3) {
        std::cerr << "inferd_python_stub: bad --ring-fds value '" << *v << "'\n";
        return std::nullopt;
      }
    } else if (auto v = FlagValue(arg, "python-dir")) {
      options.python_dir = *v;
    } else if (auto v = FlagValue(arg, "shm-prefix")) {
      options.shm_prefix = *v;
    } else {
      std::cerr << "inferd_python_stub: unknown argument '" << arg << "'\n";
      return std::nullopt;
    }
  }
  if (options.socket_fd < 0 || options.python_dir.empty() || options.shm_prefix.empty()) {
    std::cerr << "usage: inferd_python_stub --socket-fd=N [--ring-fds=M,A,B] --python-dir=DIR --shm-prefix=PREFIX\n";
    return std::nullopt;
  }
  return options;
}

// Exit code for a SystemExit raised by Python code (sys.exit semantics).
int SystemExitCode(py::error_already_set& e) {
  py::object code = e.value().attr("code");
  if (code.is_none()) return 0;
  if (py::isinstance<py::int_>(code)) return code.cast<int>();
  std::cerr << py::str(code).cast<std::string>() << "\n";
  return 1;
}

int RunStub(const Options& options) {
  py::module_ sys = py::module_::import("sys");
  sys.attr("path").attr("insert")(0, options.python_dir);
  // Some libraries read sys.argv[0]; an embedded interpreter has none of its own.
  py::list program_args;
  program_args.append("inferd_python_stub");
  sys.attr("argv") = program_args;
  py::module_ stub = py::module_::import("inferd_stub");
  // Without a ring (a stub started by hand or by tests) frames travel on the socket.
  py::object ring_fds = py::none();
  if (!options.ring_fds.empty()) {
    ring_fds = py::make_tuple(options.ring_fds[0], options.ring_fds[1], options.ring_fds[2]);
  }
  py::object result = stub.attr("main")(options.socket_fd, options.shm_prefix, ring_fds);
  return result.is_none() ? 0 : result.cast<int>();
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Options> options = ParseOptions(argc, argv);
  if (!options) return 2;

  py::scoped_interpreter interpreter;
  try {
    return RunStub(*options);
  } catch (py::error_already_set& e) {
    if (e.matches(PyExc_SystemExit)) return SystemExitCode(e);
    // Print the exception with its traceback the way the interpreter would.
    e.restore();
    PyErr_Print();
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "inferd_python_stub: " << e.what() << "\n";
    return 1;
  }
}
