"""The framed stream to the server, shared by every thread of the stub.

Frame: u32 LE header length, u32 LE blob length, JSON header, blob (PROTOCOL.md).
In the stub the stream is the server's shared memory ring (the embedded module
`_inferd_ring`), with the socket only telling that the server is gone; over a bare
socket (tests, a stub run by hand) the frames travel on the socket itself.

Writing: any thread may send; a lock keeps frames whole.

Reading uses a leader/follower scheme instead of a dedicated reader thread. Whichever
thread is waiting for a message (the main loop waiting for the next server request, or a
model thread waiting for a BLS or control result) and finds nobody reading becomes the
reader: it reads one frame, files it for its addressee and wakes the others. So the hot
path (main loop: read `execute`, run it, answer) involves no thread hand-off, while a
BLS call made from inside `execute`, from a helper thread or from an asyncio executor
still gets its answer, because the waiting thread reads it itself.
"""

import collections
import json
import os
import socket
import struct
import threading
import time

_PREFIX = struct.Struct("<II")
# Reused encoder/decoder objects: about twice as fast per message as json.dumps/loads
# (no per-call setup, no circular-reference bookkeeping, no bytes encoding detection).
encode_json = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode
_decode = json.JSONDecoder().raw_decode
_MAX_IOV = 512  # stay well below the kernel's IOV_MAX for sendmsg
# How long a reader that finds nothing to read keeps trying before it blocks. The server's next
# request usually follows an answer within tens of microseconds; catching it awake spares
# the wake-up of a sleeping process, which costs about as much on a virtual machine.
_SPIN_SECONDS = 100e-6


class ChannelClosed(ConnectionError):
    """The server closed the connection (or it broke)."""


