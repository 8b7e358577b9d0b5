"""Error types visible to model code: TritonError (a value) and TritonModelException."""

import enum


class TritonModelException(Exception):
    """Raised by pb_utils for invalid use; models may raise it too.

    The message propagates into the load or request error the client sees.
    """


class _ErrorCode(enum.IntEnum):
    """Error codes, numbered like TRITONSERVER_Error_Code; `.name` is the protocol's name."""

    UNKNOWN = 0
    INTERNAL = 1
    NOT_FOUND = 2
    INVALID_ARG = 3
    UNAVAILABLE = 4
    UNSUPPORTED = 5
    ALREADY_EXISTS = 6
    CANCELLED = 7


class TritonError:
    """An error carried by an InferenceResponse: a message and a code (default INTERNAL)."""

    UNKNOWN = _ErrorCode.UNKNOWN
    INTERNAL = _ErrorCode.INTERNAL
    NOT_FOUND = _ErrorCode.NOT_FOUND
    INVALID_ARG = _ErrorCode.INVALID_ARG
    UNAVAILABLE = _ErrorCode.UNAVAILABLE
    UNSUPPORTED = _ErrorCode.UNSUPPORTED
    ALREADY_EXISTS = _ErrorCode.ALREADY_EXISTS
    CANCELLED = _ErrorCode.CANCELLED

    __slots__ = ("_message", "_code")

    def __init__(self, message, code=_ErrorCode.INTERNAL):
        try:
            self._code = _ErrorCode(code)
        except ValueError:
            raise TritonModelException(f"unknown TritonError code {code!r}") from None
        self._message = str(message)

    def message(self):
        return self._message

    def code(self):
        return self._code

    def __str__(self):
        return self._message

    def __repr__(self):
        return f"TritonError({self._message!r}, {self._code.name})"

    def to_wire(self):
        """The protocol form: {"message", "code" (name)}."""
        return {"message": self._message, "code": self._code.name}

    @classmethod
    def from_wire(cls, obj):
        """Inverse of to_wire; unknown code names become UNKNOWN."""
        code = _ErrorCode.__members__.get(obj.get("code") or "INTERNAL", _ErrorCode.UNKNOWN)
        return cls(obj.get("message", ""), code)
