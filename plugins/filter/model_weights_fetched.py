# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The model_weights_fetched filter: count the files and bytes download_file loops fetched from upstream (model_weights' controller side)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: model_weights_fetched
short_description: Count the files and bytes download_file loops fetched from upstream
version_added: 0.1.0
author: npuops contributors (@npuops)
description:
  - Bytes received, not file sizes, so a resumed transfer counts only what crossed the network; in check mode the
    pinned sizes of what would be fetched.
options:
  _input:
    description: The C(results) of download_file loops.
    type: list
    elements: dict
    required: true
  check_mode:
    description: Whether the loops ran in check mode.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Upstream traffic
  ansible.builtin.debug:
    msg: "{{ (a.results + b.results) | npuops.gptoss.model_weights_fetched(ansible_check_mode) }}"
"""

RETURN = r"""
_value:
  description: C(files) and C(bytes).
  type: dict
"""

from ansible_collections.npuops.gptoss.plugins.module_utils.model_weights_batch import fetched


def model_weights_fetched(results, check_mode=False):
    return fetched(list(results or []), bool(check_mode))


class FilterModule:
    def filters(self):
        return {"model_weights_fetched": model_weights_fetched}
