"""The classifier on the verbatim lines of real vllm-ascend logs, inside the worker-log context they come in.

Each line below is quoted from the source named beside it; the context around it is vLLM v1's log framing
(`(Worker_TP0 pid=N) ERROR MM-DD HH:MM:SS [multiproc_executor.py:N] ...`, `(EngineCore_DP0 pid=N) ERROR ... [core.py:N]`)
as those same issues show it.
"""
import pytest

from ansible_collections.npuops.gptoss.plugins.module_utils.serving_rounds import diagnose
from ansible_collections.npuops.gptoss.plugins.module_utils.vllm_failures import KNOWN_FAILURES, classify

W = "(Worker_TP0 pid=22152) ERROR 10-02 05:47:55 [multiproc_executor.py:671] "
E = "(EngineCore_DP0 pid=21987) ERROR 10-02 05:47:55 [core.py:708] "

# The six lines issue 9 quotes.
OOM_RUNTIME = (  # vllm-ascend issue 1987
    "RuntimeError: NPU out of memory. Tried to allocate 3.47 GiB (NPU 0; 60.97 GiB total capacity; 58.92 GiB already "
    "allocated; 58.92 GiB current active; 1.66 GiB free; 58.95 GiB reserved in total by PyTorch) If reserved memory is "
    ">> allocated memory try setting max_split_size_mb to avoid fragmentation.")
OOM_WORKER = "RuntimeError: Worker with error 'NPU out of memory."  # vllm-ascend issue 3308 (its title)
CAPTURED_STREAM = ("EE9999: [PID: 97] 2025-10-30-06:53:28.381.401 Not allow to synchronize captured-stream, stream_id=20."
                   "[FUNC:StreamSynchronize][FILE:api_error.cc][LINE:960]")  # field guide section 5, issue 3895
RESULT_107027 = ("       synchronize stream failed, runtime result = 107027[FUNC:ReportCallError][FILE:log_inner.cpp]"
                 "[LINE:161]")  # field guide section 5 (CANN's ReportCallError line, as in issue 2800)
NEW_CAPTURE_STREAM = ("       New capture stream failed, stream_id=1987, event_id=[-1->70037].[FUNC:GetCaptureStream]"
                      "[FILE:capture_model_utils.cc][LINE:92]")  # vllm-ascend issue 9564
SIZES_CAPTURE = "ACLgraph sizes capture fail: RuntimeError:"  # vllm-ascend FAQ, issue 3389

ROPE = ".[rank0]:[E903 07:21:23.263967696 compiler_depend.ts:429] RopeOperation setup failed!"  # issue 2720
KV_FIT = ("ValueError: To serve at least one request with the models's max seq len (32768), (3.19 GiB KV cache is "
          "needed, which is larger than the available KV cache memory (2.95 GiB). Based on the available memory, the "
          "estimated maximum model length is 30208. Try increasing `gpu_memory_utilization` or decreasing "
          "`max_model_len` when initializing the engine.")  # vllm/v1/core/kv_cache_utils.py
KV_NONE = ("ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when "
           "initializing the engine.")  # vllm/v1/core/kv_cache_utils.py
MXFP4 = "  Value error, mxfp4 quantization is currently not supported in npu. [type=value_error, input_value=...]"
VOCAB = "openai_harmony.HarmonyError: error downloading or loading vocab file: failed to download or load vocab file"
HAL = "ImportError: libascend_hal.so: cannot open shared object file: No such file or directory"


def worker_log(*lines, engine=""):
    """Lines as a TP worker reports them, then the engine core's and the API server's ending."""
    body = [W + "WorkerProc hit an exception.", W + "Traceback (most recent call last):",
            W + '  File "/vllm-workspace/vllm-ascend/vllm_ascend/worker/model_runner_v1.py", line 2709, in initialize_kv_cache']
    body += [W + line for line in lines]
    body += [E + "EngineCore failed to start."] + ([E + engine] if engine else [])
    body += ["(APIServer pid=21800) RuntimeError: Engine core initialization failed. See root cause above. "
             "Failed core proc(s): {}"]
    return "\n".join(body) + "\n"


# The instance the demo's 910B4 host runs: TP2, the role's defaults, the tutorial's base environment (AIV).
TP2 = {"Config": {"Cmd": ["vllm", "serve", "/models/gpt-oss-20b", "--dtype", "bfloat16", "--tensor-parallel-size", "2",
                          "--max-model-len", "32768", "--max-num-seqs", "8", "--gpu-memory-utilization", "0.9"],
                  "Env": ["HCCL_OP_EXPANSION_MODE=AIV", "ASCEND_RT_VISIBLE_DEVICES=0,1"],
                  "Labels": {"io.npuops.gptoss.vllm_ascend_version": "v0.18.0rc1"}}}


