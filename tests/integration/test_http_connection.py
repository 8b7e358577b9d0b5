"""How the HTTP server reads requests off a connection and writes replies.

Raw sockets, so the bytes on the wire are under the test's control: requests
sent together in one write (answered inline, or from another thread, or
followed by a malformed one), a request dribbled a few bytes at a time, a large
body in pieces, Expect: 100-continue, a half-closed connection, Connection:
close, and a reply larger than the socket buffers for a client that reads it
late.
"""

import json
import socket
import time

import numpy as np

INPUT = np.arange(16, dtype=np.float32).reshape(1, 16)


def infer_request(scale=1.0, extra_headers=b""):
    data = (INPUT * scale).flatten().tolist()
    body = json.dumps({"inputs": [
        {"name": "INPUT0", "datatype": "FP32", "shape": [1, 16], "data": data},
        {"name": "INPUT1", "datatype": "FP32", "shape": [1, 16], "data": data},
    ]}).encode()
    head = (b"POST /v2/models/add_sub_fp32/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
            extra_headers + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
    return head, body


def read_reply(sock, buffered=b""):
    """Reads one HTTP reply; returns (status, headers, body, bytes read past it)."""
    data = buffered
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed after {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ")[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(b":") for line in lines[1:])}
    length = int(headers.get(b"content-length", b"0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed inside a body"
        rest += chunk
    return status, headers, rest[:length], rest[length:]


def assert_sum(body, scale):
    outputs = {o["name"]: o for o in json.loads(body)["outputs"]}
    assert outputs["OUTPUT0"]["data"] == (INPUT * scale * 2).flatten().tolist()


def connect(server):
    sock = socket.create_connection(("127.0.0.1", server.http_port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def test_requests_sent_together_are_answered_in_order(server):
    with connect(server) as sock:
        sock.sendall(b"".join(part for scale in (1, 2, 3) for part in infer_request(scale)))
        left = b""
        for scale in (1, 2, 3):
            status, _, body, left = read_reply(sock, left)
            assert status == 200, body
            assert_sum(body, scale)
        assert left == b""


def small_cnn_request(value):
    """small_cnn goes through its dynamic batcher's queue: answered from another thread."""
    body = json.dumps({"inputs": [{"name": "input", "datatype": "FP32", "shape": [1, 3, 16, 16],
                                   "data": [value] * 768}]}).encode()
    return (b"POST /v2/models/small_cnn/infer HTTP/1.1\r\nHost: x\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n", body)


def test_requests_sent_together_wait_for_an_answer_from_another_thread(server):
    requests = [small_cnn_request(0.5), infer_request(2), small_cnn_request(-0.5)]
    with connect(server) as sock:
        sock.sendall(b"".join(part for request in requests for part in request))
        left = b""
        replies = []
        for _ in requests:
            status, _, body, left = read_reply(sock, left)
            assert status == 200, body
            replies.append(json.loads(body))
    assert [reply["model_name"] for reply in replies] == ["small_cnn", "add_sub_fp32", "small_cnn"]
    assert replies[0]["outputs"][0]["data"] != replies[2]["outputs"][0]["data"]
    assert_sum(json.dumps(replies[1]).encode(), 2)


def test_malformed_request_after_a_good_one_gets_400_and_the_connection_ends(server, http):
    with connect(server) as sock:
        sock.sendall(b"".join(infer_request(3)) + b"GARBAGE / HTTP/9\r\n\r\n")
        status, _, body, left = read_reply(sock)
        assert status == 200, body
        assert_sum(body, 3)
        status, headers, body, left = read_reply(sock, left)
        assert status == 400
        assert json.loads(body) == {"error": "malformed HTTP request: bad version"}
        assert headers[b"connection"].lower() == b"close"
        assert left == b"" and sock.recv(1) == b""
    assert http.get(server.url + "/v2/health/ready").status_code == 200


def test_request_arriving_a_few_bytes_at_a_time(server):
    head, body = infer_request(4)
    with connect(server) as sock:
        message = head + body
        for start in range(0, len(message), 7):
            sock.sendall(message[start:start + 7])
            time.sleep(0.001)
        status, _, reply, _ = read_reply(sock)
        assert status == 200, reply
        assert_sum(reply, 4)


def bytes_echo_request(payload):
    """string_identity request: one BYTES element holding `payload`, binary both ways."""
    tensor = len(payload).to_bytes(4, "little") + payload
    header = json.dumps({"inputs": [{"name": "INPUT0", "datatype": "BYTES", "shape": [1],
                                     "parameters": {"binary_data_size": len(tensor)}}],
                         "outputs": [{"name": "OUTPUT0", "parameters": {"binary_data": True}}]}).encode()
    body = header + tensor
    head = (b"POST /v2/models/string_identity/infer HTTP/1.1\r\nHost: x\r\n"
            b"Inference-Header-Content-Length: " + str(len(header)).encode() + b"\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
    return head, body


def assert_bytes_echo(headers, reply, payload):
    json_length = int(headers[b"inference-header-content-length"])
    assert reply[json_length:] == len(payload).to_bytes(4, "little") + payload


def test_large_body_in_pieces(server):
    payload = bytes(range(256)) * 4096  # 1 MiB
    head, body = bytes_echo_request(payload)
    with connect(server) as sock:
        sock.sendall(head)
        for start in range(0, len(body), 100_000):
            sock.sendall(body[start:start + 100_000])
        status, headers, reply, _ = read_reply(sock)
    assert status == 200, reply[:200]
    assert_bytes_echo(headers, reply, payload)


def test_expect_100_continue_gets_an_interim_reply_before_the_body(server):
    head, body = infer_request(5, extra_headers=b"Expect: 100-continue\r\n")
    with connect(server) as sock:
        sock.sendall(head)
        interim = b""
        while b"\r\n\r\n" not in interim:
            interim += sock.recv(1)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        status, _, reply, _ = read_reply(sock)
        assert status == 200, reply
        assert_sum(reply, 5)


def test_half_closed_connection_still_gets_its_reply(server):
    head, body = infer_request(6)
    with connect(server) as sock:
        sock.sendall(head + body)
        sock.shutdown(socket.SHUT_WR)
        status, _, reply, left = read_reply(sock)
        assert status == 200, reply
        assert_sum(reply, 6)
        assert left == b"" and sock.recv(1) == b""  # then the server closes


def test_connection_close_is_honoured(server):
    head, body = infer_request(7, extra_headers=b"Connection: close\r\n")
    with connect(server) as sock:
        sock.sendall(head + body)
        status, headers, reply, left = read_reply(sock)
        assert status == 200, reply
        assert headers[b"connection"].lower() == b"close"
        assert left == b"" and sock.recv(1) == b""


def test_reply_larger_than_the_socket_buffer_waits_for_a_slow_reader(server, http):
    payload = bytes(range(251)) * 66846  # 16 MiB, more than the socket buffers on both ends hold
    head, body = bytes_echo_request(payload)
    with connect(server) as sock:
        sock.sendall(head + body)
        time.sleep(0.5)  # the server fills the socket and must wait, not give up
        r = http.get(server.url + "/v2/health/ready")  # and it serves others meanwhile
        assert r.status_code == 200
        status, headers, reply, _ = read_reply(sock)
    assert status == 200, reply[:200]
    assert_bytes_echo(headers, reply, payload)
