# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The vllm_diagnose filter: classify a vllm-ascend container log and name the next remediation step."""

from __future__ import annotations

DOCUMENTATION = r"""
name: vllm_diagnose
short_description: Classify a vllm-ascend container log and name the next remediation step for that instance
version_added: 0.1.0
author: npuops contributors (@npuops)
description:
  - Finds the first known failure in the log (RopeOperation, ACL graph capture, vLLM's KV-cache errors, NPU out of
    memory, missing tiktoken vocabulary, missing driver mount, MXFP4 weights, busy device, driver not loaded) by the
    verbatim lines the real engine prints, and returns its kind, the log line that shows it and that line's source.
  - The next step is chosen from the failure's ladder for the settings the instance runs with (its container's
    C(vllm serve) arguments and environment, and the vllm-ascend release); a step that would change nothing there
    is skipped.
options:
  _input:
    description: The container log.
    type: str
    required: true
  container:
    description: The instance's C(docker inspect) (as C(community.docker.docker_container_info) returns it).
    type: dict
    default: {}
  release:
    description: The vllm-ascend release tag; defaults to the container's C(io.npuops.gptoss.vllm_ascend_version) label.
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Diagnose a failed instance
  ansible.builtin.set_fact:
    diagnosis: "{{ container_log | npuops.gptoss.vllm_diagnose(info.container, 'v0.18.0rc1') }}"
"""

RETURN = r"""
_value:
  description:
    - C(kind), C(summary), C(evidence) (the log line), C(source) (where that text comes from), C(hint), C(details)
      (C(in_load_model), C(estimated_max_model_len)), C(next_step) (the step as its changes, or null) and
      C(next_step_text).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.npuops.gptoss.plugins.module_utils.serving_rounds import diagnose


def vllm_diagnose(log, container=None, release=""):
    if container is not None and not isinstance(container, dict):
        raise AnsibleFilterError("vllm_diagnose: container must be a docker inspect dict")
    return diagnose(str(log or ""), container or {}, str(release or ""))


class FilterModule:
    def filters(self):
        return {"vllm_diagnose": vllm_diagnose}
