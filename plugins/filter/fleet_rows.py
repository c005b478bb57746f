# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet_rows filter: one row per host of what npu_info discovered, for the fleet table of site.yml."""

from __future__ import annotations

DOCUMENTATION = r"""
name: fleet_rows
short_description: One row per host of its discovered NPUs, for a fleet table
version_added: 0.1.0
author: npuops contributors (@npuops)
description:
  - Reads each host's C(ansible_facts), as M(npuops.gptoss.npu_info) left them, and returns one row per host,
    sorted by host name, with the keys C(host), C(os), C(box), C(chips), C(hbm), C(health), C(driver) and
    C(variant). Render the rows with P(npuops.gptoss.text_table#filter).
  - >-
    C(health) is C(<healthy>/<chips> OK), followed by C((not OK: <logic ids>)) when some chips are not healthy,
    when the chips came from npu-smi; C(unknown: <error kind>) (or C(unknown: sysfs only)) when only sysfs saw
    them; C(no NPU) when none were found or the host was never discovered.
  - C(variant) is the vllm-ascend image suffix the chips need; the A2 image, which has none, shows as
    C(A2 (no suffix)).
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
- name: Fleet table
  ansible.builtin.debug:
    msg: "{{ ansible_play_hosts_all | npuops.gptoss.fleet_rows(hostvars) | npuops.gptoss.text_table(['host', 'health']) }}"
  run_once: true
"""

RETURN = r"""
_value:
  description: One dictionary a host, sorted by host name.
  type: list
  elements: dict
  contains:
    host:
      description: Inventory host name.
      type: str
    os:
      description: Distribution and version, e.g. C(openEuler 22.03).
      type: str
    box:
      description: Server model from the summary, null when unknown.
      type: str
    chips:
      description: Number of chips (dies on A3), 0 without NPUs.
      type: int
    hbm:
      description: HBM per chip in MB, null when unknown.
      type: int
    health:
      description: Chip health in words (see the description).
      type: str
    driver:
      description: Installed driver version, null when none.
      type: str
    variant:
      description: vllm-ascend image variant, null when unknown.
      type: str
"""

from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

from ansible_collections.npuops.gptoss.plugins.module_utils.play_hosts import PlayHostsError, sorted_host_vars


def _mapping(value: object) -> Mapping:
    return value if isinstance(value, Mapping) else {}


def _health(npu: Mapping, summary: Mapping) -> str:
    if npu.get("source") == "npu-smi":
        bad = ",".join(str(chip.get("logic_id")) for chip in summary.get("unhealthy") or [])
        text = "%s/%s OK" % (summary.get("healthy_count"), summary.get("chip_count"))
        return text + (" (not OK: %s)" % bad if bad else "")
    if npu.get("present"):
        return "unknown: %s" % (_mapping(npu.get("error")).get("kind") or "sysfs only")
    return "no NPU"


def _variant(summary: Mapping) -> str | None:
    if "image_variant" not in summary or summary["image_variant"] is None:
        return None
    return summary["image_variant"] or "A2 (no suffix)"


def fleet_row(host: str, facts: Mapping) -> dict:
    npu = _mapping(facts.get("npu"))
    summary = _mapping(npu.get("summary"))
    os_name = " ".join(str(facts[k]) for k in ("distribution", "distribution_version") if facts.get(k) is not None)
    return {
        "host": host,
        "os": os_name or None,
        "box": summary.get("box_model"),
        "chips": summary.get("chip_count") or 0,
        "hbm": summary.get("hbm_per_chip_mb"),
        "health": _health(npu, summary),
        "driver": npu.get("driver_version"),
        "variant": _variant(summary),
    }


def fleet_rows(hosts: Sequence[str], hostvars: Mapping) -> list[dict]:
    try:
        return [fleet_row(host, _mapping(host_vars.get("ansible_facts")))
                for host, host_vars in sorted_host_vars("fleet_rows", hosts, hostvars)]
    except PlayHostsError as exc:
        raise AnsibleFilterError(str(exc)) from exc


class FilterModule:
    def filters(self):
        return {"fleet_rows": fleet_rows}
