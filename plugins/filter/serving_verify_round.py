# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The serving_verify_round filter: record one verification round and decide the remediation to apply."""

from __future__ import annotations

DOCUMENTATION = r"""
name: serving_verify_round
short_description: Record a serving_verify round and decide the next remediation
version_added: 0.2.0
author: npuops contributors (@npuops)
description:
  - Takes the verification state so far (empty to start from O(applied)), the probe verdicts of the healthy
    instances, the logs of the failed ones and every instance's C(docker inspect). Each failure is classified and
    the next step of its ladder chosen for that instance's own settings (see P(npuops.gptoss.vllm_diagnose#filter)).
  - The steps become C(pending) only when O(remediate) is true and fewer than O(max_remediations) rounds ran; the
    round is C(done) otherwise. Applying them is left to the playbook (vllm_ascend, then serving_verify again).
options:
  _input:
    description: The state of the earlier rounds, or an empty dict.
    type: dict
    required: true
  instances:
    description: The planned instances (C(name), C(port), C(chips)).
    type: list
    elements: dict
    required: true
  verdicts:
    description: M(npuops.gptoss.openai_probe) verdicts of the healthy instances.
    type: list
    elements: dict
    default: []
  logs:
    description:
      - The registered results of a C(docker logs) loop over the failed instances (C(item.name), C(stdout),
        C(stderr)).
    type: list
    elements: dict
    default: []
  states:
    description:
      - The registered results of a M(community.docker.docker_container_info) loop over the instances
        (C(item.name), C(container)).
    type: list
    elements: dict
    default: []
  remediate:
    description: Whether steps may be decided.
    type: bool
    default: true
  max_remediations:
    description: Rounds that may end with a remediation.
    type: int
    default: 3
  applied:
    description: Steps already in effect, for a new state.
    type: list
    elements: raw
    default: []
  release:
    description: The vllm-ascend release, when the containers do not carry it.
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Round outcome
  ansible.builtin.set_fact:
    state: >-
      {{ {} | npuops.gptoss.serving_verify_round(plan.instances, probe.verdicts, logs=logs.results,
                                                 states=states.results, applied=kept) }}
"""

RETURN = r"""
_value:
  description:
    - C(round), C(done), C(pending) (steps to apply now), C(pending_text), C(applied) (every step in effect), C(fixed_by),
      C(diagnoses), C(results) (per instance), C(report) (in plan order) and C(diagnosis) (one line).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.npuops.gptoss.plugins.module_utils.serving_rounds import record, start
from ansible_collections.npuops.gptoss.plugins.module_utils.vllm_remediation import RemediationError


def _failed(logs, states):
    containers = {r["item"]["name"]: r.get("container") for r in states or [] if isinstance(r.get("item"), dict)}
    return [{"name": r["item"]["name"], "log": "\n".join(x for x in (r.get("stdout", ""), r.get("stderr", "")) if x),
             "container": containers.get(r["item"]["name"])} for r in logs or [] if not r.get("skipped")]


def serving_verify_round(state, instances, verdicts=None, logs=None, states=None, remediate=True, max_remediations=3,
                         applied=None, release=""):
    try:
        current = state if state else start(applied or [])
        return record(current, list(instances or []), list(verdicts or []), _failed(logs, states), bool(remediate),
                      int(max_remediations), str(release or ""))
    except (RemediationError, KeyError, TypeError) as exc:
        raise AnsibleFilterError("serving_verify_round: %s" % exc) from None


class FilterModule:
    def filters(self):
        return {"serving_verify_round": serving_verify_round}
