# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Does a checkpoint's config.json describe the declared gpt-oss model, in a form Ascend can run?

The fields compared are the ones Hugging Face's GptOssConfig (transformers 4.55) publishes and vLLM's
GptOssForCausalLM reads: ``architectures``, ``num_hidden_layers`` and ``num_local_experts``. gpt-oss-20b and
gpt-oss-120b differ in the last two (24/32 and 36/128, the model cards; tests/unit/sim/fixtures/vllm holds the
published files), so 20b weights pinned for a 120b plan are caught before a container mounts them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from ansible_collections.npuops.gptoss.plugins.module_utils.gptoss_models import MODELS, GptOssModel

ARCHITECTURE = "GptOssForCausalLM"
# vllm-ascend refuses the official MXFP4 checkpoints (vllm-ascend issue 7131: "mxfp4 quantization is currently
# not supported in npu"); a BF16 conversion has no quantization_config.
UNSUPPORTED_QUANT = {"mxfp4"}


class ModelConfigError(Exception):
    """config.json cannot be read as a JSON object."""


@dataclass(frozen=True)
class ConfigSummary:
    architectures: tuple[str, ...]
    layers: int | None
    experts: int | None
    quant_method: str

    def as_dict(self) -> dict:
        return {"architectures": list(self.architectures), "num_hidden_layers": self.layers,
                "num_local_experts": self.experts, "quant_method": self.quant_method}

    def describe(self) -> str:
        arch = ",".join(self.architectures) or "no architectures"
        known = recognised_model(self)
        return "%s with num_hidden_layers %s and num_local_experts %s%s" % (
            arch, _shown(self.layers), _shown(self.experts), " (that is %s)" % known if known else "")


def _shown(value: int | None) -> str:
    return "missing" if value is None else str(value)


def _int_or_none(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_config(text: str) -> ConfigSummary:
    try:
        config = json.loads(text)
    except ValueError as exc:
        raise ModelConfigError("config.json is not JSON: %s" % exc) from exc
    if not isinstance(config, dict):
        raise ModelConfigError("config.json is not a JSON object")
    archs = config.get("architectures")
    archs = tuple(str(a) for a in archs) if isinstance(archs, list) else ()
    quant = config.get("quantization_config")
    method = str(quant.get("quant_method", "")).lower() if isinstance(quant, dict) else ""
    return ConfigSummary(archs, _int_or_none(config.get("num_hidden_layers")),
                         _int_or_none(config.get("num_local_experts")), method)


def recognised_model(summary: ConfigSummary) -> str | None:
    """The gpt-oss model whose figures the config has, if any."""
    if ARCHITECTURE not in summary.architectures:
        return None
    for model in MODELS.values():
        if (summary.layers, summary.experts) == (model.layers, model.experts):
            return model.name
    return None


def expected(model: GptOssModel) -> str:
    return "%s with num_hidden_layers %d and num_local_experts %d" % (ARCHITECTURE, model.layers, model.experts)


def config_problems(summary: ConfigSummary, model_name: str, where: str) -> list[str]:
    """Every way the config is not the declared model, or not runnable on Ascend; each names both sides."""
    model = MODELS.get(model_name)
    if model is None:
        return ["the declared model %s is not one of %s" % (model_name, ", ".join(sorted(MODELS)))]
    problems = []
    if ARCHITECTURE not in summary.architectures or (summary.layers, summary.experts) != (model.layers, model.experts):
        problems.append("the declared model is %s (%s), but %s describes %s" % (
            model.name, expected(model), where, summary.describe()))
    if summary.quant_method in UNSUPPORTED_QUANT:
        problems.append("%s is MXFP4: its config.json has quantization_config.quant_method %s, which Ascend NPUs "
                        "cannot run (vllm-ascend: \"mxfp4 quantization is currently not supported in npu\")"
                        % (where, summary.quant_method))
    return problems
