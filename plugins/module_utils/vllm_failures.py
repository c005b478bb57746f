# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Classify a vllm-ascend container log against the known failures.

Every pattern is a verbatim piece of a line the real engine (vLLM, vllm-ascend, torch_npu, CANN) prints, with its
source beside it. Which setting to change for a failure is decided in vllm_remediation, from the kind found here and
the instance's own settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Pattern:
    regex: str
    source: str


@dataclass(frozen=True)
class KnownFailure:
    kind: str
    summary: str
    patterns: tuple[Pattern, ...]
    # Failures no serving setting can fix: what must change on the host or in the deployment.
    hint: str = ""


KNOWN_FAILURES: tuple[KnownFailure, ...] = (
    KnownFailure("rope_operation", "RopeOperation setup failed", (
        Pattern(r"RopeOperation setup failed!", "vllm-ascend issues 2255, 2720, 6060 (torch_npu op-plugin ATB)"),
    )),
    KnownFailure("acl_graph_capture", "ACL graph capture failed", (
        Pattern(r"Not allow to synchronize captured-stream", "CANN runtime, vllm-ascend issue 3895"),
        Pattern(r"runtime result = 107027|error code is 107027",
                "CANN runtime, vllm-ascend issues 2473, 2567, 3963 (capture_model)"),
        Pattern(r"New capture stream failed", "CANN runtime, vllm-ascend issue 9564"),
        Pattern(r"ACLgraph sizes capture fail", "vllm-ascend model_runner_v1.py; FAQ 'size capture failures "
                                                "resulting from stream resource exhaustion'; issue 3389"),
        Pattern(r"ACLgraph has insufficient available streams", "vllm-ascend model_runner_v1.py; FAQ, issue 3389"),
        Pattern(r"Stream resources are insufficient", "torch_npu, vllm-ascend FAQ (main): error code 207008"),
        Pattern(r"AclmdlRICapture(?:Begin|End)\(|operator name is aclmdlRICaptureEnd",
                "torch_npu NPUGraph, vllm-ascend issues 3895, 8393, 13792"),
    )),
    # vLLM's own KV-cache checks (vllm/v1/core/kv_cache_utils.py): the message names the remedy.
    KnownFailure("kv_cache_memory", "not enough memory for the KV cache", (
        Pattern(r"No available memory for the cache blocks", "vllm/v1/core/kv_cache_utils.py"),
        # "models's" in older releases, "model's" in newer ones.
        Pattern(r"To serve at least one request with the models?'s max seq len", "vllm/v1/core/kv_cache_utils.py"),
    )),
    KnownFailure("npu_oom", "NPU out of memory", (
        Pattern(r"Worker (?:failed )?with error 'NPU out of memory\.", "vllm-ascend issue 3308"),
        Pattern(r"RuntimeError: NPU out of memory\.", "vllm-ascend issue 1987"),
        Pattern(r"torch\.OutOfMemoryError: NPU out of memory\. Tried to allocate", "torch_npu caching allocator"),
    )),
    KnownFailure("harmony_vocab", "tiktoken vocabulary missing", (
        Pattern(r"HarmonyError: error downloading or loading vocab file", "vllm issue 22525 (openai_harmony)"),
    ), "stage o200k_base.tiktoken and set TIKTOKEN_ENCODINGS_BASE (npuops.gptoss.model_weights)"),
    KnownFailure("driver_mount", "driver libraries not mounted", (
        Pattern(r"libascend_hal\.so: cannot open shared object file", "vllm-ascend issue 1440"),
    ), "mount /usr/local/Ascend/driver/lib64 read-only into the container"),
    # vllm/platforms/interface.py verify_quantization: "{quant} quantization is currently not supported in {device}."
    KnownFailure("mxfp4", "MXFP4 weights on NPU", (
        Pattern(r"mxfp4 quantization is currently not supported in npu\.", "vllm/platforms/interface.py"),
    ), "serve BF16 weights (e.g. unsloth/gpt-oss-20b-BF16)"),
    # vllm-ascend issue 405: two TP>1 instances on the host network on one HCCL_IF_BASE_PORT (default 60000).
    KnownFailure("hccl_port_in_use", "HCCL host port already bound (EJ0003)", (
        Pattern(r"Failed to bind the IP port\. Reason: The IP address and port have been bound already",
                "CANN HCCL EJ0003, vllm-ascend issues 405, 11968"),
        Pattern(r"host nic listen start failed, port\[\d+\]", "CANN HCCL network_manager.cc, vllm-ascend issue 405"),
    ), "give each instance its own HCCL_IF_BASE_PORT range (vllm_ascend_hccl_base_port, 32 ports each); "
       "do not set HCCL_IF_BASE_PORT in vllm_ascend_env"),
    KnownFailure("device_busy", "NPU held by another process", (
        Pattern(r"ret is -8020", "npu-smi (dcmi), field guide section 5"),
    ), "stop the other container using these chips"),
    KnownFailure("driver_not_loaded", "NPU driver not usable", (
        Pattern(r"ret is -8005", "npu-smi (dcmi), field guide section 5"),
    ), "reboot after a driver upgrade, or check the device mounts"),
)

# vLLM's estimate after "Based on the available memory" (vllm/v1/core/kv_cache_utils.py).
_ESTIMATED_LEN = re.compile(r"estimated maximum model length is (\d+)")
# The traceback of an allocation made while the weights load (vllm-ascend model_runner_v1.py load_model;
# vllm-ascend issue 19's log): no serving setting makes the weights smaller.
_IN_LOAD_MODEL = re.compile(r", in load_model$", re.MULTILINE)


@dataclass(frozen=True)
class Diagnosis:
    kind: str
    summary: str
    evidence: str
    source: str
    hint: str
    # What the log says beyond the kind: in_load_model (bool), estimated_max_model_len (int).
    details: dict = field(default_factory=dict)


def _details(log: str) -> dict:
    found: dict = {"in_load_model": bool(_IN_LOAD_MODEL.search(log))}
    match = _ESTIMATED_LEN.search(log)
    if match:
        found["estimated_max_model_len"] = int(match.group(1))
    return found


def classify(log: str) -> Diagnosis:
    """The first known failure in the log (in the table's order), the line that shows it and the pattern's source."""
    lines = log.splitlines()
    for failure in KNOWN_FAILURES:
        for pattern in failure.patterns:
            regex = re.compile(pattern.regex)
            line = next((text for text in lines if regex.search(text)), None)
            if line is not None:
                return Diagnosis(failure.kind, failure.summary, line.strip()[-400:], pattern.source, failure.hint,
                                 _details(log))
    tail = next((line.strip() for line in reversed(lines) if line.strip()), "")
    return Diagnosis("unknown", "unrecognised failure", tail[-400:], "", "read the container log; no known remedy applies",
                     _details(log))
