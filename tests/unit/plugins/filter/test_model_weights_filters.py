"""The model_weights filters are registered under their file's name and hand their input to module_utils."""
from __future__ import annotations

import importlib

import pytest
from ansible.errors import AnsibleFilterError

NAMES = ["model_weights_plan", "model_weights_batch", "model_weights_missing", "model_weights_hub_runs",
         "model_weights_failures", "model_weights_fetched"]


@pytest.mark.parametrize("name", NAMES)
def test_registered_under_its_name(name):
    module = importlib.import_module("ansible_collections.npuops.gptoss.plugins.filter." + name)
    assert list(module.FilterModule().filters()) == [name]


def _filter(name):
    module = importlib.import_module("ansible_collections.npuops.gptoss.plugins.filter." + name)
    return module.FilterModule().filters()[name]


def test_plan_refuses_a_non_mapping_and_plans_a_mapping():
    with pytest.raises(AnsibleFilterError):
        _filter("model_weights_plan")(["x"])
    out = _filter("model_weights_plan")({"model": "gpt-oss-120b", "repo": "", "revision": "", "files": [], "pinned_models": []})
    assert any("model_weights_pins has no pin for gpt-oss-120b" in p for p in out["problems"])


def test_empty_inputs_from_jinja():
    assert _filter("model_weights_batch")(None) == {"cache": [], "controller": []}
    assert _filter("model_weights_missing")(None) == []
    assert _filter("model_weights_hub_runs")([]) == []
    assert _filter("model_weights_failures")([], downloads=None) == []
    assert _filter("model_weights_fetched")([], False) == {"files": 0, "bytes": 0}
