# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The vllm_ascend_release_check filter: vllm-ascend's compatibility matrix, asked about one release and driver."""

from __future__ import annotations

DOCUMENTATION = r"""
name: vllm_ascend_release_check
short_description: Check a vllm-ascend release and an NPU driver against vllm-ascend's compatibility matrix
version_added: 0.1.0
author: npuops contributors (@npuops)
description:
  - Looks the release tag up in the collection's vllm-ascend matrix (C(plugins/module_utils/vllm_ascend_releases.py),
    one row per exact tag with its sources) and says what must be refused and what deserves a warning.
  - Refused, each naming its variable and the minimum, are a release before V(v0.15.0rc1) (no gpt-oss attention),
    a tag the matrix does not know (the message lists the known ones), and a driver (or a firmware, where the
    matrix knows a minimum) below the release's minimum.
  - Warned about are a release from V(v0.15.0rc1) to below V(v0.18.0rc1), the recipe's tested minimum, and
    gpt-oss-120b on a release without vllm-ascend's 120b tutorial.
options:
  _input:
    description: The release tag, such as V(v0.18.0rc1). Empty means the collection's default release (V(v0.18.0rc1)).
    type: str
    required: true
  driver:
    description: The NPU driver version the host runs or is about to get; empty skips the driver check.
    type: str
    default: ""
  firmware:
    description: The NPU firmware version; empty skips the firmware check.
    type: str
    default: ""
  model:
    description: The gpt-oss model to serve (V(gpt-oss-20b) or V(gpt-oss-120b)).
    type: str
    default: ""
  driver_origin:
    description: Where the driver version comes from, quoted in the message (V(the pin npu_driver_version), V(installed)).
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: The release and the driver pin are checked before anything changes
  ansible.builtin.set_fact:
    release_check: >-
      {{ vllm_ascend_version | npuops.gptoss.vllm_ascend_release_check(driver=npu_driver_version,
         driver_origin='the pin npu_driver_version') }}

- name: Refused
  ansible.builtin.assert:
    that: release_check.failures | length == 0
    fail_msg: "{{ release_check.failures | map(attribute='message') | join('; ') }}"
"""

RETURN = r"""
_value:
  description: The matrix row and the findings.
  type: dict
  contains:
    release:
      description: The matrix row of the tag (vLLM, CANN, torch_npu, minimum driver and its source, image variants,
        gpt-oss support), or null when the tag is unknown.
      type: dict
    failures:
      description: What must be refused, each with C(check), C(variable) and C(message).
      type: list
      elements: dict
    warnings:
      description: What deserves a warning, each with C(check), C(variable) and C(message).
      type: list
      elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.npuops.gptoss.plugins.module_utils.gptoss_models import MODELS
from ansible_collections.npuops.gptoss.plugins.module_utils.vllm_ascend_releases import DEFAULT_RELEASE, assess


def vllm_ascend_release_check(tag, driver="", firmware="", model="", driver_origin=""):
    if tag is not None and not isinstance(tag, str):
        raise AnsibleFilterError("vllm_ascend_release_check: input must be a release tag such as v0.18.0rc1, got %r"
                                 % (tag,))
    verdict = assess((tag or "").strip() or DEFAULT_RELEASE, driver=str(driver or "").strip() or None,
                     firmware=str(firmware or "").strip() or None, model=model or None,
                     expert_parallel=model in MODELS and MODELS[model].expert_parallel, driver_origin=driver_origin)
    result = verdict.as_dict()
    return {"release": result["release"], "failures": result["refusals"], "warnings": result["warnings"]}


class FilterModule:
    def filters(self):
        return {"vllm_ascend_release_check": vllm_ascend_release_check}
