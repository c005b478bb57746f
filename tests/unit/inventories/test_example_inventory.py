"""The example inventory, resolved by the real ansible-inventory and ansible-playbook: each group stages the weights
of the model its plan serves (one declaration, npuops_model), and a pairing of 20b weights with a 120b plan is
refused by the real check on the real published 20b config.json before a container would start."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
EXAMPLE = REPO / "inventories" / "example"
RESOLVE = REPO / "tests" / "unit" / "fixtures" / "playbooks" / "resolve-model.yml"
FIXTURES = REPO / "tests" / "unit" / "sim" / "fixtures" / "vllm"
PLANNED = {"atlas_800i_a2": "gpt-oss-20b", "atlas_800_a2": "gpt-oss-20b", "atlas_a3": "gpt-oss-120b"}

pytestmark = pytest.mark.skipif(not (BIN / "ansible-inventory").exists(), reason="needs the venv's ansible")


def _env() -> dict:
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
               ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    env.pop("ANSIBLE_INVENTORY", None)
    return env


def ansible_inventory(inventory: Path) -> dict:
    out = subprocess.run([str(BIN / "ansible-inventory"), "-i", str(inventory), "--list"], cwd=REPO, env=_env(),
                         capture_output=True, text=True, check=True)
    # Files an inventory's variables load are not inventory sources (ansible.cfg: [inventory] ignore_patterns).
    assert "not a valid group definition" not in out.stderr, out.stderr
    return json.loads(out.stdout)


def resolve(inventory: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    out.mkdir(exist_ok=True)
    argv = [str(BIN / "ansible-playbook"), "-i", str(inventory), str(RESOLVE), "-c", "local",
            # What the site's vault.yml would provide.
            "-e", "vault_vllm_ascend_api_key=not-a-key", "-e", "resolve_out=%s" % out,
            # The example's hosts are not reachable: their checks run here, as this user.
            "-e", "ansible_python_interpreter=%s" % sys.executable, "-e", "ansible_become=false", *extra]
    # Callers look at the return code: a refusal is an expected outcome.
    return subprocess.run(argv, cwd=REPO, env=_env(), capture_output=True, text=True, check=False)


def resolved(out: Path) -> dict:
    return {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}


def pin(model: str) -> dict:
    return yaml.safe_load((EXAMPLE / "files" / ("weights-%s.yml" % model)).read_text())


def test_each_group_stages_the_weights_of_its_plan(tmp_path):
    listed = ansible_inventory(EXAMPLE)
    hosts = {g: listed[g]["hosts"] for g in PLANNED}
    assert hosts["atlas_a3"] == ["npu-a3-01.example.com"]
    # The declaration is made once per group, in the group's own variables.
    for group, model in PLANNED.items():
        for host in hosts[group]:
            assert listed["_meta"]["hostvars"][host]["npuops_model"] == model
            assert "vllm_ascend_model" not in listed["_meta"]["hostvars"][host]
            assert "model_weights_repo" not in listed["_meta"]["hostvars"][host]

    run = resolve(EXAMPLE, tmp_path / "out")
    assert run.returncode == 0, run.stdout + run.stderr
    seen = resolved(tmp_path / "out")
    assert sorted(seen) == sorted(h for hs in hosts.values() for h in hs)
    for group, model in PLANNED.items():
        for host in hosts[group]:
            got, want = seen[host], pin(model)
            assert (got["vllm_ascend_model"], got["served_model_name"], got["model_weights_model"]) == (model, model, model)
            assert got["model_weights_repo"] == want["model_weights_repo"] == "unsloth/%s-BF16" % model
            assert got["model_weights_revision"] == want["model_weights_revision"]
            assert got["model_weights_files"] == [f["name"] for f in want["model_weights_files"]]
    # The A3 group stages 120b weights for its 120b plan, the A2 groups 20b.
    assert seen["npu-a3-01.example.com"]["model_weights_repo"] == "unsloth/gpt-oss-120b-BF16"
    assert seen["npu-a2-01.example.com"]["model_weights_repo"] == "unsloth/gpt-oss-20b-BF16"


def _mispaired(tmp_path) -> Path:
    """The example inventory with the A3 group's 120b plan given the 20b pin (the mistake issue 9 found)."""
    inv = tmp_path / "inventory"
    shutil.copytree(EXAMPLE, inv)
    serving = inv / "group_vars" / "atlas_a3" / "serving.yml"
    serving.write_text(serving.read_text() + (
        "model_weights_repo: \"{{ model_weights_pins['gpt-oss-20b']['model_weights_repo'] }}\"\n"))
    return inv


def test_20b_weights_with_a_120b_plan_are_refused_before_a_container_starts(tmp_path):
    inv = _mispaired(tmp_path)
    run = resolve(inv, tmp_path / "out", "--limit", "atlas_a3")
    assert run.returncode == 0, run.stdout + run.stderr
    got = resolved(tmp_path / "out")["npu-a3-01.example.com"]
    assert (got["vllm_ascend_model"], got["model_weights_repo"]) == ("gpt-oss-120b", "unsloth/gpt-oss-20b-BF16")

    # vllm_ascend's own check, on the real published 20b config.json standing for what model_weights staged.
    run = resolve(inv, tmp_path / "out", "--limit", "atlas_a3", "-e", "check_weights=%s" % (FIXTURES / "gpt-oss-20b-bf16"))
    assert run.returncode != 0
    text = " ".join((run.stdout + run.stderr).split())
    assert "does not hold vllm_ascend_model=gpt-oss-120b" in text
    assert ("the declared model is gpt-oss-120b (GptOssForCausalLM with num_hidden_layers 36 and num_local_experts 128),"
            " but %s/config.json describes GptOssForCausalLM with num_hidden_layers 24 and num_local_experts 32"
            " (that is gpt-oss-20b)" % (FIXTURES / "gpt-oss-20b-bf16")) in text
    assert "No container was started" in text


def test_matching_weights_pass_the_same_check(tmp_path):
    run = resolve(EXAMPLE, tmp_path / "out", "--limit", "atlas_a3", "-e", "check_weights=%s" % (FIXTURES / "gpt-oss-120b-bf16"))
    assert run.returncode == 0, run.stdout + run.stderr
