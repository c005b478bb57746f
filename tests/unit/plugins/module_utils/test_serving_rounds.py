"""serving_verify's rounds: a failure is diagnosed from its container, a step decided only while rounds remain, and
the final diagnosis names what fixed it."""
from ansible_collections.npuops.gptoss.plugins.filter.serving_verify_round import serving_verify_round

INSTANCES = [{"name": "gptoss-20b-0", "port": 8000, "chips": [0]}, {"name": "gptoss-20b-1", "port": 8001, "chips": [1]}]
ROPE_LOG = ("(EngineCore_DP0 pid=81) [rank0]:[E903 07:21:23.263967696 compiler_depend.ts:429] RopeOperation setup failed!\n"
            "(EngineCore_DP0 pid=81) ERROR 09-03 07:21:23 [core.py:866] RuntimeError: RopeOperation setup failed!\n")


def inspect(*extra):
    return {"Config": {"Cmd": ["vllm", "serve", "/models/gpt-oss-20b", "--tensor-parallel-size", "1", "--max-model-len",
                               "32768", "--max-num-seqs", "8", "--gpu-memory-utilization", "0.9"] + list(extra),
                       "Env": ["HCCL_OP_EXPANSION_MODE=AIV", "VLLM_API_KEY=secret"],
                       "Labels": {"io.npuops.gptoss.vllm_ascend_version": "v0.18.0rc1"}}}


def failed_round(state, *extra, **kwargs):
    logs = [{"item": inst, "stdout": ROPE_LOG, "stderr": ""} for inst in INSTANCES]
    states = [{"item": inst, "container": inspect(*extra)} for inst in INSTANCES]
    return serving_verify_round(state, INSTANCES, [], logs=logs, states=states, **kwargs)


def verified_round(state):
    verdicts = [{"instance": i["name"], "port": i["port"], "chips": i["chips"], "status": "verified", "answer": "Paris",
                 "detail": ""} for i in INSTANCES]
    return serving_verify_round(state, INSTANCES, verdicts)


def test_a_rope_failure_is_fixed_by_eager_mode_in_a_second_round():
    first = failed_round({})
    assert not first["done"] and [s["name"] for s in first["pending"]] == ["enforce_eager"]
    assert first["pending"][0]["args"] == ["--enforce-eager"]
    assert first["pending_text"] == "enforce_eager (--enforce-eager)"
    assert all(r["status"] == "failed" and "RopeOperation" in r["detail"] for r in first["report"])
    assert "secret" not in repr(first)
    second = verified_round(first)
    assert second["done"] and second["pending"] == []
    assert second["diagnosis"] == "fixed by enforce_eager after RopeOperation setup failed"
    assert [s["name"] for s in second["applied"]] == ["enforce_eager"]


def test_nothing_is_decided_when_the_step_is_already_in_effect():
    again = failed_round({}, "--enforce-eager", applied=["enforce_eager"])
    assert again["done"] and again["pending"] == []
    assert "already in effect" in again["report"][0]["detail"]


def test_diagnosis_only_and_the_round_limit_decide_nothing():
    assert failed_round({}, remediate=False)["pending"] == []
    assert failed_round({}, max_remediations=0)["pending"] == []
    assert failed_round({}, max_remediations=0)["diagnosis"] == "RopeOperation setup failed"


def test_a_step_that_did_not_help_is_reported_as_such():
    first = failed_round({})
    second = failed_round(first, "--enforce-eager")
    assert second["done"] and second["diagnosis"] == "not fixed by enforce_eager after RopeOperation setup failed"
