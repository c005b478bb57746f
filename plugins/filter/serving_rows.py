# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The serving_rows filter: every verified (or failed) instance of every host, for the serving table of site.yml."""

from __future__ import annotations

DOCUMENTATION = r"""
name: serving_rows
short_description: One row per serving instance of every host, from the serving_verify reports
version_added: 0.1.0
author: npuops contributors (@npuops)
description:
  - Returns the entries of each host's C(serving_verify_report) (set by the npuops.gptoss.serving_verify role), hosts
    sorted by name and instances in plan order, each with the key C(host) added. A host without a report (not
    verified, refused by its plan, failed earlier) has no row. Render the rows with P(npuops.gptoss.text_table#filter).
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
- name: Serving table
  ansible.builtin.debug:
    msg: "{{ ansible_play_hosts_all | npuops.gptoss.serving_rows(hostvars) | npuops.gptoss.text_table(['host', 'instance', 'status']) }}"
  run_once: true
"""

RETURN = r"""
_value:
  description:
    - One dictionary an instance, the report's entry (C(instance), C(port), C(chips), C(status), C(answer),
      C(detail), ...) with C(host) added.
  type: list
  elements: dict
"""

from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

from ansible_collections.npuops.gptoss.plugins.module_utils.play_hosts import PlayHostsError, sorted_host_vars


def serving_rows(hosts: Sequence[str], hostvars: Mapping) -> list[dict]:
    try:
        walked = list(sorted_host_vars("serving_rows", hosts, hostvars))
    except PlayHostsError as exc:
        raise AnsibleFilterError(str(exc)) from exc
    rows = []
    for host, host_vars in walked:
        report = host_vars.get("serving_verify_report")
        if report is None:
            continue
        if not isinstance(report, Sequence) or isinstance(report, (str, bytes)):
            raise AnsibleFilterError("serving_rows: serving_verify_report of %s is not a list" % host)
        for index, entry in enumerate(report):
            if not isinstance(entry, Mapping):
                raise AnsibleFilterError("serving_rows: serving_verify_report[%d] of %s is not a dictionary" % (index, host))
            rows.append(dict(entry, host=host))
    return rows


class FilterModule:
    def filters(self):
        return {"serving_rows": serving_rows}
