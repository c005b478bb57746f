# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Classify a vllm-ascend container log against the known failures, and pick the next remediation step.

The table and the order of each ladder follow the field guide's failure table and the seed procedure:
reproduce, separate graph capture from operator failures with --enforce-eager, then apply the targeted fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class KnownFailure:
    kind: str
    pattern: str
    summary: str
    # Remediation step names (vllm_ascend's __vllm_ascend_remedies), tried in this order.
    ladder: tuple[str, ...]
    # Failures no serving flag can fix: the host or the deployment must change.
    hint: str = ""


KNOWN_FAILURES: tuple[KnownFailure, ...] = (
    KnownFailure("rope_operation", r"RopeOperation setup failed", "RopeOperation setup failed", ("enforce_eager",)),
    # The real log spreads it over lines: "EZ9999: Inner Error!", "...operator name is aclmdlRICaptureEnd.",
    # "...captured-stream...", "reason=[stream is captured]" (vllm-ascend issue 3895).
    KnownFailure("acl_graph_capture",
                 r"EZ9999.*([Cc]aptur|[Gg]raph)|aclmdlRICapture|captured-stream|stream is captured|ACL ?Graph capture",
                 "ACL graph capture error (EZ9999)", ("hccl_aiv", "enforce_eager")),
    KnownFailure("npu_oom", r"OutOfMemoryError: NPU out of memory|No available memory for the cache blocks"
                 r"|To serve at least one request with the models's max seq len",
                 "NPU out of memory",
                 ("expandable_segments", "max_model_len_32k", "max_num_seqs_4", "memory_utilization_085")),
    KnownFailure("harmony_vocab", r"HarmonyError: error downloading or loading vocab file",
                 "tiktoken vocabulary missing", (),
                 "stage o200k_base.tiktoken and set TIKTOKEN_ENCODINGS_BASE (npuops.gptoss.model_weights)"),
    KnownFailure("driver_mount", r"libascend_hal\.so: cannot open shared object file",
                 "driver libraries not mounted", (),
                 "mount /usr/local/Ascend/driver/lib64 read-only into the container"),
    KnownFailure("mxfp4", r"mxfp4 quantization is currently not supported|unsupported fp4 dtype|[Ff][Pp]4.*not supported",
                 "MXFP4 weights on NPU", (), "serve BF16 weights (e.g. unsloth/gpt-oss-20b-BF16)"),
    # vllm-ascend issue 405: two TP>1 instances on the host network on one HCCL_IF_BASE_PORT (default 60000).
    KnownFailure("hccl_port_in_use", r"Failed to bind the IP port\. Reason: The IP address and port have been bound already"
                 r"|host nic listen start failed, port\[\d+\]",
                 "HCCL host port already bound (EJ0003)", (),
                 "give each instance its own HCCL_IF_BASE_PORT range (vllm_ascend_hccl_base_port, 32 ports each); "
                 "do not set HCCL_IF_BASE_PORT in vllm_ascend_env"),
    KnownFailure("device_busy", r"ret is -8020|device is used", "NPU held by another process", (),
                 "stop the other container using these chips"),
    KnownFailure("driver_not_loaded", r"ret is -8005", "NPU driver not usable", (),
                 "reboot after a driver upgrade, or check the device mounts"),
)


@dataclass(frozen=True)
class Diagnosis:
    kind: str
    summary: str
    evidence: str
    next_step: str | None
    hint: str


def classify(log: str, applied: list[str] | tuple[str, ...] = ()) -> Diagnosis:
    """The first known failure in the log, the line that shows it, and the first ladder step not yet applied."""
    lines = log.splitlines()
    for failure in KNOWN_FAILURES:
        regex = re.compile(failure.pattern)
        for line in lines:
            if regex.search(line):
                step = next((s for s in failure.ladder if s not in applied), None)
                hint = failure.hint or ("" if step else "every remediation step for it was already applied")
                return Diagnosis(failure.kind, failure.summary, line.strip()[-400:], step, hint)
    tail = next((line.strip() for line in reversed(lines) if line.strip()), "")
    return Diagnosis("unknown", "unrecognised failure", tail[-400:], None,
                     "read the container log; no known remedy applies")
