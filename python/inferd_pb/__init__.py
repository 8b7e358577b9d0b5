"""Internals of inferd's Python backend.

The public face is the module `triton_python_backend_utils` (imported by model.py as
`pb_utils`), which re-exports the classes defined here; `inferd_stub` is the process's
message loop. The modules in this package each do one job:

    constants     the integer constants of the pb_utils API
    dtypes        datatype tables (config enum, KServe name, numpy)
    bytes_codec   the length-prefixed BYTES tensor encoding
    errors        TritonError, TritonModelException
    tensor        Tensor
    shm           POSIX shared memory segments (map inputs, create outputs)
    channel       framed socket to the server, shared by all threads
    runtime       per-process state (the channel, shm prefix, model directory)
    wire          tensors and responses <-> protocol JSON + data
    response      InferenceResponse
    request       InferenceRequest (server side and BLS), response sender, iterator
    logger        Logger
    control       load_model / unload_model / is_model_ready / get_model_dir
    model_config  ModelConfig used by auto_complete_config
    metrics       MetricFamily, Metric (held by the server, exported on /metrics)
    model_loader  importing model.py the way Triton does
    batch         the requests of one execute message and where their responses go
    executor      calling TritonPythonModel.execute and answering the server
"""
