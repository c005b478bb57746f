# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The model_weights_hub_runs filter: group hub files into one hf CLI run per revision, endpoint and cache (model_weights' controller side)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: model_weights_hub_runs
short_description: Group hub files into one hf CLI run per revision, endpoint and cache
version_added: 0.1.0
author: npuops contributors (@npuops)
description:
  - Each run has C(repo), C(revision), C(endpoint), C(local_dir), its C(files) and their C(bytes).
options:
  _input:
    description: Items with C(via) V(hub).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: The hf CLI runs
  ansible.builtin.debug:
    msg: "{{ hub_files | npuops.gptoss.model_weights_hub_runs }}"
"""

RETURN = r"""
_value:
  description: The runs.
  type: list
"""

from ansible_collections.npuops.gptoss.plugins.module_utils.model_weights_batch import hub_runs


def model_weights_hub_runs(files):
    return hub_runs(list(files or []))


class FilterModule:
    def filters(self):
        return {"model_weights_hub_runs": model_weights_hub_runs}
