# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The model_weights_plan filter: turn the model_weights role's settings into its plan (model_weights' controller side)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: model_weights_plan
short_description: Turn the model_weights role's settings into its plan
version_added: 0.1.0
author: npuops contributors (@npuops)
description:
  - Checks the settings (each problem names the variable to change) and lists every file with where it goes on the
    host and how it gets there (C(via) V(cache), V(direct), V(controller), V(hub) or V(shared)).
  - Pure computation on the controller; nothing is read from a host.
options:
  _input:
    description: The role's variables without their C(model_weights_) prefix (C(model), C(repo), C(revision), C(files), ...).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: The plan of the settings
  ansible.builtin.set_fact:
    plan: "{{ {'model': 'gpt-oss-20b', 'repo': 'unsloth/gpt-oss-20b-BF16', 'revision': '0' * 40, 'files': []} | npuops.gptoss.model_weights_plan }}"
"""

RETURN = r"""
_value:
  description: C(problems), C(items), C(tiktoken_items), C(host_path), C(record_path), C(via) and the controller paths.
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.npuops.gptoss.plugins.module_utils.model_weights_plan import WeightsSettings, plan


def model_weights_plan(settings):
    if not isinstance(settings, dict):
        raise AnsibleFilterError("model_weights_plan: input must be a mapping of the role's settings")
    try:
        return plan(WeightsSettings.from_vars(settings))
    except (KeyError, TypeError) as exc:
        raise AnsibleFilterError("model_weights_plan: %s" % exc) from exc


class FilterModule:
    def filters(self):
        return {"model_weights_plan": model_weights_plan}
