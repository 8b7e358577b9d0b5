"""The stub's framed socket (python/inferd_pb/channel.py) against awkward arrivals.

Frames are written by hand on one end of a socketpair and read through Channel on the
other: several frames in one write, a frame a few bytes at a time, frames that straddle
the end of the receive buffer, a header larger than that buffer, and sends the socket
accepts only in part.
"""

import os
import socket
import struct
import sys
import threading
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "python"))

from inferd_pb import channel  # noqa: E402


def raw_frame(header_text, blob=b""):
    encoded = header_text.encode()
    return struct.pack("<II", len(encoded), len(blob)) + encoded + blob


@pytest.fixture
def pair():
    server, stub = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    yield server, stub
    server.close()
    stub.close()


def test_frames_written_together_come_out_one_by_one(pair):
    server, stub = pair
    server.sendall(raw_frame('{"type":"a","n":1}', b"xyz") + raw_frame('{"type":"b"}') +
                   raw_frame('{"type":"c","s":"\\u00e9"}', bytes(range(256))))
    reader = channel.Channel(stub)
    assert reader.next_request() == ({"type": "a", "n": 1}, bytearray(b"xyz"))
    assert reader.next_request() == ({"type": "b"}, bytearray())
    assert reader.next_request() == ({"type": "c", "s": "\u00e9"}, bytearray(range(256)))


def test_a_frame_arriving_a_few_bytes_at_a_time(pair):
    server, stub = pair
    data = raw_frame('{"type":"slow","list":[1,2,3]}', b"0123456789" * 5)

    def dribble():
        for start in range(0, len(data), 3):
            server.sendall(data[start:start + 3])
            time.sleep(0.0005)

    writer = threading.Thread(target=dribble)
    writer.start()
    header, blob = channel.Channel(stub).next_request()
    writer.join()
    assert header == {"type": "slow", "list": [1, 2, 3]}
    assert blob == b"0123456789" * 5


def test_frames_straddling_the_end_of_the_receive_buffer(pair):
    server, stub = pair
    # About 100 frames of 1-3 KiB: together more than the 64 KiB buffer, so some frame
    # starts near its end and continues in the next read.
    frames = [('{"type":"f","i":%d,"pad":"%s"}' % (i, "p" * (i * 37 % 900)),
               bytes([i % 256]) * (1000 + i * 13)) for i in range(100)]
    writer = threading.Thread(
        target=lambda: server.sendall(b"".join(raw_frame(h, b) for h, b in frames)))
    writer.start()
    reader = channel.Channel(stub)
    for index, (_, blob) in enumerate(frames):
        header, got = reader.next_request()
        assert header["i"] == index and len(header["pad"]) == index * 37 % 900
        assert got == blob
    writer.join()


def test_a_header_cut_by_the_end_of_the_receive_buffer(pair):
    server, stub = pair
    # The first read fills the 64 KiB buffer with the first frame and the start of the
    # second one's header; the rest of that header must join it.
    first_header = '{"type":"first"}'
    blob = b"f" * (65536 - 8 - len(first_header) - 20)
    second = raw_frame('{"type":"second","pad":"%s"}' % ("s" * 300), b"tail")
    server.sendall(raw_frame(first_header, blob) + second)
    reader = channel.Channel(stub)
    assert reader.next_request() == ({"type": "first"}, bytearray(blob))
    assert reader.next_request() == ({"type": "second", "pad": "s" * 300}, bytearray(b"tail"))


def test_a_header_larger_than_the_receive_buffer(pair):
    server, stub = pair
    big_text = '{"type":"big","text":"%s"}' % ("b" * 200_000)
    blob = os.urandom(300_000)
    writer = threading.Thread(
        target=lambda: server.sendall(raw_frame(big_text, blob) + raw_frame('{"type":"next"}')))
    writer.start()
    reader = channel.Channel(stub)
    header, got = reader.next_request()
    assert header["text"] == "b" * 200_000 and got == blob
    assert reader.next_request() == ({"type": "next"}, bytearray())
    writer.join()


def test_end_of_stream_inside_a_frame_closes_the_channel(pair):
    server, stub = pair
    server.sendall(raw_frame('{"type":"whole"}') + raw_frame('{"type":"cut"}', b"12345")[:-2])
    server.shutdown(socket.SHUT_WR)
    reader = channel.Channel(stub)
    assert reader.next_request() == ({"type": "whole"}, bytearray())
    with pytest.raises(channel.ChannelClosed):
        reader.next_request()


class _StingySocket:
    """A socket whose sendmsg accepts at most `limit` bytes per call."""

    def __init__(self, sock, limit):
        self._sock = sock
        self._limit = limit
        self.calls = 0

    def fileno(self):
        return self._sock.fileno()

    def sendall(self, data):
        self._sock.sendall(data)

    def sendmsg(self, buffers):
        self.calls += 1
        joined = b"".join(bytes(memoryview(b).cast("B")) for b in buffers)
        return self._sock.send(joined[:self._limit])


def test_a_send_the_socket_takes_in_parts_is_completed(pair):
    server, stub = pair
    stingy = _StingySocket(stub, limit=7)
    sender = channel.Channel(stingy)
    pieces = [b"abc", memoryview(bytearray(b"defghijklmnop")), b"", b"qrstuvwxyz" * 3]
    sender.send({"type": "parts", "k": [1, 2]}, pieces)
    sender.send('{"type":"text"}', [b"!"])
    assert stingy.calls > 5
    reader = channel.Channel(server)
    header, blob = reader.next_request()
    assert header == {"type": "parts", "k": [1, 2]}
    assert blob == b"abcdefghijklmnop" + b"qrstuvwxyz" * 3
    assert reader.next_request() == ({"type": "text"}, bytearray(b"!"))
