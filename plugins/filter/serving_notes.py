# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The serving_notes filter: the diagnosis of each host whose instances needed a remediation or failed."""

from __future__ import annotations

DOCUMENTATION = r"""
name: serving_notes
short_description: One line per host whose serving needed a remediation or failed, from serving_verify
version_added: 0.1.0
author: npuops contributors (@npuops)
description:
  - >-
    Returns C(<host>: <serving_verify_diagnosis>) for every host, sorted by name, whose C(serving_verify_diagnosis)
    (set by the npuops.gptoss.serving_verify role) is not empty. Hosts served at the first try, or never verified,
    have no line.
options:
  _input:
    description: The host names, e.g. C(ansible_play_hosts_all).
    type: list
    elements: str
    required: true
  hostvars:
    description: The C(hostvars) of the play (or any mapping of host name to its variables).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: What had to be fixed, and what could not be
  ansible.builtin.debug:
    msg: "{{ ansible_play_hosts_all | npuops.gptoss.serving_notes(hostvars) }}"
  run_once: true
"""

RETURN = r"""
_value:
  description: "One string a host, C(<host>: <diagnosis>)."
  type: list
  elements: str
"""

from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

from ansible_collections.npuops.gptoss.plugins.module_utils.play_hosts import PlayHostsError, sorted_host_vars


def serving_notes(hosts: Sequence[str], hostvars: Mapping) -> list[str]:
    try:
        return ["%s: %s" % (host, host_vars["serving_verify_diagnosis"])
                for host, host_vars in sorted_host_vars("serving_notes", hosts, hostvars)
                if host_vars.get("serving_verify_diagnosis")]
    except PlayHostsError as exc:
        raise AnsibleFilterError(str(exc)) from exc


class FilterModule:
    def filters(self):
        return {"serving_notes": serving_notes}
