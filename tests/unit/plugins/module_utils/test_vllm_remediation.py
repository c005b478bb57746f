"""Every remediation step, applied to the settings the demo and the example inventory use, changes something the
release's vLLM / vllm-ascend / CANN reads; no step raises a context; kept steps are applied as the changes they are.

The settings are read from the role's defaults and the inventories themselves, so the test follows them when they
change. The releases are the pinned one and the ones the compatibility work moves to.
"""
from pathlib import Path

import pytest
import yaml

from ansible_collections.npuops.gptoss.plugins.module_utils.vllm_remediation import (
    RemediationError, Settings, effective, next_step, release_before, to_step)

REPO = Path(__file__).resolve().parents[4]

# What reads each argument or variable a step may change, in the engine the container runs.
ENGINE_READS = {
    "--max-model-len": "vLLM EngineArgs.max_model_len (vllm/engine/arg_utils.py), the KV-cache check in "
                       "vllm/v1/core/kv_cache_utils.py",
    "--max-num-seqs": "vLLM EngineArgs.max_num_seqs -> SchedulerConfig (vllm/config/scheduler.py)",
    "--gpu-memory-utilization": "vLLM EngineArgs.gpu_memory_utilization -> CacheConfig (vllm/config/cache.py)",
    "--enforce-eager": "vLLM EngineArgs.enforce_eager -> ModelConfig; vllm-ascend skips ACL graph capture",
    "HCCL_OP_EXPANSION_MODE": "CANN HCCL (collectives of a TP/EP group; vllm-ascend gpt-oss tutorial)",
    "PYTORCH_NPU_ALLOC_CONF": "torch_npu's caching allocator (set by vllm_ascend/platform.py from v0.14.0rc1)",
}
KINDS = ("rope_operation", "acl_graph_capture", "kv_cache_memory", "npu_oom")


