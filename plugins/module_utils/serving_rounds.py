# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One verification round of serving_verify: what was verified, what failed and why, and which remediation to apply.

serving_verify decides here; applying the steps is vllm_ascend's job, driven by the playbook, so neither role
includes the other.
"""

from __future__ import annotations

from dataclasses import asdict

from ansible_collections.npuops.gptoss.plugins.module_utils.vllm_failures import classify
from ansible_collections.npuops.gptoss.plugins.module_utils.vllm_remediation import (
    next_step, settings_from_container, to_step)


def diagnose(log: str, container: dict | None = None, release: str = "", applied=()) -> dict:
    """The failure in an instance's log and the next step for the settings its container runs with."""
    diagnosis = classify(str(log or ""))
    settings = settings_from_container(container or {}, release)
    step, hint = next_step(diagnosis.kind, diagnosis.details, settings, [a["name"] for a in applied or []])
    out = asdict(diagnosis)
    out["hint"] = diagnosis.hint or hint
    out["next_step"] = step.as_dict() if step else None
    out["next_step_text"] = step.describe() if step else ""
    return out


def start(applied) -> dict:
    """The state before the first round: the steps already in effect, nothing verified yet."""
    return {"round": 0, "done": False, "applied": [to_step(s).as_dict() for s in applied or []],
            "pending": [], "fixed_by": [], "diagnoses": [], "results": {}}


def record(state: dict, instances: list, verdicts: list, failed: list, remediate: bool, max_remediations: int,
           release: str = "") -> dict:
    """The state after a round.

    failed: one dict per instance that did not become healthy: name, log (its container log) and container (its
    docker inspect, whose Cmd and Env are the settings the ladder starts from).
    """
    results = dict(state.get("results") or {})
    for verdict in verdicts or []:
        results[verdict["instance"]] = verdict
    by_name = {inst["name"]: inst for inst in instances}
    diagnoses, steps = [], []
    for entry in failed or []:
        found = diagnose(entry.get("log", ""), entry.get("container"), release, state.get("applied"))
        found["instance"] = entry["name"]
        diagnoses.append(found)
        inst = by_name.get(entry["name"], {})
        detail = "%s: %s" % (found["summary"], found["evidence"]) + (" (%s)" % found["hint"] if found["hint"] else "")
        results[entry["name"]] = {"instance": entry["name"], "port": inst.get("port"), "chips": inst.get("chips"),
                                  "status": "failed", "answer": "", "detail": detail, "engine": ""}
        step = found["next_step"]
        # The instances of a host share their settings: one step per name, the first instance's.
        if step and step["name"] not in [s["name"] for s in steps]:
            steps.append(step)
    round_ = int(state.get("round", 0))
    can_fix = bool(remediate) and bool(steps) and round_ < int(max_remediations)
    pending = steps if (failed and can_fix) else []
    new = dict(state, round=round_ + 1, done=not pending, pending=pending, results=results,
               applied=list(state.get("applied") or []) + pending,
               fixed_by=list(state.get("fixed_by") or []) + [s["name"] for s in pending],
               diagnoses=list(state.get("diagnoses") or []) + diagnoses)
    new["pending_text"] = ", ".join(to_step(s).describe() for s in pending)
    report = [results[inst["name"]] for inst in instances if inst["name"] in results]
    new["report"] = report
    new["diagnosis"] = _summary(new, report)
    return new


def _summary(state: dict, report: list) -> str:
    failures = "; ".join(dict.fromkeys(d["summary"] for d in state["diagnoses"]))
    if not state["fixed_by"]:
        return failures
    served = all(r["status"] == "verified" for r in report)
    return "%s %s after %s" % ("fixed by" if served else "not fixed by", ", ".join(state["fixed_by"]), failures)
