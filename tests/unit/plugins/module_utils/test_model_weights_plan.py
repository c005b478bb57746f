"""model_weights' settings: refusals naming the variable, and where every file goes and comes from."""
from __future__ import annotations

import os

import pytest

from ansible_collections.npuops.gptoss.plugins.module_utils.model_weights_plan import WeightsSettings, plan, problems

REV = "401e57806505143dd1f735bbc21a21270b67ea9d"
FILES = [{"name": "config.json", "sha256": "a" * 64, "size": 1618},
         {"name": "model-00001-of-00003.safetensors", "sha256": "b" * 64, "size": "4096"}]


def settings(**over) -> WeightsSettings:
    base = {"model": "gpt-oss-20b", "repo": "unsloth/gpt-oss-20b-BF16", "revision": REV, "files": FILES,
            "http_url": "http://mirror:8088/models/{repo}/{revision}/", "controller_cache": "/cache/",
            "tiktoken_files": [{"name": "o200k_base.tiktoken", "sha256": "c" * 64, "size": 10}],
            "tiktoken_source": "http://mirror:8088/models/tiktoken", "pinned_models": ["gpt-oss-20b"]}
    base.update(over)
    return WeightsSettings.from_vars(base)


def test_usable_http_settings_plan_every_file():
    out = plan(settings())
    assert out["problems"] == []
    host = "/var/lib/npuops/models/unsloth--gpt-oss-20b-BF16/" + REV
    assert out["host_path"] == host and out["via"] == "cache" and out["mirror_host"] == "mirror:8088"
    assert out["record_path"] == "/var/lib/npuops/models/.verified/unsloth--gpt-oss-20b-BF16/%s.json" % REV
    shard = out["items"][1]
    assert shard == {"kind": "weights", "name": "model-00001-of-00003.safetensors", "sha256": "b" * 64, "size": 4096,
                     "dest": host + "/model-00001-of-00003.safetensors",
                     "url": "http://mirror:8088/models/unsloth/gpt-oss-20b-BF16/%s/model-00001-of-00003.safetensors" % REV,
                     "src": "/cache/unsloth--gpt-oss-20b-BF16/%s/model-00001-of-00003.safetensors" % REV,
                     "via": "cache", "hub": None}
    assert out["tiktoken_items"] == [{"kind": "tiktoken", "name": "o200k_base.tiktoken", "sha256": "c" * 64, "size": 10,
                                      "dest": "/var/lib/npuops/tiktoken/o200k_base.tiktoken",
                                      "url": "http://mirror:8088/models/tiktoken/o200k_base.tiktoken",
                                      "src": "/cache/tiktoken/o200k_base.tiktoken", "via": "cache"}]


def test_hub_items_carry_their_cli_run():
    out = plan(settings(source="huggingface", hf_endpoint="http://hub/hf/"))
    assert out["via"] == "hub" and out["hf_bin"] == os.path.expanduser("~/.cache/npuops/hf-cli") + "/bin/hf"
    assert out["items"][0]["hub"] == {"repo": "unsloth/gpt-oss-20b-BF16", "revision": REV, "endpoint": "http://hub/hf",
                                      "local_dir": "/cache/unsloth--gpt-oss-20b-BF16/" + REV}


def test_shared_path_and_controller_placeholders():
    shared = plan(settings(source="shared_path", shared_path="/mnt/models/{repo_dir}/{revision}/"))
    assert shared["host_path"] == "/mnt/models/unsloth--gpt-oss-20b-BF16/" + REV and shared["items"][0]["via"] == "shared"
    ctl = plan(settings(source="controller", controller_path="/srv/{repo}/{revision}", fetch_once="false"))
    assert ctl["items"][0]["src"] == "/srv/unsloth/gpt-oss-20b-BF16/%s/config.json" % REV
    assert ctl["tiktoken_items"][0]["via"] == "direct"


@pytest.mark.parametrize("over, expected", [
    ({"repo": "openai/gpt-oss-20b"}, "model_weights_repo=openai/gpt-oss-20b holds MXFP4 weights"),
    ({"repo": "acme/gpt-oss-20b-MXFP4"}, "holds MXFP4 weights"),
    ({"repo": "no-owner"}, "model_weights_repo must be <owner>/<name> (got no-owner)"),
    ({"repo": ""}, "model_weights_repo is empty: model_weights_pins has no pin for gpt-oss-20b (model_weights_model;"
                   " pinned: gpt-oss-20b)"),
    ({"revision": "main"}, "model_weights_revision must be a commit id"),
    ({"model": "gpt-oss-7b"}, "model_weights_model must be one of gpt-oss-120b, gpt-oss-20b (got gpt-oss-7b"),
    ({"source": "modelscope"}, "model_weights_source=modelscope is not supported"),
    ({"source": "s3"}, "model_weights_source must be http, huggingface, controller or shared_path (got s3)"),
    ({"source": "huggingface", "fetch_once": False}, "model_weights_fetch_once=false does not work"),
    ({"source": "huggingface", "hf_endpoint": "hub"}, "model_weights_hf_endpoint must be the http(s) URL"),
    ({"source": "huggingface", "hf_cli": "hf"}, "model_weights_hf_cli must be the absolute path"),
    ({"source": "huggingface", "hf_cli_version": "latest"}, "model_weights_hf_cli_version must be"),
    ({"http_url": "mirror/models"}, "model_weights_http_url must be the http(s) URL"),
    ({"source": "shared_path", "shared_path": "models"}, "model_weights_shared_path must be an absolute path"),
    ({"source": "controller", "controller_path": "rel/{repo}"}, "model_weights_controller_path must be an absolute path"),
    ({"controller_cache": "cache"}, "model_weights_controller_cache must be an absolute path (got cache)"),
    ({"http_retries": "-1"}, "model_weights_http_retries must be a whole number"),
    ({"http_headers": ["x"]}, "model_weights_http_headers must be a mapping"),
    ({"dir": "models"}, "model_weights_dir and model_weights_tiktoken_dir must be absolute paths"),
    ({"tiktoken_files": [{"name": "../x", "sha256": "c" * 64}]}, "model_weights_tiktoken_files: ../x needs a plain file name"),
    ({"tiktoken_source": "tiktoken"}, "model_weights_tiktoken_source must be an http(s) URL or a controller directory"),
    ({"files": [FILES[1]]}, "model_weights_files has no config.json"),
    ({"files": [FILES[0]]}, "model_weights_files has no .safetensors file"),
    ({"files": FILES + [FILES[0]]}, "model_weights_files names a file twice"),
    ({"files": FILES + [{"name": "/etc/passwd", "sha256": "a" * 64, "size": 1}]}, "/etc/passwd is not a relative path"),
    ({"files": FILES + [{"name": "t.json", "sha256": "ABC123", "size": 1}]},
     "model_weights_files: t.json needs its sha256 as 64 lower-case hex digits (got ABC123)"),
    ({"files": FILES + [{"name": "t.json", "sha256": "a" * 64, "size": "big"}]}, "t.json needs its size in bytes (got big)"),
])
def test_each_refusal_names_its_variable(over, expected):
    found = problems(settings(**over))
    assert any(expected in p for p in found), found
    assert plan(settings(**over))["items"] == []


def test_the_example_placeholders_are_refused():
    found = problems(settings(files=[{"name": "config.json", "sha256": "<64 hex>", "size": 0},
                                     {"name": "model-00001-of-0000N.safetensors", "sha256": "<64 hex>", "size": 0}]))
    assert "model_weights_files: config.json needs its sha256 as 64 lower-case hex digits (got <64 hex>)" in found
