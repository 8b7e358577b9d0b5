"""pb_utils.ModelConfig: the config handed to `auto_complete_config` (spec section 6).

Wraps the parsed config JSON. The setters refuse changes that contradict what the
config already says; anything they accept is written into the dict, which the stub
serializes back to the server after the hook returns.
"""

import json

_INPUT_KEYS = ("name", "data_type", "dims", "optional")
_OUTPUT_KEYS = ("name", "data_type", "dims")


class ModelConfig:
    def __init__(self, model_config):
        if isinstance(model_config, (str, bytes)):
            model_config = json.loads(model_config)
        if not isinstance(model_config, dict):
            raise ValueError("ModelConfig expects the model configuration as a JSON string")
        self._config = model_config

    def _model(self):
        return self._config.get("name", "")

    def as_dict(self):
        return self._config

    def set_max_batch_size(self, max_batch_size):
        """Sets max_batch_size unless the config already specifies a larger one."""
        current = self._config["max_batch_size"]
        if current > max_batch_size:
            raise ValueError(
                f"configuration specified max_batch_size {current}, but in "
                f"auto-complete-config function for model '{self._model()}' specified "
                f"max_batch_size {max_batch_size}")
        self._config["max_batch_size"] = max_batch_size

    def set_dynamic_batching(self):
        """Selects the dynamic batcher unless another scheduler was configured."""
        for other in ("sequence_batching", "ensemble_scheduling"):
            if other in self._config:
                raise ValueError(
                    f"Configuration specified scheduling_choice as '{other}', but "
                    f"auto-complete-config function for model '{self._model()}' tries to "
                    "set scheduling_choice as 'dynamic_batching'")
        self._config.setdefault("dynamic_batching", {})

    def add_input(self, input):
        """Adds an input, or completes the input of that name (see module docstring)."""
        self._add_tensor("input", input, _INPUT_KEYS)

    def add_output(self, output):
        """Adds an output, or completes the output of that name."""
        self._add_tensor("output", output, _OUTPUT_KEYS)

    def set_model_transaction_policy(self, transaction_policy_dict):
        """Sets `decoupled`; changing an already configured value is an error."""
        if not isinstance(transaction_policy_dict, dict):
            raise ValueError(
                f"model transaction policy for model '{self._model()}' must be a dictionary")
        for key in transaction_policy_dict:
            if key != "decoupled":
                raise ValueError(
                    "model transaction property in auto-complete-config function for model "
                    f"'{self._model()}' contains property other than 'decoupled'")
        policy = self._config.setdefault("model_transaction_policy", {})
        if "decoupled" in transaction_policy_dict:
            wanted = transaction_policy_dict["decoupled"]
            if "decoupled" in policy and policy["decoupled"] != wanted:
                raise ValueError(
                    "trying to change decoupled property in auto-complete-config for model "
                    f"'{self._model()}', which is already set to '{policy['decoupled']}'.")
            policy["decoupled"] = wanted

    def _add_tensor(self, section, tensor, allowed):
        """Shared rules of add_input/add_output; `section` is "input" or "output"."""
        model = self._model()
        if not isinstance(tensor, dict):
            raise ValueError(
                f"{section} in auto-complete-config function for model '{model}' must be a "
                "dictionary")
        for key in tensor:
            if key not in allowed:
                names = ", ".join(f"'{k}'" for k in allowed[:-1]) + f" and '{allowed[-1]}'"
                raise ValueError(
                    f"{section} '{tensor.get('name', '')}' in auto-complete-config function "
                    f"for model '{model}' contains property other than {names}.")
        for key in ("name", "data_type", "dims"):
            if key not in tensor:
                raise ValueError(
                    f"{section} in auto-complete-config function for model '{model}' is "
                    f"missing '{key}' property.")
        name = tensor["name"]
        for existing in self._config[section]:
            if existing.get("name") != name:
                continue
            self._merge(section, model, existing, tensor)
            return
        self._config[section].append(tensor)

    @staticmethod
    def _merge(section, model, existing, tensor):
        """Completes an existing entry; conflicting values raise ValueError."""
        name = tensor["name"]
        old_type = existing.get("data_type", "TYPE_INVALID")
        if old_type not in ("TYPE_INVALID", tensor["data_type"]):
            raise ValueError(
                f"model '{model}', {section} '{name}': the model expects data_type "
                f"{tensor['data_type']} but the configuration specifies data_type "
                f"{old_type}")
        old_dims = list(existing.get("dims") or [])
        new_dims = list(tensor["dims"])
        if old_dims and old_dims != new_dims:
            raise ValueError(
                f"model '{model}', {section} '{name}': the model expects dims {new_dims} but "
                f"the configuration specifies dims {old_dims}")
        if "optional" in tensor and "optional" in existing and \
                existing["optional"] != tensor["optional"]:
            raise ValueError(
                f"model '{model}', {section} '{name}': the model expects optional "
                f"{tensor['optional']} but the configuration specifies optional "
                f"{existing['optional']}")
        existing["data_type"] = tensor["data_type"]
        existing["dims"] = new_dims
        if "optional" in tensor:
            existing["optional"] = tensor["optional"]
