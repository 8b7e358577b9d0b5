"""Triton-style Python models for the Python backend tests, and repositories built from them.

Each folder here holds one model as a Triton user writes it: `model.py` and, unless the
model completes its own configuration, a `config.pbtxt` without a `name` line. deploy()
copies a model into a repository under any name (the `name` line is added, and extra
config text appended), so one model.py can be served in several configurations.

Shared memory helpers: the server names every segment it or its stubs create
`inferd_<server pid>_...` in /dev/shm, so leftovers are easy to find.
"""

import os
import re
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
SHM_DIR = "/dev/shm"


def deploy(repo, source, name=None, extra_config=""):
    """Copy model `source` into `repo` as model `name` (default: the same); returns its folder."""
    name = name or source
    model_dir = os.path.join(repo, name)
    version_dir = os.path.join(model_dir, "1")
    os.makedirs(version_dir, exist_ok=True)
    shutil.copy(os.path.join(HERE, source, "model.py"), os.path.join(version_dir, "model.py"))
    config = os.path.join(HERE, source, "config.pbtxt")
    if os.path.exists(config):
        with open(config, encoding="utf-8") as f:
            text = f.read()
        with open(os.path.join(model_dir, "config.pbtxt"), "w", encoding="utf-8") as f:
            f.write(f'name: "{name}"\n{text}{extra_config}')
    elif extra_config:
        raise ValueError(f"model '{source}' has no config.pbtxt to extend")
    return model_dir


def make_repository(repo, models):
    """Deploy several models; each entry is a source name or (name, source, extra_config)."""
    os.makedirs(repo, exist_ok=True)
    for entry in models:
        if isinstance(entry, str):
            deploy(repo, entry)
        else:
            name, source, extra = entry
            deploy(repo, source, name, extra)
    return str(repo)


def shm_segments(server_pid):
    """Names in /dev/shm that belong to the server with that pid."""
    prefix = f"inferd_{server_pid}_"
    return sorted(n for n in os.listdir(SHM_DIR) if n.startswith(prefix))


INPUT_SEGMENT = re.compile(r"^inferd_\d+_py\d+_in\d+$")


def is_input_segment(name):
    """True for a live instance's input segment (the one segment an idle instance keeps)."""
    return bool(INPUT_SEGMENT.match(name))
