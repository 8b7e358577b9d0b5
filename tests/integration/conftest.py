"""pytest fixtures: generated model repositories, running inferd servers, clients.

Models are generated once per session into a temporary directory. The `server`
fixture is one shared server over the good models; `start_server` starts extra
servers with special flags and stops them when the test ends. A test fails with
the server log if its server died underneath it.

Inference tests take `client`, which is parametrised over the two protocols
(`protocol` = "http" or "grpc") and offers the interface of client_api.
gRPC-only tests take `grpc_client`; the gRPC stubs are compiled from proto/
once per session (`stubs`, see grpc_stubs.py).
"""

import os
import sys

import pytest
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "models"))

import generate  # noqa: E402
import grpc_stubs  # noqa: E402
import kserve_http as kh  # noqa: E402
from server_process import ServerProcess  # noqa: E402


@pytest.fixture(scope="session")
def model_repo(tmp_path_factory):
    """Repository with every good test model."""
    repo = tmp_path_factory.mktemp("model_repository")
    generate.make_all(str(repo))
    return str(repo)


@pytest.fixture(scope="session")
def broken_repo(tmp_path_factory):
    """Repository with the three broken models plus two good ones."""
    repo = tmp_path_factory.mktemp("broken_repository")
    generate.make_broken_models(str(repo))
    generate.make(str(repo), ["add_sub_fp32", "string_identity"])
    return str(repo)


@pytest.fixture(scope="session")
def single_broken_repos(tmp_path_factory):
    """{broken model name: repository holding only that model}."""
    repos = {}
    for name in generate.BROKEN_MODELS:
        repo = tmp_path_factory.mktemp(f"only_{name}")
        generate.make(str(repo), [name])
        repos[name] = str(repo)
    return repos


def _new_session():
    """Keep-alive session; responses uncompressed unless a test asks otherwise."""
    s = requests.Session()
    s.headers["Accept-Encoding"] = "identity"
    return s


@pytest.fixture(scope="session")
def http():
    """A shared requests.Session with keep-alive."""
    s = _new_session()
    yield s
    s.close()


@pytest.fixture
def new_session():
    """Factory for extra keep-alive sessions (e.g. one per thread)."""
    sessions = []

    def make():
        s = _new_session()
        sessions.append(s)
        return s

    yield make
    for s in sessions:
        s.close()


@pytest.fixture(scope="session")
def _shared_server(model_repo, tmp_path_factory):
    log = tmp_path_factory.mktemp("logs") / "server.log"
    srv = ServerProcess([model_repo], str(log)).start()
    try:
        srv.wait_live()
        srv.wait_ready()
    except Exception:
        srv.stop()
        raise
    yield srv
    srv.stop()


@pytest.fixture
def server(_shared_server):
    """The shared server over the good models; fails the test if it died."""
    if not _shared_server.alive():
        pytest.fail(f"inferd died earlier (code {_shared_server.proc.returncode}); "
                    f"log:\n{_shared_server.log()[-8000:]}")
    yield _shared_server
    if not _shared_server.alive():
        pytest.fail(f"inferd died during the test (code {_shared_server.proc.returncode}); "
                    f"log:\n{_shared_server.log()[-8000:]}")


@pytest.fixture
def start_server(tmp_path):
    """Factory: start_server(repos, args, wait="ready"|"live"|None) -> ServerProcess.

    Servers started with wait != None must still be running at teardown; the
    test fails with the log otherwise. All are stopped afterwards.
    """
    started = []

    def start(repositories, args=(), wait="ready", timeout=60):
        log = tmp_path / f"server{len(started)}.log"
        srv = ServerProcess(repositories, str(log), extra_args=args).start()
        started.append((srv, wait is not None))
        if wait == "live":
            srv.wait_live(timeout)
        elif wait == "ready":
            srv.wait_live(timeout)
            srv.wait_ready(timeout)
        return srv

    yield start
    died = [s for s, expect_alive in started if expect_alive and not s.alive()]
    for srv, _ in started:
        srv.stop()
    if died:
        pytest.fail("inferd died unexpectedly; log:\n" + died[0].log()[-8000:])


@pytest.fixture(scope="session")
def stubs(tmp_path_factory):
    """Python modules generated from proto/ (messages, services, model_config)."""
    return grpc_stubs.generate(str(tmp_path_factory.mktemp("grpc_stubs")))


@pytest.fixture
def make_grpc_client(request):
    """Factory: make_grpc_client(server) -> kserve_grpc.GrpcClient, connected; closed afterwards."""
    import kserve_grpc

    stub_modules = request.getfixturevalue("stubs")
    clients = []

    def make(srv):
        client = kserve_grpc.GrpcClient(stub_modules, srv.grpc_target)
        clients.append(client)
        try:
            return client.wait_ready()
        except Exception as e:
            raise RuntimeError(f"no gRPC service at {srv.grpc_target}: {e!r}; log:\n"
                               f"{srv.log()[-4000:]}") from None

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def grpc_client(server, make_grpc_client):
    """A gRPC client of the shared server."""
    return make_grpc_client(server)


@pytest.fixture(params=["http", "grpc"])
def protocol(request):
    """The protocol an inference test runs over."""
    return request.param


@pytest.fixture
def make_client(request, protocol, new_session):
    """Factory: make_client(server) -> a client_api client of `server` over `protocol`.

    Each call opens its own connection (HTTP session or gRPC channel)."""
    if protocol == "http":
        return lambda srv: kh.HttpClient(new_session(), srv.url)
    return request.getfixturevalue("make_grpc_client")


@pytest.fixture
def client(server, make_client):
    """A client of the shared server over `protocol`."""
    return make_client(server)
