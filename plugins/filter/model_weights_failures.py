# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The model_weights_failures filter: the controller-side failures that concern the files one host needs (model_weights' controller side)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: model_weights_failures
short_description: The controller-side failures that concern the files one host needs
version_added: 0.1.0
author: npuops contributors (@npuops)
description:
  - Download failures, controller copies missing or with another sha256, and failed hf CLI runs, only for files in
    the host's C(todo), so that each host fails with its own name and the others go on.
options:
  _input:
    description: The host's C(todo) items.
    type: list
    elements: dict
    required: true
  downloads:
    description: The C(results) of a download_file loop.
    type: list
    elements: dict
    default: []
  stats:
    description: The C(results) of an C(ansible.builtin.stat) loop with sha256 over controller copies.
    type: list
    elements: dict
    default: []
  hub:
    description: The C(results) of the hf CLI loop over M(model_weights_hub_runs) runs.
    type: list
    elements: dict
    default: []
  unfetched:
    description: Controller paths not fetched yet (check mode), skipped.
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: This host's failures
  ansible.builtin.debug:
    msg: "{{ todo | npuops.gptoss.model_weights_failures(downloads=fetch.results) }}"
"""

RETURN = r"""
_value:
  description: Messages, one per failure.
  type: list
"""

from ansible_collections.npuops.gptoss.plugins.module_utils.model_weights_batch import failures


def model_weights_failures(mine, downloads=None, stats=None, hub=None, unfetched=None):
    return failures(list(mine or []), list(downloads or []), list(stats or []), list(hub or []), list(unfetched or []))


class FilterModule:
    def filters(self):
        return {"model_weights_failures": model_weights_failures}
