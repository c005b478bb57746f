# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""model_weights' settings as a plan: what is wrong with them, and for every file where it goes on the host and
how it gets there. Pure: nothing here reads a host or the network.

How a file reaches the host (``via``):
  cache - http, fetched once into the controller cache, copied to the host; direct - http, downloaded by the host;
  controller - copied from a controller directory; hub - huggingface, fetched by the hf CLI into the controller
  cache, then copied like a controller file; shared - only checked where it is.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ansible_collections.npuops.gptoss.plugins.module_utils.gptoss_models import MODELS

SOURCES = ("http", "huggingface", "controller", "shared_path")
# Named so the refusal can say what to do instead; the modelscope CLI is not tested by this collection.
UNSUPPORTED_SOURCES = ("modelscope",)
# Repositories known to hold the official MXFP4 weights, which Ascend cannot run (vllm-ascend issue 7131):
# OpenAI's own gpt-oss repositories (and ModelScope's openai-mirror copies), or anything named mxfp4.
MXFP4_REPO = re.compile(r"(?i)^openai(-mirror)?/gpt-oss-|mxfp4")
REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
COMMIT = re.compile(r"^[0-9a-f]{40}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
SAFE_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._+-]*(/[A-Za-z0-9_][A-Za-z0-9._+-]*)*$")
PLAIN_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")
HTTP = re.compile(r"^https?://")
CLI_VERSION = re.compile(r"^[0-9][0-9a-z.]*$")


def as_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _whole(value) -> int | None:
    """A non-negative whole number, however Jinja handed it over, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


@dataclass(frozen=True)
class WeightsSettings:
    """The role's public variables (model_weights_<name>), as handed over."""
    model: str
    repo: str
    revision: str
    files: list
    source: str = "http"
    http_url: str = ""
    controller_path: str = ""
    shared_path: str = ""
    fetch_once: bool = True
    controller_cache: str = "~/.cache/npuops/models"
    http_retries: object = 3
    http_headers: object = field(default_factory=dict)
    hf_endpoint: str = "https://huggingface.co"
    hf_cli: str = ""
    hf_cli_version: str = "2.4.0"
    hf_cli_venv: str = "~/.cache/npuops/hf-cli"
    dir: str = "/var/lib/npuops/models"
    tiktoken_dir: str = "/var/lib/npuops/tiktoken"
    tiktoken_source: str = "https://openaipublic.blob.core.windows.net/encodings"
    tiktoken_files: list = field(default_factory=list)
    pinned_models: tuple = ()

    @classmethod
    def from_vars(cls, values: dict) -> "WeightsSettings":
        known = set(cls.__dataclass_fields__)
        given = {k: v for k, v in values.items() if k in known}
        if "fetch_once" in given:
            given["fetch_once"] = as_bool(given["fetch_once"])
        given["pinned_models"] = tuple(given.get("pinned_models") or ())
        for name in ("repo", "revision", "source", "http_url", "controller_path", "shared_path", "hf_endpoint",
                     "hf_cli", "hf_cli_version", "model", "dir", "tiktoken_dir", "tiktoken_source"):
            if name in given:
                given[name] = "" if given[name] is None else str(given[name])
        given["files"] = list(given.get("files") or [])
        given["tiktoken_files"] = list(given.get("tiktoken_files") or [])
        return cls(**given)


def _placeholders(template: str, s: WeightsSettings) -> str:
    return (template.replace("{repo_dir}", repo_dir(s.repo)).replace("{repo}", s.repo)
            .replace("{revision}", s.revision))


def _strip(path: str) -> str:
    return re.sub(r"/+$", "", path)


def repo_dir(repo: str) -> str:
    return repo.replace("/", "--")


def via(s: WeightsSettings) -> str:
    return {"http": "cache" if s.fetch_once else "direct", "controller": "controller", "huggingface": "hub",
            "shared_path": "shared"}.get(s.source, "none")


def tiktoken_via(s: WeightsSettings) -> str:
    if HTTP.match(s.tiktoken_source):
        return "cache" if s.fetch_once else "direct"
    return "controller"


def cache_dir(s: WeightsSettings) -> str:
    return _strip(os.path.expanduser(s.controller_cache))


def cache_rev(s: WeightsSettings) -> str:
    return "%s/%s/%s" % (cache_dir(s), repo_dir(s.repo), s.revision)


