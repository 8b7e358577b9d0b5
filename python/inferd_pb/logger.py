"""pb_utils.Logger: structured log lines emitted through the server's log.

Each call sends a `log` message with the caller's file and line; the server filters by its
own log settings. Outside a stub (no runtime) the line goes to stderr instead.
"""

import os
import sys

from . import runtime

_LEVEL_NAMES = ("INFO", "WARNING", "ERROR", "VERBOSE")


def _emit(message, level, depth):
    """Sends one log line; `depth` is how many frames above _emit the caller sits."""
    try:
        name = _LEVEL_NAMES[int(level)]
    except (IndexError, TypeError, ValueError):
        name = "INFO"
    frame = sys._getframe(depth + 1)
    file, line = frame.f_code.co_filename, frame.f_lineno
    rt = runtime.maybe_current()
    if rt is None:
        print(f"{name[0]} {os.path.basename(file)}:{line}] {message}", file=sys.stderr)
        return
    try:
        rt.channel.send({"type": "log", "level": name, "message": str(message),
                         "file": file, "line": line})
    except OSError:
        pass  # the server is gone; nothing useful to do with a log line


class Logger:
    """`Logger.log_info(msg)`, ..., `Logger.log(msg, level=Logger.INFO)`."""

    INFO = 0
    WARNING = 1
    ERROR = 2
    VERBOSE = 3

    @staticmethod
    def log(message, level=INFO):
        _emit(message, level, 1)

    @staticmethod
    def log_info(message):
        _emit(message, Logger.INFO, 1)

    @staticmethod
    def log_warn(message):
        _emit(message, Logger.WARNING, 1)

    @staticmethod
    def log_error(message):
        _emit(message, Logger.ERROR, 1)

    @staticmethod
    def log_verbose(message):
        _emit(message, Logger.VERBOSE, 1)
