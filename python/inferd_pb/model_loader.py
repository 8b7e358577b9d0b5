"""Importing model.py the way Triton does (spec section 1, "Module import").

The version directory and the model directory are appended to sys.path, then the file is
imported as module `<version>.<stem>` (e.g. `1.model`) inside a package `<version>`
rooted at the version directory. So a model may import a sibling file both as
`import helper` and as `from . import helper`.
"""

import importlib.util
import os
import sys
import types


def _version_package(name, version_dir):
    """The package `<version>` for relative imports; runs its __init__.py if present."""
    existing = sys.modules.get(name)
    if existing is not None:
        return existing
    init = os.path.join(version_dir, "__init__.py")
    if os.path.exists(init):
        spec = importlib.util.spec_from_file_location(
            name, init, submodule_search_locations=[version_dir])
        package = importlib.util.module_from_spec(spec)
        sys.modules[name] = package
        spec.loader.exec_module(package)
        return package
    package = types.ModuleType(name)
    package.__path__ = [version_dir]
    package.__package__ = name
    sys.modules[name] = package
    return package


def load_model_class(model_path, model_dir, version_dir):
    """Imports `model_path` and returns its `TritonPythonModel` class.

    Errors (missing file, import-time exceptions, missing class) propagate; the caller
    reports them to the server.
    """
    version_dir = version_dir or os.path.dirname(model_path)
    model_dir = model_dir or os.path.dirname(version_dir)
    for directory in (version_dir, model_dir):
        if directory not in sys.path:
            sys.path.append(directory)
    version = os.path.basename(os.path.normpath(version_dir))
    stem = os.path.splitext(os.path.basename(model_path))[0]
    _version_package(version, version_dir)
    module_name = f"{version}.{stem}"
    spec = importlib.util.spec_from_file_location(module_name, model_path)
    if spec is None:
        raise ImportError(f"cannot import '{model_path}'")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    model_class = getattr(module, "TritonPythonModel", None)
    if model_class is None:
        raise AttributeError(f"'{model_path}' does not define class 'TritonPythonModel'")
    return model_class
