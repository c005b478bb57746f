# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The model_weights_batch filter: list the controller-side files of a batch of hosts, each once (model_weights' controller side)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: model_weights_batch
short_description: List the controller-side files of a batch of hosts, each once
version_added: 0.1.0
author: npuops contributors (@npuops)
description:
  - From the items every host of the batch still needs, the ones the controller fetches into its cache (C(cache)) and
    the ones it copies from a controller directory or the hub's cache (C(controller)), each file once.
options:
  _input:
    description: The C(todo) items of every host of the batch.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: What the controller provides for the batch
  ansible.builtin.set_fact:
    batch: "{{ ansible_play_batch | map('extract', hostvars) | map(attribute='todo') | flatten | npuops.gptoss.model_weights_batch }}"
"""

RETURN = r"""
_value:
  description: C(cache) and C(controller), lists of items.
  type: dict
"""

from ansible_collections.npuops.gptoss.plugins.module_utils.model_weights_batch import batch


def model_weights_batch(todo):
    return batch(list(todo or []))


class FilterModule:
    def filters(self):
        return {"model_weights_batch": model_weights_batch}
