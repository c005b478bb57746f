"""The tiny gpt-oss checkpoint that the real vLLM server serves: built by sim/engine/checkpoint/build.sh (once per
machine), loaded with transformers, it answers every conversation it was trained on exactly, at temperature 0, on a
date it never saw in training; freshly initialised weights of the same config do not."""
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "sim/engine/checkpoint/build.sh"
CHECK = ROOT / "sim/engine/checkpoint/check.py"
STATE = Path(os.environ.get("NPUOPS_SIM_STATE", "/var/tmp/npuops-sim"))


def live_python() -> str:
    return subprocess.run([str(ROOT / "sim/vllm/flags/live-venv.sh")], capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.fixture(scope="module")
def checkpoint() -> Path:
    built = subprocess.run([str(BUILD)], capture_output=True, text=True, timeout=3600, check=False)
    assert built.returncode == 0, built.stderr[-3000:]
    return Path(built.stdout.strip().splitlines()[-1])


def check(checkpoint: Path, *args: str) -> tuple[int, dict]:
    done = subprocess.run([live_python(), str(CHECK), str(checkpoint), "--cache", str(STATE / "engine/checkpoint-cache"),
                           *args], capture_output=True, text=True, timeout=1800, check=False)
    assert done.stdout.strip(), done.stderr[-3000:]
    return done.returncode, json.loads(done.stdout)


def test_the_checkpoint_is_gpt_oss_with_the_harmony_vocabulary(checkpoint):
    config = json.loads((checkpoint / "config.json").read_text())
    assert config["architectures"] == ["GptOssForCausalLM"] and config["vocab_size"] == 201088
    assert config["layer_types"] == ["sliding_attention", "full_attention"] and config["num_local_experts"] == 4
    manifest = json.loads((checkpoint / "manifest.json").read_text())
    assert manifest["trained"] and {"model.safetensors", "tokenizer.json", "chat_template.jinja"} <= set(manifest["files"])
    assert "<|channel|>" in (checkpoint / "chat_template.jinja").read_text()


def test_transformers_answers_every_conversation_exactly_on_an_unseen_date(checkpoint):
    code, report = check(checkpoint, "--date", "2027-07-21", "--date", "2031-01-01")
    assert report["files_match_manifest"] and report["tokenizer_matches_harmony"]
    wrong = [(r["date"], r["expected"], r["completion"]) for r in report["results"] if not r["exact"]]
    assert code == 0 and not wrong, wrong
    assert any(r["completion"].endswith("<|channel|>final<|message|>The capital of France is Paris.<|return|>")
               for r in report["results"])


def test_random_weights_of_the_same_config_do_not_answer(checkpoint):
    code, report = check(checkpoint, "--random-weights")
    assert code == 1 and not any(r["exact"] for r in report["results"])
