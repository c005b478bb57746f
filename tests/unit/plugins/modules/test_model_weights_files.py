"""npuops.gptoss.model_weights_files on a real directory: hash only what is not vouched for, record, check mode."""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/unit: shared helpers

from ansible_collections.npuops.gptoss.plugins.modules import model_weights_files
from module_docs import assert_documented_as_specified
from npu_host_fakes import run_module

CONTENT = {"config.json": b'{"architectures": ["GptOssForCausalLM"]}', "model-00001-of-00001.safetensors": b"\0" * 4096}
TIKTOKEN = b"o200k"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def layout(tmp_path: Path) -> tuple[dict, list]:
    base, tik = tmp_path / "models" / "u--m" / ("1" * 40), tmp_path / "tiktoken"
    items = [{"kind": "weights", "name": n, "dest": str(base / n), "sha256": sha(d), "size": len(d)} for n, d in CONTENT.items()]
    items.append({"kind": "tiktoken", "name": "o200k_base.tiktoken", "dest": str(tik / "o200k_base.tiktoken"),
                  "sha256": sha(TIKTOKEN), "size": None})
    args = {"items": items, "path": str(base), "record_path": str(tmp_path / "models" / ".verified" / "u--m" / ("1" * 40 + ".json")),
            "repo": "u/m", "revision": "1" * 40, "space_path": str(tmp_path / "models" / "not-yet")}
    return args, items


def stage(items):
    data = dict(CONTENT, **{"o200k_base.tiktoken": TIKTOKEN})
    for i in items:
        os.makedirs(os.path.dirname(i["dest"]), exist_ok=True)
        Path(i["dest"]).write_bytes(data[i["name"]])


def run(args, check_mode=False, diff=False):
    return run_module(model_weights_files.main, dict(args, _ansible_diff=diff), check_mode)


def test_docs_match_the_spec(monkeypatch):
    assert_documented_as_specified(model_weights_files, monkeypatch)


def test_empty_host_needs_everything_and_measures_free_space(tmp_path):
    args, items = layout(tmp_path)
    result = run(args)
    assert [(i["name"], i["why"]) for i in result["todo"]] == [(i["name"], "missing") for i in items]
    assert result["need_bytes"] == 4096 + len(CONTENT["config.json"]) and result["free_bytes"] > 0
    assert result["changed"] is False and result["record_found"] is False
    refused = run(dict(args, write_record=True))
    assert refused["failed"] is True and items[0]["dest"] + ": missing" in refused["msg"]


def test_record_is_written_once_and_then_vouches(tmp_path):
    args, items = layout(tmp_path)
    stage(items)
    os.makedirs(os.path.dirname(args["record_path"]))
    first = run(args)
    assert first["todo"] == [] and sorted(first["hashed"]) == sorted(i["dest"] for i in items)
    assert first["record_current"] is False
    checked = run(dict(args, write_record=True, proved=first["good"]), check_mode=True, diff=True)
    assert checked["changed"] is True and not os.path.exists(args["record_path"]) and checked["diff"]["before"] == ""
    written = run(dict(args, write_record=True, proved=first["good"]))
    # Nothing is hashed twice in one run: only the tiktoken file, which is always hashed.
    assert written["changed"] is True and written["hashed"] == [items[2]["dest"]]
    record = json.loads(Path(args["record_path"]).read_text())
    assert record["path"] == args["path"] and sorted(record["files"]) == sorted(CONTENT)
    again = run(args)
    assert again["record_current"] is True and again["hashed"] == [items[2]["dest"]]
    assert run(dict(args, write_record=True, proved=again["good"]))["changed"] is False


def test_a_damaged_file_is_found_even_at_its_size(tmp_path):
    args, items = layout(tmp_path)
    stage(items)
    Path(items[1]["dest"]).write_bytes(b"\1" * 4096)
    (bad,) = run(args)["todo"]
    assert bad["name"] == items[1]["name"] and bad["why"] == "sha256 %s, pinned %s" % (sha(b"\1" * 4096), items[1]["sha256"])