def details(kind, settings):
    # vLLM's KV-cache message estimates what fits: here three quarters of the context the instance asked for.
    return {"estimated_max_model_len": settings.max_model_len * 3 // 4} if kind == "kv_cache_memory" else {}


def _yaml(path):
    return yaml.safe_load((REPO / path).read_text())


def profiles():
    """(name, configured settings, TP, env) of each place the collection serves from."""
    defaults = _yaml("roles/vllm_ascend/defaults/main.yml")
    base_env = dict(_yaml("roles/vllm_ascend/vars/main.yml")["__vllm_ascend_base_env"], **defaults["vllm_ascend_env"])
    keys = ("max_model_len", "max_num_seqs", "gpu_memory_utilization")
    found = []
    # The demo (inventories/sim) serves at the role's defaults: the 910B4 host plans TP2, the 910B3 host TP1.
    for tp in (1, 2):
        found.append(("defaults/demo tp%d" % tp, {k: defaults["vllm_ascend_" + k] for k in keys}, tp, base_env))
    for group in sorted((REPO / "inventories/example/group_vars").glob("*/serving.yml")):
        values = yaml.safe_load(group.read_text())
        found.append(("example " + group.parent.name, {k: values.get("vllm_ascend_" + k, defaults["vllm_ascend_" + k])
                                                       for k in keys}, values["vllm_ascend_tensor_parallel_size"],
                      base_env))
    return found


RELEASES = sorted({_yaml("roles/vllm_ascend/defaults/main.yml")["vllm_ascend_version"],
                   _yaml("inventories/example/group_vars/ascend_hosts/site.yml")["vllm_ascend_version"],
                   "v0.18.0rc1", "v0.20.2rc1"})


def container(configured, tp, env, remediations, release):
    """The instance vllm_ascend starts: the plan's arguments at the remedied values, the steps' flags and env."""
    remedied = effective(configured, remediations)
    args = ["--dtype", "bfloat16", "--tensor-parallel-size", str(tp), "--max-model-len", str(remedied["max_model_len"]),
            "--max-num-seqs", str(remedied["max_num_seqs"]),
            "--gpu-memory-utilization", str(remedied["gpu_memory_utilization"])] + remedied["args"]
    return Settings(tuple(args), dict(env, **remedied["env"]), release)


def engine_view(settings):
    """What the engine reads, flag by flag and variable by variable."""
    view = {}
    args = list(settings.args)
    for index, arg in enumerate(args):
        if arg.startswith("--"):
            nxt = args[index + 1] if index + 1 < len(args) else None
            view[arg] = nxt if nxt is not None and not nxt.startswith("--") else True
    view.update(settings.env)
    return view


def ladder(configured, tp, env, kind, release):
    """Every step the failure gets on these settings, each applied before the next is chosen."""
    kept, seen = [], []
    while True:
        before = container(configured, tp, env, kept, release)
        step, _hint = next_step(kind, details(kind, before), before, [k["name"] for k in kept])
        if step is None:
            return seen
        kept.append(step.as_dict())
        seen.append((step, before, container(configured, tp, env, kept, release)))
        assert len(seen) < 12, "ladder does not end"


CASES = [(name, configured, tp, env, kind, release) for name, configured, tp, env in profiles()
         for kind in KINDS for release in RELEASES]


@pytest.mark.parametrize("name, configured, tp, env, kind, release", CASES,
                         ids=["%s-%s-%s" % (c[0], c[4], c[5]) for c in CASES])
def test_every_step_changes_what_the_engine_reads(name, configured, tp, env, kind, release):
    steps = ladder(configured, tp, env, kind, release)
    assert steps, "%s: %s gets no step at all" % (name, kind)
    for step, before, after in steps:
        old, new = engine_view(before), engine_view(after)
        changed = {key for key in set(old) | set(new) if old.get(key) != new.get(key)}
        assert changed, "%s: %s is a no-op" % (name, step.name)
        assert changed <= set(ENGINE_READS), "%s: %s changes %s, which nothing reads" % (name, step.name, changed)
        # Caps and raises only: a context is never made longer, a batch never larger.
        assert int(new["--max-model-len"]) <= int(old["--max-model-len"])
        assert int(new["--max-num-seqs"]) <= int(old["--max-num-seqs"])


def test_the_ladders_follow_the_failure_on_the_demos_tp2_instance():
    base = profiles()[1]
    _name, configured, tp, env = base
    names = {kind: [s.name for s, _b, _a in ladder(configured, tp, env, kind, "v0.18.0rc1")] for kind in KINDS}
    # AIV is already in the base environment: graph capture goes straight to eager mode.
    assert names["acl_graph_capture"] == ["enforce_eager"]
    assert names["rope_operation"] == ["enforce_eager"]
    # vLLM's KV-cache message: raise the budget, then the context it estimates fits.
    assert names["kv_cache_memory"][:2] == ["gpu_memory_utilization_up", "max_model_len"]
    # NPU OOM: smaller batches, shorter contexts, then some room against fragmentation (no expandable segments:
    # vllm-ascend sets them itself on this release).
    assert names["npu_oom"][:3] == ["max_num_seqs", "max_model_len", "gpu_memory_utilization_down"]
    assert "expandable_segments" not in names["npu_oom"]


def test_aiv_comes_first_only_where_it_is_not_set_and_hccl_is_used():
    args = ("--tensor-parallel-size", "2")
    assert next_step("acl_graph_capture", {}, Settings(args, {}))[0].env == {"HCCL_OP_EXPANSION_MODE": "AIV"}
    assert next_step("acl_graph_capture", {}, Settings(("--tensor-parallel-size", "1"), {}))[0].name == "enforce_eager"
    eager = Settings(args + ("--enforce-eager",), {"HCCL_OP_EXPANSION_MODE": "AIV"})
    step, hint = next_step("acl_graph_capture", {}, eager)
    assert step is None and "already in effect" in hint


def test_expandable_segments_only_before_vllm_ascend_sets_them_itself():
    settings = dict(args=("--max-num-seqs", "8"), env={})
    assert next_step("npu_oom", {}, Settings(release="v0.13.0", **settings))[0].name == "expandable_segments"
    assert next_step("npu_oom", {}, Settings(release="v0.14.0rc1", **settings))[0].name == "max_num_seqs"
    assert next_step("npu_oom", {}, Settings(release="main", **settings))[0].name == "max_num_seqs"
    assert release_before("v0.13.0", "v0.14.0rc1") and release_before("v0.14.0rc1", "v0.14.0")
    assert not release_before("v0.18.0rc1", "v0.14.0rc1")


def test_the_a3_examples_context_is_never_raised():
    a3 = next(p for p in profiles() if p[0] == "example atlas_a3")
    _name, configured, tp, env = a3
    assert configured["max_model_len"] == 4096
    for kind in KINDS:
        for release in RELEASES:
            for _step, before, after in ladder(configured, tp, env, kind, release):
                assert after.max_model_len <= before.max_model_len <= 4096
    # A kept cap from an earlier release (max_model_len_32k overwrote to 32768) is a cap now.
    assert effective(configured, ["max_model_len_32k"])["max_model_len"] == 4096


def test_kv_cache_cap_is_vllms_estimate_and_utilization_stops_at_095():
    at_top = Settings(("--max-model-len", "32768", "--gpu-memory-utilization", "0.95"), {})
    step, _hint = next_step("kv_cache_memory", {"estimated_max_model_len": 30208}, at_top)
    assert (step.name, step.at_most) == ("max_model_len", {"max_model_len": 30208})
    step, hint = next_step("kv_cache_memory", {}, Settings(("--max-model-len", "2048", "--gpu-memory-utilization",
                                                            "0.95"), {}))
    assert step is None and hint


def test_kept_steps_apply_in_order_as_caps_and_raises():
    base = {"max_model_len": 32768, "max_num_seqs": 8, "gpu_memory_utilization": 0.9}
    kept = [{"name": "gpu_memory_utilization_up", "at_least": {"gpu_memory_utilization": 0.95}},
            {"name": "max_model_len", "at_most": {"max_model_len": 16384}}, "enforce_eager",
            {"name": "hccl_aiv", "env": {"HCCL_OP_EXPANSION_MODE": "AIV"}}]
    out = effective(dict(base, max_model_len=8192), kept)
    assert (out["max_model_len"], out["gpu_memory_utilization"], out["max_num_seqs"]) == (8192, 0.95, 8)
    assert out["args"] == ["--enforce-eager"] and out["env"] == {"HCCL_OP_EXPANSION_MODE": "AIV"}
    assert out["names"] == ["gpu_memory_utilization_up", "max_model_len", "enforce_eager", "hccl_aiv"]
    # What is kept round-trips: the recorded dicts give the same settings.
    assert effective(base, out["steps"]) == effective(base, kept)


@pytest.mark.parametrize("bad", ["max_model_len_64k", {"name": "x", "at_most": {"tp": 2}}, {"at_most": {}},
                                 {"name": "x", "args": "--enforce-eager"}, {"name": "x", "extra": 1}])
def test_unknown_or_malformed_steps_are_refused_naming_where(bad):
    with pytest.raises(RemediationError, match="vllm_ascend_remediations"):
        effective({}, [bad], "vllm_ascend_remediations")


def test_legacy_names_read_as_the_changes_they_made():
    assert to_step("memory_utilization_085").at_most == {"gpu_memory_utilization": 0.85}
    assert to_step("hccl_aiv").env == {"HCCL_OP_EXPANSION_MODE": "AIV"}
