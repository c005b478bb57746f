# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HBM one chip of a vLLM instance needs for gpt-oss, and the budget vLLM may use on that chip.

need per chip = BF16 weights / TP
              + KV cache of the full-attention layers for max_model_len x max_num_seqs tokens
              + KV cache of the sliding-window layers (128 tokens per sequence)
              + a runtime reserve (NPU runtime, activation peak of vLLM's profile run, graph capture)
              + HCCL buffers when TP > 1
budget        = gpu_memory_utilization x HBM, capped at what the driver leaves free.

Sizes are in MB as npu-smi prints them (MiB: a 910B4 shows 32768). docs/serving-plan.md gives the source of
every constant and the calibration against the seed sizing table.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ansible_collections.npuops.gptoss.plugins.module_utils.gptoss_models import (
    BF16_BYTES,
    SLIDING_WINDOW_TOKENS,
    GptOssModel,
)

MB = 1 << 20
# Calibrated: every value in [1414, 2114] MB puts gpt-oss-20b inside the seed sizing table at the defaults
# below and still lets the vllm-ascend gpt-oss-120b tutorial line (TP4, 4096 x 4, 0.90) fit on 64 GB chips.
RUNTIME_RESERVE_MB = 1792
# vllm-ascend tutorials export HCCL_BUFFSIZE=512; CANN: each communicator holds 2 x HCCL_BUFFSIZE (send and
# receive). One communicator is counted: the tensor-parallel group, which only exists when TP > 1.
HCCL_BUFFSIZE_MB = 512
HCCL_COMMUNICATORS = 1
# The driver keeps about 3 GB of every chip: idle npu-smi HBM-Usage is 2654 MB on 910B4, 3187-3445 MB on 64 GB
# 910B and A3 dies, and torch_npu reports 60.96 GiB of a 64 GB 910B as total capacity.
DEVICE_RESERVED_MB = 3072

# The calibration point, also the serving_plan module's defaults.
DEFAULT_MAX_MODEL_LEN = 32768
DEFAULT_MAX_NUM_SEQS = 8
DEFAULT_GPU_MEMORY_UTILIZATION = 0.9


@dataclass(frozen=True)
class MemoryEstimate:
    weights_mb: int
    kv_cache_mb: int
    sliding_window_mb: int
    runtime_reserve_mb: int
    hccl_mb: int

    @property
    def total_mb(self) -> int:
        return self.weights_mb + self.kv_cache_mb + self.sliding_window_mb + self.runtime_reserve_mb + self.hccl_mb

    @property
    def fixed_mb(self) -> int:
        """The part that does not grow with max_model_len."""
        return self.total_mb - self.kv_cache_mb

    def as_dict(self) -> dict:
        return {"weights": self.weights_mb, "kv_cache": self.kv_cache_mb, "sliding_window_kv": self.sliding_window_mb,
                "runtime_reserve": self.runtime_reserve_mb, "hccl_buffers": self.hccl_mb, "total": self.total_mb}


def kv_heads_per_chip(model: GptOssModel, tensor_parallel_size: int) -> int:
    # vLLM splits KV heads over the TP ranks and replicates them once TP exceeds their number (TP16 keeps 1).
    return max(1, -(-model.kv_heads // tensor_parallel_size))


def kv_bytes_per_token(model: GptOssModel, tensor_parallel_size: int = 1) -> int:
    """KV bytes one token adds to one chip: full-attention layers x (K, V) x KV heads x head dim x BF16."""
    return model.full_attention_layers * _layer_bytes_per_token(model, tensor_parallel_size)


def sliding_window_bytes_per_sequence(model: GptOssModel, tensor_parallel_size: int = 1) -> int:
    return model.sliding_window_layers * _layer_bytes_per_token(model, tensor_parallel_size) * SLIDING_WINDOW_TOKENS


def estimate(model: GptOssModel, tensor_parallel_size: int, max_model_len: int, max_num_seqs: int) -> MemoryEstimate:
    """Per-chip need when max_num_seqs sequences of max_model_len tokens are resident at once."""
    kv = kv_bytes_per_token(model, tensor_parallel_size) * max_model_len * max_num_seqs
    sliding = sliding_window_bytes_per_sequence(model, tensor_parallel_size) * max_num_seqs
    return MemoryEstimate(
        weights_mb=_mb(model.weight_bytes / tensor_parallel_size),
        kv_cache_mb=_mb(kv),
        sliding_window_mb=_mb(sliding),
        runtime_reserve_mb=RUNTIME_RESERVE_MB,
        hccl_mb=2 * HCCL_BUFFSIZE_MB * HCCL_COMMUNICATORS if tensor_parallel_size > 1 else 0,
    )


def budget_mb(hbm_mb: int, gpu_memory_utilization: float) -> int:
    """What vLLM may fill on one chip: utilisation x HBM, but never the part the driver holds."""
    return min(int(math.floor(gpu_memory_utilization * hbm_mb)), hbm_mb - DEVICE_RESERVED_MB)


def largest_max_model_len(model: GptOssModel, tensor_parallel_size: int, max_num_seqs: int, budget: int,
                          step: int = 1024) -> int:
    """The largest max_model_len (a multiple of step, at most the model context) that fits; 0 when none does."""
    fixed = estimate(model, tensor_parallel_size, 0, max_num_seqs).total_mb
    per_len = kv_bytes_per_token(model, tensor_parallel_size) * max_num_seqs
    if budget <= fixed:
        return 0
    length = min(model.context_tokens, (budget - fixed) * MB // per_len // step * step)
    # Rounding each component up to whole MB can cost the last step.
    while length > 0 and estimate(model, tensor_parallel_size, length, max_num_seqs).total_mb > budget:
        length -= step
    return length


def _layer_bytes_per_token(model: GptOssModel, tensor_parallel_size: int) -> int:
    return 2 * kv_heads_per_chip(model, tensor_parallel_size) * model.head_dim * BF16_BYTES


def _mb(size: float) -> int:
    return int(math.ceil(size / MB))
