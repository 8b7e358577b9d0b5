// The embedded module `_inferd_ring`: the stub's end of the ShmRing the server
// created (see src/backends/python/shm_ring.h), for python/inferd_pb/channel.py.
//
//   Ring(memory_fd, to_stub_wake_fd, to_server_wake_fd, socket_fd)
//   ring.recv_into(buffer, spin_seconds) -> bytes read; 0 when the server is gone
//   ring.send([bytes-like, ...])          raises BrokenPipeError when it is gone
//   ring.close()                          makes waits return and sends fail
//
// The GIL is released while a call waits, so other threads of the model run.

#include <pybind11/embed.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "backends/python/shm_ring.h"

namespace py = pybind11;

namespace {

// A contiguous buffer of a Python object, released on destruction.
class BufferView {
 public:
  BufferView(const py::handle& object, bool writable) {
    if (PyObject_GetBuffer(object.ptr(), &view_, writable ? PyBUF_WRITABLE : PyBUF_SIMPLE) != 0) {
      throw py::error_already_set();
    }
  }
  ~BufferView() { PyBuffer_Release(&view_); }
  BufferView(const BufferView&) = delete;
  BufferView& operator=(const BufferView&) = delete;
  char* data() const { return static_cast<char*>(view_.buf); }
  size_t size() const { return static_cast<size_t>(view_.len); }

 private:
  Py_buffer view_{};
};

[[noreturn]] void ThrowBrokenPipe() {
  PyErr_SetString(PyExc_BrokenPipeError, "the server closed the connection");
  throw py::error_already_set();
}

class StubRing {
 public:
  StubRing(int memory_fd, int to_stub_wake_fd, int to_server_wake_fd, int socket_fd) {
    std::string error;
    ring_ = inferd::ShmRing::Attach({memory_fd, to_stub_wake_fd, to_server_wake_fd}, socket_fd, &error);
    if (!ring_) throw std::runtime_error(error);
  }

  size_t RecvInto(const py::object& buffer, double spin_seconds) {
    BufferView out(buffer, true);
    if (out.size() == 0) return 0;
    if (ring_->Available() == 0) {
      const auto spin = std::chrono::microseconds(static_cast<long long>(spin_seconds * 1e6));
      py::gil_scoped_release unlocked;
      ring_->Wait(-1, spin);
    }
    // Bytes are there now, or the server is gone (0).
    return ring_->ReadSome(out.data(), out.size(), std::chrono::microseconds(0));
  }

  void Send(const py::list& pieces) {
    std::vector<std::unique_ptr<BufferView>> views;
    std::vector<iovec> vectors;
    size_t total = 0;
    views.reserve(pieces.size());
    vectors.reserve(pieces.size());
    for (const py::handle& piece : pieces) {
      views.push_back(std::make_unique<BufferView>(piece, false));
      vectors.push_back({views.back()->data(), views.back()->size()});
      total += views.back()->size();
    }
    bool written;
    if (total <= ring_->Room()) {
      written = ring_->Write(vectors.data(), vectors.size());  // no wait: keep the GIL
    } else {
      py::gil_scoped_release unlocked;
      written = ring_->Write(vectors.data(), vectors.size());
    }
    if (!written) ThrowBrokenPipe();
  }

  void Close() { ring_->Close(); }

 private:
  std::unique_ptr<inferd::ShmRing> ring_;
};

}  // namespace

PYBIND11_EMBEDDED_MODULE(_inferd_ring, m) {
  m.doc() = "The stub's end of the shared memory ring to the inferd server";
  py::class_<StubRing>(m, "Ring")
      .def(py::init<int, int, int, int>())
      .def("recv_into", &StubRing::RecvInto, py::arg("buffer"), py::arg("spin_seconds"))
      .def("send", &StubRing::Send, py::arg("pieces"))
      .def("close", &StubRing::Close);
}
