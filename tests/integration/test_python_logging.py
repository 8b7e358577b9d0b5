"""Output of model.py in the server log (python_models/chatty): print() shows in the server's
console, and pb_utils.Logger lines come out as server log lines of the matching severity."""

import uuid

import numpy as np
import pytest

import python_models as pm
from python_models import serving


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return pm.make_repository(tmp_path_factory.mktemp("python_logging"), ["chatty"])


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


@pytest.fixture
def word(srv, make_client):
    """A fresh word the model has just printed and logged."""
    word = uuid.uuid4().hex
    result = make_client(srv).infer("chatty", {"TEXT": np.array([word.encode()], dtype=np.object_)})
    assert result.as_numpy("ECHO").tolist() == [word.encode()]
    return word


def test_print_appears_in_the_server_log(srv, word):
    assert serving.wait_for_log(srv, f"chatty print: {word}") == f"chatty print: {word}"


@pytest.mark.parametrize("kind,severity", [("info", "I"), ("warning", "W"), ("error", "E"), ("verbose", "I"),
                                           ("log", "W")])
def test_logger_lines_have_their_severity(srv, word, kind, severity):
    line = serving.wait_for_log(srv, f"chatty {kind}: {word}")
    assert line[0] == severity, line
    assert " model.py:" in line, line
    assert line.endswith(f"] chatty {kind}: {word}"), line


def test_a_line_logged_between_requests_arrives(srv, word):
    """A thread of the model logs after execute() returned, while no request is running:
    the server still reads the line (at most a few ms later) without a next request."""
    line = serving.wait_for_log(srv, f"chatty later: {word}")
    assert line.endswith(f"] chatty later: {word}"), line


def test_logger_works_in_initialize(srv):
    serving.wait_for_log(srv, "chatty initialized as chatty_0")
