"""Model control from model code: load_model, unload_model, is_model_ready, get_model_dir.

Each call sends a `control` message and blocks until its `control_result`.
"""

import base64

from . import runtime
from .errors import TritonModelException


def _control(action, model_name, model_version="", config="", unload_dependents=False,
             files=None):
    """Sends one control request and returns the `control_result` header."""
    if not isinstance(model_name, str) or not model_name:
        raise TritonModelException(f"{action}: model_name must be a non-empty str")
    rt = runtime.current(f"{action}()")
    control_id = rt.next_id()
    header = {
        "type": "control",
        "control_id": control_id,
        "action": action,
        "model_name": model_name,
        "model_version": str(model_version),
        "config": config or "",
        "unload_dependents": bool(unload_dependents),
    }
    if files:
        header["files"] = {name: base64.b64encode(bytes(data)).decode("ascii")
                           for name, data in files.items()}
    channel = rt.channel
    channel.expect("control_result", control_id)
    try:
        channel.send(header)
        result, _ = channel.next_reply("control_result", control_id)
    except OSError as error:
        raise TritonModelException(f"{action}('{model_name}') failed: {error}") from None
    finally:
        channel.forget("control_result", control_id)
    return result


def load_model(model_name, config="", files=None):
    """Loads (or reloads) `model_name`; `config` is a config JSON string, `files` maps
    "file:<version>/<path>" to bytes. Raises TritonModelException on failure."""
    if files is not None and not isinstance(files, dict):
        raise TritonModelException("load_model: files must be a dict of name -> bytes")
    result = _control("load_model", model_name, config=config, files=files)
    if not result.get("ok"):
        raise TritonModelException(
            result.get("message") or f"failed to load model '{model_name}'")


def unload_model(model_name, unload_dependents=False):
    """Unloads `model_name`. Raises TritonModelException on failure."""
    result = _control("unload_model", model_name, unload_dependents=unload_dependents)
    if not result.get("ok"):
        raise TritonModelException(
            result.get("message") or f"failed to unload model '{model_name}'")


def is_model_ready(model_name, model_version=""):
    """True when the model (version "" = per the version policy) is ready."""
    result = _control("is_model_ready", model_name, model_version=model_version)
    return bool(result.get("ok") and result.get("ready"))


def get_model_dir():
    """The directory holding the loaded model.py (the version directory)."""
    return runtime.current("get_model_dir()").version_dir