def controller_base(s: WeightsSettings) -> str:
    if s.controller_path:
        return _strip(os.path.expanduser(_placeholders(s.controller_path, s)))
    return cache_rev(s)


def host_path(s: WeightsSettings) -> str:
    if s.source == "shared_path":
        return _strip(_placeholders(s.shared_path, s))
    return "%s/%s/%s" % (s.dir, repo_dir(s.repo), s.revision)


def mirror_host(s: WeightsSettings) -> str:
    return urlsplit(s.http_url).netloc if HTTP.match(s.http_url) else ""


def hf_bin(s: WeightsSettings) -> str:
    return s.hf_cli or _strip(os.path.expanduser(s.hf_cli_venv)) + "/bin/hf"


def problems(s: WeightsSettings) -> list[str]:
    """Everything wrong with the settings, each naming the variable to change."""
    p = []
    if s.model not in MODELS:
        p.append("model_weights_model must be one of %s (got %s; it follows npuops_model)" % (", ".join(sorted(MODELS)), s.model))
    if s.source in UNSUPPORTED_SOURCES:
        p.append("model_weights_source=%s is not supported: the modelscope CLI is not tested by this collection. Download"
                 " the revision once with it into the controller cache and use model_weights_source=controller, or"
                 " publish it on an internal mirror and use model_weights_source=http (README: Sources)" % s.source)
    elif s.source not in SOURCES:
        p.append("model_weights_source must be http, huggingface, controller or shared_path (got %s)" % s.source)
    elif s.source == "huggingface":
        if not re.match(r"^https?://[^/]", s.hf_endpoint):
            p.append("model_weights_hf_endpoint must be the http(s) URL of the Hub or its mirror (HF_ENDPOINT), e.g."
                     " https://hf-mirror.com (got %s)" % s.hf_endpoint)
        if not s.fetch_once:
            p.append("model_weights_fetch_once=false does not work with model_weights_source=huggingface: the hf CLI"
                     " runs on the controller, which fetches once and copies to the hosts")
        if s.hf_cli and not re.match(r"^[/~]", s.hf_cli):
            p.append("model_weights_hf_cli must be the absolute path of hf on the controller (got %s)" % s.hf_cli)
        elif not s.hf_cli and not CLI_VERSION.match(s.hf_cli_version):
            p.append("model_weights_hf_cli_version must be a huggingface_hub version such as 2.4.0 (got %s)" % s.hf_cli_version)
    if not s.repo:
        pinned = ", ".join(s.pinned_models) or "none"
        p.append("model_weights_repo is empty: model_weights_pins has no pin for %s (model_weights_model; pinned: %s)."
                 " Add one written by pin-revision.py" % (s.model, pinned))
    elif not REPO.match(s.repo):
        p.append("model_weights_repo must be <owner>/<name> (got %s)" % s.repo)
    elif MXFP4_REPO.search(s.repo):
        p.append("model_weights_repo=%s holds MXFP4 weights, which Ascend NPUs cannot run (vllm-ascend: \"mxfp4"
                 " quantization is currently not supported in npu\"); pin a BF16 conversion such as"
                 " unsloth/gpt-oss-20b-BF16" % s.repo)
    if not COMMIT.match(s.revision):
        p.append("model_weights_revision must be a commit id, 40 lower-case hex digits (got %s): a branch or tag can"
                 " move under a pinned file list" % s.revision)
    p.extend(file_problems(s.files))
    if s.source == "http" and not HTTP.match(s.http_url):
        p.append("model_weights_http_url must be the http(s) URL of the directory holding the revision, e.g."
                 " http://mirror/models/{repo}/{revision} (got %s)" % s.http_url)
    if s.source == "shared_path" and not s.shared_path.startswith("/"):
        p.append("model_weights_shared_path must be an absolute path on the host (got %s)" % s.shared_path)
    if s.source == "controller" and not controller_base(s).startswith("/"):
        p.append("model_weights_controller_path must be an absolute path on the controller (got %s)" % s.controller_path)
    uses_cache = (s.fetch_once and s.source in ("http", "huggingface")) or tiktoken_via(s) == "cache"
    if uses_cache and not cache_dir(s).startswith("/"):
        p.append("model_weights_controller_cache must be an absolute path (got %s)" % s.controller_cache)
    if _whole(s.http_retries) is None:
        p.append("model_weights_http_retries must be a whole number of retries, 0 or more (got %s)" % s.http_retries)
    if not isinstance(s.http_headers, dict):
        p.append("model_weights_http_headers must be a mapping of header names to values")
    if not s.dir.startswith("/") or not s.tiktoken_dir.startswith("/"):
        p.append("model_weights_dir and model_weights_tiktoken_dir must be absolute paths (got %s, %s)" % (s.dir, s.tiktoken_dir))
    for f in s.tiktoken_files:
        name, digest = str(f.get("name", "")), str(f.get("sha256", ""))
        if not PLAIN_NAME.match(name) or not SHA256.match(digest):
            p.append("model_weights_tiktoken_files: %s needs a plain file name and its sha256 as 64 lower-case hex"
                     " digits (got %s)" % (name, digest))
    if s.tiktoken_files and not HTTP.match(s.tiktoken_source) and not re.match(r"^[/~]", s.tiktoken_source):
        p.append("model_weights_tiktoken_source must be an http(s) URL or a controller directory (got %s)" % s.tiktoken_source)
    return p


