// inferd_python_stub: the process that runs one instance of a Python model.
//
// The server starts it with one end of a socketpair and talks to it through the
// protocol in PROTOCOL.md. This file only embeds CPython: it parses the command
// line, makes the stub's Python directory importable and hands control to
// `inferd_stub.main(socket_fd, shm_prefix)`, whose return value becomes the
// exit code. Everything about models, tensors and messages lives in Python.

#include <pybind11/embed.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

namespace py = pybind11;

namespace {

struct Options {
  int socket_fd = -1;
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
    std::cerr << "usage: inferd_python_stub --socket-fd=N --python-dir=DIR --shm-prefix=PREFIX\n";
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
  py::object result = stub.attr("main")(options.socket_fd, options.shm_prefix);
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
