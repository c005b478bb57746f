# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gpt-oss models as data: architecture figures, BF16 weight size and the vLLM flags they are served with.

Figures are the model cards' (FIELD-GUIDE section 4). Ascend cannot run the official MXFP4 weights, so the
weights are served in BF16 and their size is derived here as parameters x 2 bytes (20.9 B -> 41.8 GB,
116.8 B -> 233.6 GB), not taken from a checkpoint listing.
"""
from __future__ import annotations

from dataclasses import dataclass

BF16_BYTES = 2
MODEL_CONTEXT_TOKENS = 131072  # YaRN factor 32 over 4096, both sizes
SLIDING_WINDOW_TOKENS = 128

# vLLM registered the gpt-oss reasoning parser as "GptOss" in 0.10.1 and renamed it "openai_gptoss" in
# 0.10.2; every vllm-ascend release that serves gpt-oss (>= v0.15.0rc1, see vllm_ascend_releases) ships a vLLM
# that only knows the new name.
REASONING_PARSER = "openai_gptoss"
TOOL_CALL_PARSER = "openai"  # needs vLLM >= 0.10.2
FULL_DECODE_ONLY = '{"cudagraph_mode": "FULL_DECODE_ONLY"}'


@dataclass(frozen=True)
class GptOssModel:
    name: str  # the option value and the default served model name
    params_total: float  # parameters
    params_active: float
    layers: int
    experts: int
    experts_active: int
    hidden_size: int
    attention_heads: int
    kv_heads: int
    head_dim: int
    vocab_size: int
    context_tokens: int
    expert_parallel: bool  # vllm-ascend tutorial serves 120b with --enable-expert-parallel
    compilation_config: str | None  # JSON for --compilation-config, None: vLLM's default

    @property
    def full_attention_layers(self) -> int:
        # Layers alternate sliding window and full attention: only half of them keep every token.
        return self.layers // 2

    @property
    def sliding_window_layers(self) -> int:
        return self.layers - self.full_attention_layers

    @property
    def weight_bytes(self) -> int:
        return int(round(self.params_total * BF16_BYTES))

    def recommended_args(self) -> list[str]:
        """Flags every instance of this model gets, whatever the host."""
        args = ["--reasoning-parser", REASONING_PARSER,
                "--tool-call-parser", TOOL_CALL_PARSER, "--enable-auto-tool-choice"]
        if self.expert_parallel:
            args.append("--enable-expert-parallel")
        if self.compilation_config is not None:
            args += ["--compilation-config", self.compilation_config]
        return args


MODELS = {
    model.name: model for model in (
        GptOssModel("gpt-oss-20b", params_total=20.9e9, params_active=3.6e9, layers=24, experts=32,
                    experts_active=4, hidden_size=2880, attention_heads=64, kv_heads=8, head_dim=64,
                    vocab_size=201088, context_tokens=MODEL_CONTEXT_TOKENS, expert_parallel=False,
                    compilation_config=None),
        GptOssModel("gpt-oss-120b", params_total=116.8e9, params_active=5.1e9, layers=36, experts=128,
                    experts_active=4, hidden_size=2880, attention_heads=64, kv_heads=8, head_dim=64,
                    vocab_size=201088, context_tokens=MODEL_CONTEXT_TOKENS, expert_parallel=True,
                    compilation_config=FULL_DECODE_ONLY),
    )
}
