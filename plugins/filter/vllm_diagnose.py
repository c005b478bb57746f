# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The vllm_diagnose filter: classify a vllm-ascend container log and name the next remediation step."""

from __future__ import annotations

DOCUMENTATION = r"""
name: vllm_diagnose
short_description: Classify a vllm-ascend container log and name the next remediation step
version_added: 0.1.0
author: npuops contributors (@npuops)
description:
  - Finds the first known failure in the log (RopeOperation, ACL graph capture, NPU out of memory, missing tiktoken
    vocabulary, missing driver mount, MXFP4 weights, busy device, driver not loaded) and returns its kind, the log
    line that shows it, and the first step of its remediation ladder that is not in O(applied).
options:
  _input:
    description: The container log.
    type: str
    required: true
  applied:
    description: Remediation steps already applied.
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: Diagnose a failed instance
  ansible.builtin.set_fact:
    diagnosis: "{{ container_log | npuops.gptoss.vllm_diagnose(['enforce_eager']) }}"
"""

RETURN = r"""
_value:
  description: C(kind), C(summary), C(evidence) (the log line), C(next_step) (or null) and C(hint).
  type: dict
"""

from dataclasses import asdict

from ansible_collections.npuops.gptoss.plugins.module_utils.vllm_failures import classify


def vllm_diagnose(log, applied=None):
    return asdict(classify(str(log or ""), list(applied or [])))


class FilterModule:
    def filters(self):
        return {"vllm_diagnose": vllm_diagnose}
