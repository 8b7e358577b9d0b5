"""--grpc-infer-response-compression-level: inference responses travel compressed to clients
that accept compression (grpcio accepts gzip and deflate by default). A relay between client
and server counts the bytes the server sends."""

import socket
import threading

import grpc
import numpy as np
import pytest

import kserve_grpc
from server_process import free_port

ELEMENTS = 1_000_000  # int8_identity answers 1 MB of INT8 and 4 MB of INT32


class CountingRelay:
    """Forwards one loopback port to another and counts the bytes coming back."""

    def __init__(self, target_port):
        self.port = free_port()
        self.from_server = 0
        self._target = target_port
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._threads = [threading.Thread(target=self._serve, daemon=True)]
        self._threads[0].start()

    def _serve(self):
        client, _ = self._listener.accept()
        server = socket.create_connection(("127.0.0.1", self._target))
        back = threading.Thread(target=self._pump, args=(server, client, True), daemon=True)
        back.start()
        self._pump(client, server, False)
        back.join()

    def _pump(self, source, sink, counted):
        try:
            while data := source.recv(1 << 16):
                if counted:
                    self.from_server += len(data)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self._listener.close()


def _bytes_back(stubs, grpc_port, streaming=False):
    """Infers int8_identity over zeros through a relay; (bytes from the server, outputs)."""
    relay = CountingRelay(grpc_port)
    client = kserve_grpc.GrpcClient(stubs, f"127.0.0.1:{relay.port}").wait_ready()
    try:
        x = np.zeros(ELEMENTS, np.int8)
        request = client.request("int8_identity", {"INPUT0": x})
        if streaming:
            [response] = list(client.stub.ModelStreamInfer(iter([request]), timeout=60))
            assert response.error_message == ""
            result = kserve_grpc.InferResult(response.infer_response)
        else:
            result = kserve_grpc.InferResult(client.stub.ModelInfer(request, timeout=60))
        return relay.from_server, result
    finally:
        client.close()
        relay.close()


@pytest.mark.parametrize("streaming", [False, True])
def test_responses_are_compressed_when_asked(start_server, model_repo, server, stubs, streaming):
    compressing = start_server([model_repo], ["--grpc-infer-response-compression-level=high"])
    sent, result = _bytes_back(stubs, compressing.grpc_port, streaming)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), np.zeros(ELEMENTS, np.int8))
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), np.zeros(ELEMENTS, np.int32))
    assert sent < 200_000

    plain, result = _bytes_back(stubs, server.grpc_port, streaming)
    assert result.as_numpy("OUTPUT1").shape == (ELEMENTS,)
    assert plain > 5 * ELEMENTS


def test_a_bad_level_is_a_usage_error(start_server, model_repo):
    srv = start_server([model_repo], ["--grpc-infer-response-compression-level=max"], wait=None)
    assert srv.wait_exit(30) != 0
    assert "--grpc-infer-response-compression-level" in srv.log()
