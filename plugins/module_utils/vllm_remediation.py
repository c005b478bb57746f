# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The remediation ladder: from a diagnosed failure and an instance's own settings to the next setting to change.

A step is the concrete change it makes (a cap on a setting, a raise, an environment variable, a vllm serve flag),
so what is kept on the host and what the containers get come from the step itself. A step is chosen only when it
changes something the engine reads for the settings it runs on: one that would change nothing is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# vLLM's EngineArgs default when --gpu-memory-utilization is not given (vllm/engine/arg_utils.py, CacheConfig).
VLLM_DEFAULT_GPU_MEMORY_UTILIZATION = 0.9
# Raising the KV-cache budget stops here: above it the chip has no room left for activations and HCCL buffers.
MAX_GPU_MEMORY_UTILIZATION = 0.95
# Lowering it for fragmentation (vllm-ascend FAQ 12) stops here.
MIN_GPU_MEMORY_UTILIZATION = 0.8
# A context cap first brings a long context down to this (the field guide's OOM remedy), then halves it.
CONTEXT_CAP = 32768
# Below this gpt-oss has no room for its reasoning: the ladder never shortens the context further.
MIN_MAX_MODEL_LEN = 2048
# vllm-ascend sets PYTORCH_NPU_ALLOC_CONF=expandable_segments:True itself from this release on
# (vllm_ascend/platform.py check_and_update_config; v0.13.0 does not).
EXPANDABLE_SEGMENTS_DEFAULT_FROM = "v0.14.0rc1"

SETTINGS = ("max_model_len", "max_num_seqs", "gpu_memory_utilization")


class RemediationError(ValueError):
    """A remediation that is not a known step or has the wrong shape."""


_TAG = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:rc(\d+))?(?:[-.].*)?$")


def release_key(tag: str) -> tuple[int, ...] | None:
    """Order vllm-ascend tags (v0.13.0 < v0.14.0rc1 < v0.14.0); None for tags that are no release (main, latest)."""
    match = _TAG.match(str(tag or "").strip())
    if not match:
        return None
    major, minor, patch, rc = match.groups()
    return (int(major), int(minor), int(patch), 0 if rc is not None else 1, int(rc or 0))


def release_before(tag: str, other: str) -> bool:
    """True only for a known release older than `other`: an unknown tag is taken as a new one."""
    mine, theirs = release_key(tag), release_key(other)
    return mine is not None and theirs is not None and mine < theirs


def _dashed(key: str) -> str:
    # vLLM's FlexibleArgumentParser reads --max_model_len as --max-model-len.
    return "--" + key[2:].replace("_", "-") if key.startswith("--") else key


@dataclass(frozen=True)
class Settings:
    """What one instance runs with: its vllm serve arguments, its environment and the vllm-ascend release."""

    args: tuple[str, ...] = ()
    env: dict = field(default_factory=dict)
    release: str = ""

    def flag(self, name: str) -> str | None:
        """The value of a vllm serve option as vLLM reads it (--a-b, --a_b, --a-b=value), or None."""
        for index, arg in enumerate(self.args):
            key, sep, value = arg.partition("=")
            if _dashed(key) == name:
                if sep:
                    return value
                return self.args[index + 1] if index + 1 < len(self.args) else ""
        return None

    def has_flag(self, name: str) -> bool:
        return any(_dashed(arg.partition("=")[0]) == name for arg in self.args)

    def number(self, name: str, cast, default=None):
        value = self.flag(name)
        try:
            return cast(value) if value not in (None, "") else default
        except ValueError:
            return default

    @property
    def max_model_len(self) -> int | None:
        return self.number("--max-model-len", int)

    @property
    def max_num_seqs(self) -> int | None:
        return self.number("--max-num-seqs", int)

    @property
    def gpu_memory_utilization(self) -> float:
        return self.number("--gpu-memory-utilization", float, VLLM_DEFAULT_GPU_MEMORY_UTILIZATION)

    @property
    def tensor_parallel_size(self) -> int:
        return self.number("--tensor-parallel-size", int) or self.number("-tp", int) or 1


def settings_from_container(container: dict, release: str = "") -> Settings:
    """An instance's settings from its `docker inspect` (Config.Cmd, Config.Env, the release label)."""
    config = (container or {}).get("Config") or {}
    cmd = list(config.get("Cmd") or [])
    args = cmd[3:] if cmd[:2] == ["vllm", "serve"] else cmd
    env = dict(item.split("=", 1) for item in config.get("Env") or [] if "=" in item)
    labels = config.get("Labels") or {}
    return Settings(tuple(str(a) for a in args), env, release or labels.get("io.npuops.gptoss.vllm_ascend_version", ""))


