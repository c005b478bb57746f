"""The vllm_remedied filter as vllm_ascend's plan uses it: kept steps from the local fact, bad ones refused."""
import json

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.npuops.gptoss.plugins.filter.vllm_remedied import vllm_remedied

BASE = {"max_model_len": 4096, "max_num_seqs": 4, "gpu_memory_utilization": 0.95}


def test_a_fact_file_of_the_earlier_release_still_applies():
    fact = json.loads('{"ports": [8000], "instances": ["gptoss-120b-0"], "model": "gpt-oss-120b",'
                      ' "remediations": ["enforce_eager", "max_model_len_32k", "max_num_seqs_4"]}')
    out = vllm_remedied(BASE, fact["remediations"], "/etc/ansible/facts.d/npuops_serving.fact remediations")
    assert (out["max_model_len"], out["max_num_seqs"], out["args"]) == (4096, 4, ["--enforce-eager"])
    # Rewritten in the new form: each step as its change.
    assert out["steps"][1] == {"name": "max_model_len", "kind": "", "at_most": {"max_model_len": 32768}}


def test_bad_steps_are_refused_naming_the_host_and_variable():
    with pytest.raises(AnsibleFilterError, match="host1: vllm_ascend_remediations"):
        vllm_remedied(BASE, ["hccl_aiv", "enforce_eager_please"], "host1: vllm_ascend_remediations")
    with pytest.raises(AnsibleFilterError, match="must be a list"):
        vllm_remedied(BASE, "enforce_eager", "vllm_ascend_remediations")
