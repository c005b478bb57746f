"""The per-chip memory model against the field guide's figures and the seed sizing table.

Expected values are worked out by hand in the comments (MB = MiB, as npu-smi prints HBM; GB = 1024 MB).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.npuops.gptoss.plugins.module_utils import serving_memory
from ansible_collections.npuops.gptoss.plugins.module_utils.gptoss_models import MODELS
from ansible_collections.npuops.gptoss.plugins.module_utils.serving_memory import (
    budget_mb,
    estimate,
    kv_bytes_per_token,
    kv_heads_per_chip,
    largest_max_model_len,
)

GPT_20B = MODELS["gpt-oss-20b"]
GPT_120B = MODELS["gpt-oss-120b"]
GB = 1024  # MB
DOC = Path(__file__).resolve().parents[4] / "docs" / "serving-plan.md"


def test_model_facts_from_the_field_guide():
    assert (GPT_20B.layers, GPT_20B.full_attention_layers, GPT_20B.sliding_window_layers) == (24, 12, 12)
    assert (GPT_120B.layers, GPT_120B.full_attention_layers, GPT_120B.sliding_window_layers) == (36, 18, 18)
    # params x 2 bytes: the field guide's ~42 GB and ~234 GB
    assert (GPT_20B.weight_bytes, GPT_120B.weight_bytes) == (41_800_000_000, 233_600_000_000)
    assert GPT_20B.context_tokens == GPT_120B.context_tokens == 131072


def test_kv_cache_is_24_kib_per_token_for_20b():
    # 12 full-attention layers x 2 (K, V) x 8 KV heads x 64 x 2 bytes
    assert kv_bytes_per_token(GPT_20B) == 24 * 1024
    # FIELD-GUIDE section 4: 3 GiB at 131072 tokens, as in the llama.cpp log of the seeds
    assert kv_bytes_per_token(GPT_20B) * 131072 == 3 * 1024 ** 3
    assert estimate(GPT_20B, 1, 131072, 1).kv_cache_mb == 3 * GB
    # 120b: 18 full-attention layers
    assert kv_bytes_per_token(GPT_120B) == 36 * 1024


def test_kv_heads_split_then_replicate():
    assert [kv_heads_per_chip(GPT_20B, tp) for tp in (1, 2, 4, 8, 16)] == [8, 4, 2, 1, 1]
    assert kv_bytes_per_token(GPT_20B, 16) == kv_bytes_per_token(GPT_20B, 8) == 3 * 1024


def test_defaults_are_the_calibration_point():
    assert serving_memory.DEFAULT_MAX_MODEL_LEN == 32768
    assert serving_memory.DEFAULT_MAX_NUM_SEQS == 8
    assert serving_memory.DEFAULT_GPU_MEMORY_UTILIZATION == 0.9


@pytest.mark.parametrize("tp, low_gb, high_gb, expected", [
    # 39864 weights + 6144 KV (24 KiB x 32768 x 8) + 24 sliding (12 x 2048 B x 128 x 8) + 1792 reserve
    (1, 40, 48, {"weights": 39864, "kv_cache": 6144, "sliding_window_kv": 24, "runtime_reserve": 1792,
                 "hccl_buffers": 0, "total": 47824}),
    # 20.9e9 B / 2^20 = 19931.8 -> 19932; KV and sliding halve; HCCL 2 x 512
    (2, 24, 28, {"weights": 19932, "kv_cache": 3072, "sliding_window_kv": 12, "runtime_reserve": 1792,
                 "hccl_buffers": 1024, "total": 25832}),
    # 5.225e9 B -> 4983; one KV head per chip
    (8, 8, 10, {"weights": 4983, "kv_cache": 768, "sliding_window_kv": 3, "runtime_reserve": 1792,
                "hccl_buffers": 1024, "total": 8570}),
])
def test_20b_lands_in_the_seed_sizing_table_at_the_defaults(tp, low_gb, high_gb, expected):
    memory = estimate(GPT_20B, tp, 32768, 8)
    assert memory.as_dict() == expected
    assert low_gb * GB <= memory.total_mb <= high_gb * GB


def test_the_vllm_ascend_120b_tutorial_line_fits_tp4_on_64_gb():
    # TP4, max_model_len 4096, max_num_seqs 4, gpu_memory_utilization 0.90 on 64 GB chips
    memory = estimate(GPT_120B, 4, 4096, 4)
    # 58.4e9 B -> 55695; 9216 B x 16384 tokens = 144; 18 x 512 B x 128 x 4 = 4.5 -> 5
    assert memory.as_dict() == {"weights": 55695, "kv_cache": 144, "sliding_window_kv": 5, "runtime_reserve": 1792,
                                "hccl_buffers": 1024, "total": 58660}
    assert memory.total_mb <= budget_mb(65536, 0.9) == 58982
    # At 32768 x 8 the KV cache needs 2304 MB more: TP4 no longer fits
    assert estimate(GPT_120B, 4, 32768, 8).total_mb == 60824


def test_budget_is_utilisation_of_hbm_capped_by_the_driver_reserve():
    assert budget_mb(32768, 0.9) == 29491
    assert budget_mb(65536, 0.9) == 58982
    assert budget_mb(32768, 1.0) == 32768 - 3072
    assert budget_mb(65536, 0.95) == 62259


def test_120b_weights_do_not_fit_a_32_gb_chip_even_at_full_utilisation():
    smallest = estimate(GPT_120B, 8, 1, 1)
    assert smallest.weights_mb == 27848
    assert smallest.total_mb > budget_mb(32768, 1.0)
    assert largest_max_model_len(GPT_120B, 8, 1, budget_mb(32768, 1.0)) == 0


def test_largest_max_model_len():
    # budget 29491 - 4983 weights - 2816 reserve - 24 sliding = 21668 MB for 3072 B x 64 sequences per token
    # -> 115564 tokens, down to a multiple of 1024
    assert largest_max_model_len(GPT_20B, 8, 64, 29491) == 114688
    assert estimate(GPT_20B, 8, 114688, 64).total_mb == 29327
    assert estimate(GPT_20B, 8, 114688 + 1024, 64).total_mb == 29519  # over the budget
    # Never more than the model's context
    assert largest_max_model_len(GPT_20B, 1, 1, 58982) == 131072


def test_every_constant_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for value in (serving_memory.RUNTIME_RESERVE_MB, serving_memory.HCCL_BUFFSIZE_MB,
                  serving_memory.DEVICE_RESERVED_MB, serving_memory.DEFAULT_MAX_MODEL_LEN):
        assert str(value) in text
