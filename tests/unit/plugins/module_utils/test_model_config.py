"""config.json against the declared model, on the published gpt-oss config.json files (tests/unit/sim/fixtures/vllm)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ansible_collections.npuops.gptoss.plugins.module_utils.gptoss_models import MODELS
from ansible_collections.npuops.gptoss.plugins.module_utils.model_config import (
    ModelConfigError, config_problems, parse_config, recognised_model)

FIXTURES = Path(__file__).resolve().parents[2] / "sim" / "fixtures" / "vllm"


def published(name: str) -> str:
    return (FIXTURES / name / "config.json").read_text()


@pytest.mark.parametrize("fixture, model", [("gpt-oss-20b-bf16", "gpt-oss-20b"), ("gpt-oss-120b-bf16", "gpt-oss-120b")])
def test_published_bf16_configs_are_their_models(fixture, model):
    summary = parse_config(published(fixture))
    assert recognised_model(summary) == model
    assert config_problems(summary, model, fixture) == []


def test_the_model_table_agrees_with_the_published_configs():
    # gptoss_models' figures are the model cards'; the published config.json must say the same.
    for fixture, model in (("gpt-oss-20b-bf16", "gpt-oss-20b"), ("gpt-oss-120b-bf16", "gpt-oss-120b")):
        config = json.loads(published(fixture))
        assert (config["num_hidden_layers"], config["num_local_experts"]) == (MODELS[model].layers, MODELS[model].experts)


def test_20b_weights_for_a_120b_declaration_name_both():
    (problem,) = config_problems(parse_config(published("gpt-oss-20b-bf16")), "gpt-oss-120b", "unsloth/gpt-oss-20b-BF16@abc")
    assert problem == (
        "the declared model is gpt-oss-120b (GptOssForCausalLM with num_hidden_layers 36 and num_local_experts 128),"
        " but unsloth/gpt-oss-20b-BF16@abc describes GptOssForCausalLM with num_hidden_layers 24 and"
        " num_local_experts 32 (that is gpt-oss-20b)")


def test_120b_weights_for_a_20b_declaration():
    (problem,) = config_problems(parse_config(published("gpt-oss-120b-bf16")), "gpt-oss-20b", "x")
    assert "declared model is gpt-oss-20b" in problem and "(that is gpt-oss-120b)" in problem


def test_mxfp4_of_the_declared_model_is_refused_as_mxfp4_only():
    (problem,) = config_problems(parse_config(published("gpt-oss-20b-mxfp4")), "gpt-oss-20b", "openai/gpt-oss-20b@r")
    assert problem.startswith("openai/gpt-oss-20b@r is MXFP4: its config.json has quantization_config.quant_method mxfp4")


def test_another_architecture_is_named():
    summary = parse_config(json.dumps({"architectures": ["LlamaForCausalLM"], "num_hidden_layers": 24}))
    (problem,) = config_problems(summary, "gpt-oss-20b", "here")
    assert problem.endswith("here describes LlamaForCausalLM with num_hidden_layers 24 and num_local_experts missing")
    assert recognised_model(summary) is None


def test_unknown_declared_model():
    assert config_problems(parse_config(published("gpt-oss-20b-bf16")), "gpt-oss-7b", "x") == [
        "the declared model gpt-oss-7b is not one of gpt-oss-120b, gpt-oss-20b"]


@pytest.mark.parametrize("text", ["{", "[1, 2]", ""])
def test_not_a_json_object(text):
    with pytest.raises(ModelConfigError):
        parse_config(text)