@dataclass(frozen=True)
class Step:
    """One remediation: the failure it answers and the changes it makes."""

    name: str
    kind: str = ""
    at_most: dict = field(default_factory=dict)
    at_least: dict = field(default_factory=dict)
    env: dict = field(default_factory=dict)
    args: tuple[str, ...] = ()
    reason: str = ""

    def as_dict(self) -> dict:
        out = {"name": self.name, "kind": self.kind}
        for key in ("at_most", "at_least", "env"):
            if getattr(self, key):
                out[key] = dict(getattr(self, key))
        if self.args:
            out["args"] = list(self.args)
        if self.reason:
            out["reason"] = self.reason
        return out

    def describe(self) -> str:
        parts = ["%s<=%s" % item for item in self.at_most.items()] + ["%s>=%s" % item for item in self.at_least.items()]
        parts += ["%s=%s" % item for item in self.env.items()] + list(self.args)
        return "%s (%s)" % (self.name, ", ".join(parts)) if parts else self.name


# --------------------------------------------------------------------------------------------------- the steps
# Each takes the instance's settings and returns the step, or None when it would change nothing there.

def _enforce_eager(s: Settings, kind: str):
    # vLLM's --enforce-eager: no graph capture at all (vllm/config/model.py enforce_eager; vllm-ascend FAQ
    # "temporarily disable graph mode (cudagraph_mode="NONE" / enforce_eager=True)").
    if s.has_flag("--enforce-eager"):
        return None
    return Step("enforce_eager", kind, args=("--enforce-eager",), reason="run without ACL graphs")


def _hccl_aiv(s: Settings, kind: str):
    # HCCL_OP_EXPANSION_MODE is read by CANN's HCCL, which only a TP/EP group uses; AIV expansion needs fewer
    # streams during capture (vllm-ascend FAQ: the capture's stream need counts the HCCL mode, AIV/AICPU).
    if s.tensor_parallel_size < 2 or s.env.get("HCCL_OP_EXPANSION_MODE") == "AIV":
        return None
    return Step("hccl_aiv", kind, env={"HCCL_OP_EXPANSION_MODE": "AIV"}, reason="HCCL expands collectives on AIV")


def _expandable_segments(s: Settings, kind: str):
    # torch_npu's allocator reads PYTORCH_NPU_ALLOC_CONF; vllm-ascend sets expandable segments itself from
    # v0.14.0rc1, and they cannot be combined with max_split_size_mb or garbage_collection_threshold.
    conf = s.env.get("PYTORCH_NPU_ALLOC_CONF", "")
    if not release_before(s.release, EXPANDABLE_SEGMENTS_DEFAULT_FROM) or "expandable_segments" in conf \
            or "max_split_size_mb" in conf or "garbage_collection_threshold" in conf:
        return None
    value = ",".join(x for x in (conf, "expandable_segments:True") if x)
    return Step("expandable_segments", kind, env={"PYTORCH_NPU_ALLOC_CONF": value}, reason="less fragmentation")