class Channel:
    def __init__(self, sock, ring=None):
        self._sock = sock
        self._ring = ring
        self._receiver = _Receiver(sock, _SPIN_SECONDS, ring)
        self._write_lock = threading.Lock()
        self._cond = threading.Condition(threading.Lock())
        self._reading = False
        self._closed = False
        self._requests = collections.deque()  # server requests, for the main loop
        self._replies = {}  # (type, id) -> deque of (header, blob) for registered waiters

    # --- sending ----------------------------------------------------------------------

    def send(self, header, buffers=()):
        """Sends one frame: `header` (a dict, or its JSON text as a str) and a blob made of
        the bytes-like `buffers`."""
        text = header if isinstance(header, str) else encode_json(header)
        encoded = text.encode("utf-8")
        blob_size = 0
        for buf in buffers:
            blob_size += memoryview(buf).nbytes
        first = _PREFIX.pack(len(encoded), blob_size) + encoded
        with self._write_lock:
            if self._ring is not None:
                self._ring.send([first, *buffers])
            elif not buffers:
                self._sock.sendall(first)
            elif len(buffers) > _MAX_IOV:
                self._sock.sendall(first)
                for buf in buffers:
                    self._sock.sendall(buf)
            else:
                pieces = [first, *buffers]
                sent = self._sock.sendmsg(pieces)
                if sent < len(first) + blob_size:
                    self._send_rest(pieces, sent)

    def _send_rest(self, pieces, sent):
        """Finishes a sendmsg that wrote only `sent` bytes of `pieces`."""
        pending = [memoryview(p).cast("B") for p in pieces if memoryview(p).nbytes]
        while pending:
            while pending and sent >= len(pending[0]):
                sent -= len(pending[0])
                pending.pop(0)
            if sent:
                pending[0] = pending[0][sent:]
            if pending:
                sent = self._sock.sendmsg(pending)

    # --- receiving --------------------------------------------------------------------

    def expect(self, kind, ident):
        """Registers interest in replies ("bls_result"/"control_result"/"metric_result", id)
        before sending the request, so a fast reply is not dropped."""
        with self._cond:
            self._replies[(kind, ident)] = collections.deque()

    def forget(self, kind, ident):
        """Stops collecting replies for (kind, id); later ones are dropped."""
        with self._cond:
            self._replies.pop((kind, ident), None)

    def next_request(self):
        """Blocks until the server sends a request (init, execute, ...); (header, blob).

        Raises ChannelClosed when the connection ends.
        """
        requests = self._requests
        return self._wait(lambda: requests.popleft() if requests else None)

    def next_reply(self, kind, ident):
        """Blocks until the next reply registered with expect(kind, ident) arrives."""
        key = (kind, ident)

        def take():
            queue = self._replies.get(key)
            if queue is None:
                raise RuntimeError(f"no reply expected for {key}")
            return queue.popleft() if queue else None

        return self._wait(take)

    def _wait(self, take):
        cond = self._cond
        with cond:
            while True:
                message = take()
                if message is not None:
                    return message
                if self._closed:
                    raise ChannelClosed("the server closed the connection")
                if self._reading:
                    cond.wait()
                    continue
                # Read one frame with the lock released, then file it and look again.
                self._reading = True
                cond.release()
                frame = None
                try:
                    frame = self._read_frame()
                finally:
                    cond.acquire()
                    self._reading = False
                    if frame is None:
                        self._closed = True
                    else:
                        self._file(frame)
                    cond.notify_all()

    def _file(self, frame):
        """Puts a frame where its addressee will look (called with the lock held)."""
        header = frame[0]
        kind = header.get("type")
        if kind == "bls_result":
            queue = self._replies.get((kind, header.get("bls_id")))
        elif kind == "control_result":
            queue = self._replies.get((kind, header.get("control_id")))
        elif kind == "metric_result":
            queue = self._replies.get((kind, header.get("request_id")))
        else:
            queue = self._requests
        if queue is not None:
            queue.append(frame)

    def _read_frame(self):
        """One frame as (header dict, blob bytearray), or None at end of stream."""
        try:
            frame = self._receiver.frame()
        except OSError:
            return None
        if frame is None:
            return None
        text, blob = frame
        return _decode(text)[0], blob

    def close(self):
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._ring is not None:
            self._ring.close()
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _Receiver:
    """Reads the stream (the ring, or the socket) through its own buffer: a small frame
    usually arrives whole in one read, and a read that finds nothing retries for a short
    while before it blocks."""

    def __init__(self, sock, spin_seconds, ring=None):
        self._sock = sock
        self._ring = ring
        self._buffer = memoryview(bytearray(1 << 16))
        self._start = 0  # buffered bytes not yet handed out: [_start, _end)
        self._end = 0
        self._spin = spin_seconds

    def frame(self):
        """The next frame as (header text, blob bytearray); None if the stream ends first.

        A frame already in the buffer (the usual small one) costs no read at all."""
        buffer = self._buffer
        if self._end - self._start < _PREFIX.size:
            if not self._fill(_PREFIX.size):
                return None
        header_size, blob_size = _PREFIX.unpack_from(buffer, self._start)
        self._start += _PREFIX.size
        if header_size <= len(buffer) - _PREFIX.size:
            if self._end - self._start < header_size and not self._fill(header_size):
                return None
            start = self._start
            self._start = start + header_size
            text = str(buffer[start:start + header_size], "utf-8")
        else:
            raw = bytearray(header_size)
            if not self.read_into(memoryview(raw)):
                return None
            text = raw.decode("utf-8")
        blob = bytearray(blob_size)
        if blob_size and not self.read_into(memoryview(blob)):
            return None
        return text, blob

    def _fill(self, size):
        """Makes at least `size` (<= the buffer's size) bytes buffered; False if the stream
        ends first."""
        buffer = self._buffer
        if len(buffer) - self._start < size:  # move what is left to the front
            left = self._end - self._start
            buffer[:left] = bytes(buffer[self._start:self._end])
            self._start, self._end = 0, left
        while self._end - self._start < size:
            count = self._receive(buffer[self._end:])
            if count == 0:
                return False
            self._end += count
        return True

    def read_into(self, out):
        """Fills the memoryview `out` from the stream; False if it ends first."""
        size = len(out)
        got = min(size, self._end - self._start)
        out[:got] = self._buffer[self._start:self._start + got]
        self._start += got
        while got < size:
            if size - got >= len(self._buffer):  # large: straight into `out`
                count = self._receive(out[got:])
                if count == 0:
                    return False
                got += count
                continue
            count = self._receive(self._buffer)
            if count == 0:
                return False
            take = min(count, size - got)
            out[got:got + take] = self._buffer[:take]
            got += take
            self._start, self._end = take, count
        return True

    def _receive(self, view):
        """recv_into `view`. While nothing comes it retries without blocking for the spin
        time, yielding the core between tries, and only then blocks."""
        if self._ring is not None:
            return self._ring.recv_into(view, self._spin)
        try:
            return self._sock.recv_into(view, 0, socket.MSG_DONTWAIT)
        except BlockingIOError:
            pass
        deadline = time.perf_counter() + self._spin
        while time.perf_counter() < deadline:
            os.sched_yield()
            try:
                return self._sock.recv_into(view, 0, socket.MSG_DONTWAIT)
            except BlockingIOError:
                pass
        return self._sock.recv_into(view)
