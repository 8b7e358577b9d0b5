"""pb_utils.InferenceResponse and the parameter rules shared with requests."""

import json

from .errors import TritonError, TritonModelException
from .tensor import Tensor


def check_parameters(parameters, what):
    """Validates a parameters argument: None, a dict str -> bool/int/str, or its JSON text.

    Returns a (possibly empty) dict; raises TritonModelException otherwise.
    """
    if parameters is None:
        return {}
    if isinstance(parameters, str):
        try:
            parameters = json.loads(parameters)
        except ValueError as error:
            raise TritonModelException(f"{what} parameters are not valid JSON: {error}") from None
    if not isinstance(parameters, dict):
        raise TritonModelException(f"{what} parameters must be a dict, got "
                                   f"{type(parameters).__name__}")
    for key, value in parameters.items():
        if not isinstance(key, str):
            raise TritonModelException(f"{what} parameter keys must be str, got {key!r}")
        if not isinstance(value, (bool, int, str)):
            raise TritonModelException(
                f"{what} parameter '{key}' must be bool, int or str, got "
                f"{type(value).__name__}")
    return parameters


class InferenceResponse:
    """`InferenceResponse(output_tensors=[], error=None, parameters=None)`."""

    __slots__ = ("_outputs", "_error", "_parameters")

    def __init__(self, output_tensors=None, error=None, parameters=None):
        if output_tensors is None:
            output_tensors = []
        elif not isinstance(output_tensors, (list, tuple)):
            raise TritonModelException("InferenceResponse output_tensors must be a list of "
                                       f"Tensor, got {type(output_tensors).__name__}")
        for tensor in output_tensors:
            if not isinstance(tensor, Tensor):
                raise TritonModelException("InferenceResponse output_tensors must hold Tensor "
                                           f"objects, got {type(tensor).__name__}")
        if error is not None and not isinstance(error, TritonError):
            raise TritonModelException("InferenceResponse error must be a TritonError, got "
                                       f"{type(error).__name__}")
        self._outputs = list(output_tensors)
        self._error = error
        self._parameters = check_parameters(parameters, "InferenceResponse")

    @classmethod
    def _wrap(cls, outputs, error, parameters):
        """Builds a response from already valid parts (no checks)."""
        response = cls.__new__(cls)
        response._outputs = outputs
        response._error = error
        response._parameters = parameters
        return response

    def output_tensors(self):
        return list(self._outputs)

    def has_error(self):
        return self._error is not None

    def error(self):
        return self._error

    def parameters(self):
        """The response parameters as a JSON string."""
        return json.dumps(self._parameters)

    def __repr__(self):
        if self._error is not None:
            return f"InferenceResponse(error={self._error!r})"
        return f"InferenceResponse(outputs={self._outputs!r})"