@pytest.mark.parametrize("log, kind, step, changes", [
    (worker_log(OOM_RUNTIME), "npu_oom", "max_num_seqs", {"at_most": {"max_num_seqs": 4}}),
    (worker_log("RuntimeError: NPU out of memory.", engine=OOM_WORKER + " Tried to allocate 1.16 GiB', please check "
                "the stack trace above for the root cause"), "npu_oom", "max_num_seqs", {"at_most": {"max_num_seqs": 4}}),
    (worker_log("EE9999: Inner Error!", CAPTURED_STREAM), "acl_graph_capture", "enforce_eager",
     {"args": ["--enforce-eager"]}),
    (worker_log("EE9999: Inner Error!", "        TraceBack (most recent call last):", RESULT_107027),
     "acl_graph_capture", "enforce_eager", {"args": ["--enforce-eager"]}),
    (worker_log("        TraceBack (most recent call last):", NEW_CAPTURE_STREAM), "acl_graph_capture", "enforce_eager",
     {"args": ["--enforce-eager"]}),
    (worker_log(SIZES_CAPTURE, "ACLgraph has insufficient available streams to capture the configured number of "
                "sizes. Please verify both the availability of adequate streams and the appropriateness of the "
                "configured size count."), "acl_graph_capture", "enforce_eager", {"args": ["--enforce-eager"]}),
    (worker_log(ROPE), "rope_operation", "enforce_eager", {"args": ["--enforce-eager"]}),
    (worker_log(KV_FIT), "kv_cache_memory", "gpu_memory_utilization_up", {"at_least": {"gpu_memory_utilization": 0.95}}),
    (worker_log(KV_NONE), "kv_cache_memory", "gpu_memory_utilization_up",
     {"at_least": {"gpu_memory_utilization": 0.95}}),
])
def test_real_lines_get_their_kind_and_next_step(log, kind, step, changes):
    found = diagnose(log, TP2)
    assert found["kind"] == kind
    assert found["evidence"] in log and found["source"]
    assert found["next_step"]["name"] == step
    assert {k: v for k, v in found["next_step"].items() if k in ("at_most", "at_least", "env", "args")} == changes


@pytest.mark.parametrize("line", [OOM_RUNTIME, OOM_WORKER, CAPTURED_STREAM, RESULT_107027, NEW_CAPTURE_STREAM,
                                  SIZES_CAPTURE])
def test_each_quoted_line_alone_is_the_evidence(line):
    diagnosis = classify("INFO starting\n" + W + line + "\n" + E + "EngineCore failed to start.\n")
    assert diagnosis.evidence == (W + line).strip()


def test_the_kv_cache_estimate_is_read_from_vllms_message():
    assert classify(worker_log(KV_FIT)).details["estimated_max_model_len"] == 30208
    # Newer vLLM spells it "model's".
    newer = classify(worker_log(KV_FIT.replace("models's", "model's")))
    assert (newer.kind, newer.details["estimated_max_model_len"]) == ("kv_cache_memory", 30208)


def test_an_oom_while_the_weights_load_has_no_serving_remedy():
    log = worker_log('  File "/vllm-workspace/vllm-ascend/vllm_ascend/worker/model_runner_v1.py", line 2706, in load_model',
                     "    self.model = get_model(vllm_config=self.vllm_config)", OOM_RUNTIME)
    found = diagnose(log, TP2)
    assert (found["kind"], found["next_step"]) == ("npu_oom", None)
    assert "vllm_ascend_tensor_parallel_size" in found["hint"]


@pytest.mark.parametrize("line, kind, hint", [
    (MXFP4, "mxfp4", "BF16"), (VOCAB, "harmony_vocab", "TIKTOKEN_ENCODINGS_BASE"), (HAL, "driver_mount", "lib64"),
])
def test_failures_without_a_serving_remedy_say_what_to_change(line, kind, hint):
    found = diagnose(worker_log(line), TP2)
    assert (found["kind"], found["next_step"]) == (kind, None) and hint in found["hint"]


def test_no_pattern_without_a_source_and_no_paraphrase():
    for failure in KNOWN_FAILURES:
        for pattern in failure.patterns:
            assert pattern.source, pattern.regex
            assert "fp4 dtype" not in pattern.regex and "507903" not in pattern.regex


def test_unknown_failure_keeps_the_last_line_as_evidence():
    diagnosis = classify("booting\nSegmentation fault (core dumped)\n\n")
    assert (diagnosis.kind, diagnosis.evidence) == ("unknown", "Segmentation fault (core dumped)")


# vllm-ascend issue 405, verbatim: a second TP=4 process on the same host, both on HCCL's default port.
HCCL_COLLISION = """\
[rank0]: RuntimeError: createHCCLComm:build/CMakeFiles/torch_npu.dir/compiler_depend.ts:1479 HCCL function error: \
HcclGetRootInfo(&hcclID), error code is 11
[rank0]: [ERROR] 2025-03-26-17:01:03 (PID:159, Device:0, RankID:-1) ERR02200 DIST call hccl api failed.
[rank0]: EJ0003: [PID: 159] 2025-03-26-17:01:02.816.428 Failed to bind the IP port. Reason: The IP address and port \
have been bound already.
[rank0]:         TraceBack (most recent call last):
[rank0]:         host nic listen start failed, port[60000], return[11][FUNC:StartListenSocket][FILE:network_manager.cc]\
[LINE:1163]
"""


def test_hccl_port_collision_names_the_port_setting():
    diagnosis = classify(HCCL_COLLISION)
    assert diagnosis.kind == "hccl_port_in_use"
    assert diagnosis.evidence.startswith("[rank0]: EJ0003: [PID: 159]")
    assert "vllm_ascend_hccl_base_port" in diagnosis.hint
