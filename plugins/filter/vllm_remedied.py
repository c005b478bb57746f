# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The vllm_remedied filter: the settings an instance runs with once its kept remediation steps are applied."""

from __future__ import annotations

DOCUMENTATION = r"""
name: vllm_remedied
short_description: Apply kept remediation steps to the configured serving settings
version_added: 0.2.0
author: npuops contributors (@npuops)
description:
  - Applies each step in order to the configured C(max_model_len), C(max_num_seqs) and C(gpu_memory_utilization).
    C(at_most) caps a setting (the smaller of the two values wins), C(at_least) raises it; C(env) and C(args) collect the
    environment variables and C(vllm serve) flags the steps add.
  - A step is a dict (C(name), C(kind), C(at_most), C(at_least), C(env), C(args), C(reason)) as
    M(npuops.gptoss.serving_verify) records it, or one of the names earlier releases kept (C(enforce_eager),
    C(hccl_aiv), C(expandable_segments), C(max_model_len_32k), C(max_num_seqs_4), C(memory_utilization_085)).
    Anything else is refused, naming O(where).
options:
  _input:
    description: The configured settings, C(max_model_len), C(max_num_seqs) and C(gpu_memory_utilization).
    type: dict
    required: true
  remediations:
    description: The steps, in the order they were applied.
    type: list
    elements: raw
    required: true
  where:
    description: Where the steps come from, for the error message.
    type: str
    default: remediations
"""

EXAMPLES = r"""
- name: Settings with the kept remediations
  ansible.builtin.set_fact:
    remedied: "{{ {'max_model_len': 4096, 'max_num_seqs': 4, 'gpu_memory_utilization': 0.95}
                  | npuops.gptoss.vllm_remedied(kept, 'vllm_ascend_remediations') }}"
"""

RETURN = r"""
_value:
  description:
    - The three settings after the steps, C(env) (dict), C(args) (list), C(steps) (each step as a dict) and
      C(names).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.npuops.gptoss.plugins.module_utils.vllm_remediation import RemediationError, effective


def vllm_remedied(base, remediations, where="remediations"):
    if not isinstance(base, dict):
        raise AnsibleFilterError("vllm_remedied: input must be a dict of settings")
    if remediations is not None and not isinstance(remediations, list):
        raise AnsibleFilterError("vllm_remedied: %s must be a list of steps, got %r" % (where, remediations))
    try:
        return effective(base, remediations or [], where)
    except RemediationError as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    def filters(self):
        return {"vllm_remedied": vllm_remedied}
