"""npuops.gptoss.model_config end to end: main() on the published config.json files."""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/unit: shared helpers

from ansible_collections.npuops.gptoss.plugins.modules import model_config
from module_docs import assert_documented_as_specified
from npu_host_fakes import run_module

FIXTURES = Path(__file__).resolve().parents[2] / "sim" / "fixtures" / "vllm"


def run(args: dict, check_mode: bool = False) -> dict:
    return run_module(model_config.main, args, check_mode)


def test_docs_match_the_spec(monkeypatch):
    assert_documented_as_specified(model_config, monkeypatch)


def test_matching_directory_passes_in_check_mode_too():
    for check_mode in (False, True):
        result = run({"model": "gpt-oss-120b", "path": str(FIXTURES / "gpt-oss-120b-bf16")}, check_mode)
        assert "failed" not in result and result["changed"] is False
        assert result["config"] == {"architectures": ["GptOssForCausalLM"], "num_hidden_layers": 36,
                                    "num_local_experts": 128, "quant_method": ""}


def test_20b_directory_for_120b_fails_naming_both():
    result = run({"model": "gpt-oss-120b", "path": str(FIXTURES / "gpt-oss-20b-bf16")})
    assert result["failed"] is True
    assert "declared model is gpt-oss-120b" in result["msg"] and "(that is gpt-oss-20b)" in result["msg"]
    assert str(FIXTURES / "gpt-oss-20b-bf16" / "config.json") in result["msg"]


def test_content_with_its_pin():
    text = (FIXTURES / "gpt-oss-20b-bf16" / "config.json").read_text()
    digest = hashlib.sha256(text.encode()).hexdigest()
    ok = run({"model": "gpt-oss-20b", "content": text, "sha256": digest, "label": "r@1"})
    assert "failed" not in ok and ok["sha256"] == digest
    bad = run({"model": "gpt-oss-20b", "content": text, "sha256": "0" * 64, "label": "r@1"})
    assert bad["failed"] is True and bad["msg"] == "config.json of r@1 has sha256 %s, pinned %s" % (digest, "0" * 64)


def test_mxfp4_content_fails():
    text = (FIXTURES / "gpt-oss-20b-mxfp4" / "config.json").read_text()
    result = run({"model": "gpt-oss-20b", "content": text, "label": "openai/gpt-oss-20b@r"})
    assert result["failed"] is True and "is MXFP4" in result["msg"]


def test_missing_file(tmp_path):
    result = run({"model": "gpt-oss-20b", "path": str(tmp_path)})
    assert result["failed"] is True and "cannot be read" in result["msg"]
