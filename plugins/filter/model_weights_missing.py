# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The model_weights_missing filter: keep the items of a stat loop that are absent or not at their pinned size (model_weights' controller side)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: model_weights_missing
short_description: Keep the items of a stat loop that are absent or not at their pinned size
version_added: 0.1.0
author: npuops contributors (@npuops)
description:
  - For the hub's cache on the controller - files there at their pinned size are left to the sha256 check.
options:
  _input:
    description: The C(results) of an C(ansible.builtin.stat) loop over items with C(size).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: What the hf CLI must fetch
  ansible.builtin.set_fact:
    missing: "{{ cache_stat.results | npuops.gptoss.model_weights_missing }}"
"""

RETURN = r"""
_value:
  description: The items.
  type: list
"""

from ansible_collections.npuops.gptoss.plugins.module_utils.model_weights_batch import missing


def model_weights_missing(results):
    return missing(list(results or []))


class FilterModule:
    def filters(self):
        return {"model_weights_missing": model_weights_missing}