def file_problems(files: list) -> list[str]:
    p = []
    names = [str(f.get("name", "")) if isinstance(f, dict) else "" for f in files]
    if "config.json" not in names:
        p.append("model_weights_files has no config.json: the server cannot load the model without it")
    if not any(n.endswith(".safetensors") for n in names):
        p.append("model_weights_files has no .safetensors file")
    if len(set(names)) != len(names):
        p.append("model_weights_files names a file twice")
    for f, name in zip(files, names):
        if not isinstance(f, dict):
            p.append("model_weights_files: every entry needs name, sha256 and size (got %r)" % (f,))
            continue
        if not SAFE_PATH.match(name):
            p.append("model_weights_files: %s is not a relative path inside the repository" % name)
        if not SHA256.match(str(f.get("sha256", ""))):
            p.append("model_weights_files: %s needs its sha256 as 64 lower-case hex digits (got %s)" % (name, f.get("sha256")))
        if _whole(f.get("size")) is None:
            p.append("model_weights_files: %s needs its size in bytes (got %s)" % (name, f.get("size")))
    return p


def weights_items(s: WeightsSettings) -> list[dict]:
    """One entry per pinned file: where it goes on the host, where it comes from."""
    way, base, dest_dir = via(s), _strip(_placeholders(s.http_url, s)), host_path(s)
    src_dir = cache_rev(s) if way in ("cache", "hub") else controller_base(s)
    hub = {"repo": s.repo, "revision": s.revision, "endpoint": _strip(s.hf_endpoint), "local_dir": cache_rev(s)}
    return [{"kind": "weights", "name": f["name"], "sha256": f["sha256"], "size": _whole(f["size"]),
             "dest": dest_dir + "/" + f["name"], "url": base + "/" + f["name"], "src": src_dir + "/" + f["name"],
             "via": way, "hub": hub if way == "hub" else None}
            for f in s.files]


def tiktoken_items(s: WeightsSettings) -> list[dict]:
    way, base = tiktoken_via(s), _strip(s.tiktoken_source)
    src_dir = cache_dir(s) + "/tiktoken" if way == "cache" else os.path.expanduser(base)
    return [{"kind": "tiktoken", "name": f["name"], "sha256": f["sha256"], "size": _whole(f.get("size")),
             "dest": s.tiktoken_dir + "/" + f["name"], "url": base + "/" + f["name"], "src": src_dir + "/" + f["name"],
             "via": way}
            for f in s.tiktoken_files]


def plan(s: WeightsSettings) -> dict:
    """The whole plan; items only when the settings are usable."""
    wrong = problems(s)
    out = {"problems": wrong, "repo_dir": repo_dir(s.repo), "via": via(s), "tiktoken_via": tiktoken_via(s),
           "host_path": host_path(s), "cache": cache_dir(s), "cache_rev": cache_rev(s),
           "controller_base": controller_base(s), "mirror_host": mirror_host(s), "hf_bin": hf_bin(s),
           "record_path": "%s/.verified/%s/%s.json" % (s.dir, repo_dir(s.repo), s.revision),
           "partial": s.dir + "/.partial", "items": [], "tiktoken_items": []}
    if not wrong:
        out["items"], out["tiktoken_items"] = weights_items(s), tiktoken_items(s)
    return out