def _fewer_sequences(s: Settings, kind: str):
    # vLLM's --max-num-seqs bounds the running batch, the sampler's warm-up batch and the captured graph sizes.
    current = s.max_num_seqs
    if current is None or current <= 1:
        return None
    return Step("max_num_seqs", kind, at_most={"max_num_seqs": max(1, current // 2)}, reason="half the batch")


def _shorter_context(s: Settings, kind: str):
    # vLLM's --max-model-len; vllm-ascend FAQ 12: "Limit --max-model-len".
    current = s.max_model_len
    if current is None:
        return None
    cap = CONTEXT_CAP if current > CONTEXT_CAP else max(MIN_MAX_MODEL_LEN, current // 2)
    if cap >= current:
        return None
    return Step("max_model_len", kind, at_most={"max_model_len": cap}, reason="shorter context")


def _less_memory(s: Settings, kind: str):
    # vllm-ascend FAQ 12: decrease --gpu-memory-utilization "to reserve more memory to reduce fragmentation risks".
    current = s.gpu_memory_utilization
    cap = max(MIN_GPU_MEMORY_UTILIZATION, round(current - 0.05, 2))
    if cap >= current:
        return None
    return Step("gpu_memory_utilization_down", kind, at_most={"gpu_memory_utilization": cap},
                reason="leave room against fragmentation")


def _more_kv_memory(s: Settings, kind: str):
    # vLLM's KV-cache errors (vllm/v1/core/kv_cache_utils.py): "Try increasing `gpu_memory_utilization`".
    current = s.gpu_memory_utilization
    target = min(MAX_GPU_MEMORY_UTILIZATION, round(current + 0.05, 2))
    if target <= current:
        return None
    return Step("gpu_memory_utilization_up", kind, at_least={"gpu_memory_utilization": target},
                reason="vLLM: increase gpu_memory_utilization")


def _context_that_fits(s: Settings, kind: str, estimated: int | None):
    # The same message: "or decreasing `max_model_len`", with vLLM's own estimate of what fits (0.10 and later).
    current = s.max_model_len
    if current is None:
        return None
    cap = estimated if estimated else max(MIN_MAX_MODEL_LEN, current // 2)
    if cap >= current or cap < MIN_MAX_MODEL_LEN:
        return None
    return Step("max_model_len", kind, at_most={"max_model_len": cap}, reason="vLLM: decrease max_model_len")


def next_step(kind: str, details: dict, settings: Settings, applied=()) -> tuple[Step | None, str]:
    """The first step of the failure's ladder that changes something for these settings, and a hint otherwise.

    Rungs whose step name is not in `applied` yet come first, so a ladder tries each kind of change once (fewer
    sequences, then a shorter context, ...) before it repeats one.
    """
    details = details or {}
    if kind == "rope_operation":
        ladder = [_enforce_eager]
    elif kind == "acl_graph_capture":
        ladder = [_hccl_aiv, _enforce_eager]
    elif kind == "kv_cache_memory":
        estimated = details.get("estimated_max_model_len")
        ladder = [_more_kv_memory, lambda s, k: _context_that_fits(s, k, estimated)]
    elif kind == "npu_oom":
        if details.get("in_load_model"):
            return None, ("the weights alone do not fit on the instance's chips: more chips per instance "
                          "(vllm_ascend_tensor_parallel_size)")
        ladder = [_expandable_segments, _fewer_sequences, _shorter_context, _less_memory]
    else:
        return None, ""
    steps = [step for step in (rung(settings, kind) for rung in ladder) if step is not None]
    done = set(applied or ())
    for step in [s for s in steps if s.name not in done] + [s for s in steps if s.name in done]:
        return step, ""
    return None, "every remediation step for it is already in effect"


# ------------------------------------------------------------------------------------------ keeping and applying

# The names earlier releases of the collection kept in the local fact, as the changes they made then.
LEGACY_STEPS = {
    "enforce_eager": Step("enforce_eager", args=("--enforce-eager",)),
    "hccl_aiv": Step("hccl_aiv", env={"HCCL_OP_EXPANSION_MODE": "AIV"}),
    "expandable_segments": Step("expandable_segments", env={"PYTORCH_NPU_ALLOC_CONF": "expandable_segments:True"}),
    "max_model_len_32k": Step("max_model_len", at_most={"max_model_len": 32768}),
    "max_num_seqs_4": Step("max_num_seqs", at_most={"max_num_seqs": 4}),
    "memory_utilization_085": Step("gpu_memory_utilization_down", at_most={"gpu_memory_utilization": 0.85}),
}


def to_step(item, where: str = "remediation") -> Step:
    """A kept remediation (a step dict, or a legacy name) as a Step; anything else is refused."""
    if isinstance(item, str):
        if item not in LEGACY_STEPS:
            raise RemediationError("%s: unknown step '%s' (known names: %s, or a step with name and changes)"
                                   % (where, item, ", ".join(sorted(LEGACY_STEPS))))
        return LEGACY_STEPS[item]
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise RemediationError("%s: a step is a dict with a name and its changes, got %r" % (where, item))
    unknown = set(item) - {"name", "kind", "at_most", "at_least", "env", "args", "reason"}
    if unknown:
        raise RemediationError("%s: step '%s' has unknown keys %s" % (where, item["name"], sorted(unknown)))
    bounds = {}
    for key in ("at_most", "at_least"):
        value = item.get(key) or {}
        if not isinstance(value, dict) or set(value) - set(SETTINGS) \
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value.values()):
            raise RemediationError("%s: step '%s': %s maps %s to numbers" % (where, item["name"], key, "/".join(SETTINGS)))
        bounds[key] = value
    env, args = item.get("env") or {}, item.get("args") or []
    if not isinstance(env, dict) or not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        raise RemediationError("%s: step '%s': env is a dict and args a list of strings" % (where, item["name"]))
    return Step(item["name"], str(item.get("kind") or ""), dict(bounds["at_most"]), dict(bounds["at_least"]),
                {str(k): str(v) for k, v in env.items()}, tuple(args), str(item.get("reason") or ""))


def effective(base: dict, remediations, where: str = "remediations") -> dict:
    """The settings an instance runs with once the kept steps are applied to the configured ones, in order."""
    steps = [to_step(item, "%s[%d]" % (where, index)) for index, item in enumerate(remediations or [])]
    values = {name: base.get(name) for name in SETTINGS}
    env: dict = {}
    args: list = []
    for step in steps:
        for name, cap in step.at_most.items():
            values[name] = cap if values[name] is None else min(values[name], cap)
        for name, floor in step.at_least.items():
            values[name] = floor if values[name] is None else max(values[name], floor)
        env.update(step.env)
        args += [a for a in step.args if a not in args]
    for name in ("max_model_len", "max_num_seqs"):
        if values[name] is not None:
            values[name] = int(values[name])
    return dict(values, env=env, args=args, steps=[s.as_dict() for s in steps], names=[s.name for s in steps])
