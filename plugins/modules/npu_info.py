#!/usr/bin/python
# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
---
module: npu_info
short_description: Discover Huawei Ascend NPUs, their health and the installed driver stack
version_added: 0.1.0
author:
  - npuops contributors (@npuops)
description:
  - Reads the chip table of C(npu-smi info) and the logic ids of C(npu-smi info -m) (at most two npu-smi
    runs per host, whatever the number of chips), the PCI devices in sysfs, and the driver, firmware and CANN
    version files, and returns them as the C(npu) fact.
  - Works before the driver is installed. Without a usable C(npu-smi), chips are found from the sysfs PCI
    scan alone, and the npu-smi failure is classified (driver not loaded, device busy, tool missing, ...) in
    RV(ansible_facts.npu.error).
  - The chip family is taken from the PCI device id when sysfs shows it, because chip names mislead (a first
    generation 910 can print V(910B), every A3 die prints V(Ascend910)).
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.facts
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  facts:
    support: full
  platform:
    platforms: posix
options:
  npu_smi_path:
    description:
      - Path of the C(npu-smi) executable.
      - When not set, C(npu-smi) is searched on E(PATH) and in C(/usr/local/sbin) (older drivers) and
        C(/usr/local/bin) (current drivers, and the usual container mount).
    type: path
  sysfs_pci_root:
    description:
      - Directory holding one entry per PCI function, each with C(vendor), C(device), C(class),
        C(subsystem_vendor) and C(subsystem_device) files.
    type: path
    default: /sys/bus/pci/devices
  driver_root:
    description:
      - Ascend install root holding C(driver/version.info), C(firmware/version.info) and the CANN toolkit
        (C(cann/<arch>-linux/) or C(ascend-toolkit/latest/<arch>-linux/) C(ascend_toolkit_install.info)).
    type: path
    default: /usr/local/Ascend
  include_processes:
    description:
      - Whether to list the NPU processes of each chip. They come from the same C(npu-smi info) run.
    type: bool
    default: true
notes:
  - Read-only; never reports a change.
  - A C(npu-smi) output that cannot be parsed fails the module with the offending line number and text.
    An npu-smi run that fails (non-zero exit or no table) does not fail the module; see RV(ansible_facts.npu.error).
  - An unreadable or malformed version file gives a warning and a null version.
"""

EXAMPLES = r"""
- name: Discover the NPUs
  npuops.gptoss.npu_info:

- name: Require eight healthy BF16-capable chips
  ansible.builtin.assert:
    that:
      - ansible_facts.npu.present
      - ansible_facts.npu.summary.bf16_capable
      - ansible_facts.npu.summary.healthy_count == 8
    fail_msg: "{{ ansible_facts.npu.error.message | default(ansible_facts.npu.summary.unhealthy) }}"

- name: Use the npu-smi mounted in a container and skip the process list
  npuops.gptoss.npu_info:
    npu_smi_path: /usr/local/bin/npu-smi
    include_processes: false
"""

RETURN = r"""
ansible_facts:
  description: Facts to add to C(ansible_facts).
  returned: always
  type: dict
  contains:
    npu:
      description: NPUs on the host.
      returned: always
      type: dict
      contains:
        present:
          description: Whether at least one NPU chip was found.
          type: bool
          returned: always
        source:
          description: Where the chip list came from, V(npu-smi) or V(sysfs) (npu-smi missing or failed).
          type: str
          returned: always
          sample: npu-smi
        npu_smi_path:
          description: The npu-smi executable that was run, null when none was found.
          type: str
          returned: always
          sample: /usr/local/bin/npu-smi
        npu_smi_version:
          description: Version of the npu-smi tool, null when the table was not read.
          type: str
          returned: always
          sample: 25.0.rc1.1
        driver_version:
          description: C(Version=) of C(driver/version.info), else the driver version npu-smi prints.
          type: str
          returned: always
          sample: 25.0.rc1.1
        firmware_version:
          description: C(Version=) of C(firmware/version.info), null when absent.
          type: str
          returned: always
          sample: 7.7.0.1.231
        cann_version:
          description: C(version=) of the CANN toolkit install record, null when absent.
          type: str
          returned: always
          sample: 8.2.RC1
        chips:
          description:
            - One entry per chip (per die on A3). With O(include_processes=false) or from sysfs,
              RV(ansible_facts.npu.chips[].processes) is null; from sysfs the npu-smi fields are null.
          type: list
          elements: dict
          returned: always
          contains:
            npu_id:
              description: NPU (card) id, the C(-i) argument of npu-smi. Not contiguous, not 0-based.
              type: int
            chip_id:
              description: Chip index within the NPU.
              type: int
            logic_id:
              description: Chip logic id, the N of C(/dev/davinciN) and of E(ASCEND_RT_VISIBLE_DEVICES).
              type: int
            phy_id:
              description: Chip physical id (A3 only).
              type: int
            name:
              description: Chip name as npu-smi prints it.
              type: str
              sample: 910B4
            family:
              description: Chip family, V(910B), V(910_93) (A3), V(910) (first generation), V(310P), V(310),
                V(310B) or V(950); null when unknown.
              type: str
              sample: 910B
            pci_device_id:
              description: PCI device id from sysfs, null when the chip's bus id is not found there.
              type: str
              sample: d802
            hbm_total_mb:
              description: HBM size in MB (null on the 310 family, and from sysfs when the family varies).
              type: int
            hbm_used_mb:
              description: HBM in use in MB.
              type: int
            health:
              description: V(OK), V(Warning), V(Alarm), V(Critical) or V(UNKNOWN).
              type: str
            bus_id:
              description: PCI bus id, upper-case hex as npu-smi prints it; null on SoC boards.
              type: str
              sample: "0000:C1:00.0"
            aicore_pct:
              description: AI core utilisation in percent.
              type: int
            power_w:
              description: Power in W; null where npu-smi prints NA (310P) or - (A3 second die).
              type: float
            temp_c:
              description: Temperature in degrees Celsius.
              type: int
            processes:
              description: Processes on this chip (pid, name, memory_mb, container_pid); null when not collected.
              type: list
              elements: dict
        summary:
          description: Figures that playbooks decide on.
          type: dict
          returned: always
          contains:
            chip_count:
              description: Number of chips (A3 dies count separately).
              type: int
            healthy_count:
              description: Number of chips whose health is V(OK) (0 when health is unknown, from sysfs).
              type: int
            unhealthy:
              description: npu_id, chip_id, logic_id and health of every chip whose health is not V(OK).
              type: list
              elements: dict
            hbm_per_chip_mb:
              description: Smallest HBM size over the chips, null when unknown.
              type: int
            bf16_capable:
              description: Whether every chip can run BF16 models (false for first-generation 910 and 310).
              type: bool
            box_model:
              description: Server model, e.g. V(Atlas 800I A2), null when unknown or mixed.
              type: str
            image_variant:
              description: >-
                vllm-ascend image tag suffix for the family (empty for A2, V(-a3), V(-310p)); null where
                gpt-oss cannot be served or the family is unknown or mixed.
              type: str
            family:
              description: The common chip family, V(mixed) when chips differ, null without chips.
              type: str
        error:
          description: Why npu-smi did not supply the chip table (kind, message, remedy); null when it did.
            Kinds are V(driver_not_loaded), V(device_busy), V(board_type_failed), V(unsupported_query),
            V(unknown_option), V(tool_missing), V(no_card) and V(unknown).
          type: dict
          returned: always
"""

import glob
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_facts import InstalledVersions, build_npu_facts
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_parse_error import NpuSmiParseError
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_pci import scan_npu_pci_devices
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_smi_errors import classify_npu_smi_failure
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_smi_info import parse_npu_smi_info
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_smi_mapping import parse_npu_smi_mapping
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_version_files import parse_ascend_info_file

NPU_SMI_EXTRA_DIRS = ["/usr/local/sbin", "/usr/local/bin"]
CANN_INFO_GLOBS = (
    "cann/*-linux/ascend_toolkit_install.info",  # CANN >= 8.5
    "ascend-toolkit/latest/*-linux/ascend_toolkit_install.info",
)


class NpuInfoCollector:
    def __init__(self, module):
        self.module = module
        self.params = module.params

    def collect(self):
        pci = scan_npu_pci_devices(self.params["sysfs_pci_root"])
        info = mapping = failure = None
        npu_smi = self._find_npu_smi()
        if npu_smi is None:
            failure = classify_npu_smi_failure(self._missing_evidence(), None)
        else:
            rc, out = self._run(npu_smi, "info")
            if rc != 0 or not any(line.lstrip().startswith("|") for line in out.splitlines()):
                failure = classify_npu_smi_failure(out, rc)
            else:
                info = self._parse(parse_npu_smi_info, out, "npu-smi info")
                for warning in info.warnings:
                    self.module.warn("npu-smi: %s" % warning)
                if info.chips:
                    mapping = self._mapping(npu_smi)
        if failure is not None and pci:
            self.module.warn("%s. %s" % (failure.message, failure.remedy))
        facts = build_npu_facts(info, mapping, pci, self._versions(), failure, self.params["include_processes"])
        # Serving mounts this very file into its containers (vllm_ascend_npu_smi_path).
        facts["npu_smi_path"] = npu_smi
        return facts

    def _find_npu_smi(self):
        path = self.params["npu_smi_path"]
        if path:
            return path if os.path.isfile(path) and os.access(path, os.X_OK) else None
        return self.module.get_bin_path("npu-smi", required=False, opt_dirs=NPU_SMI_EXTRA_DIRS)

    def _missing_evidence(self):
        path = self.params["npu_smi_path"]
        if path:
            return "%s: not an executable file" % path
        return "npu-smi not found on PATH or in %s" % ", ".join(NPU_SMI_EXTRA_DIRS)

    def _run(self, npu_smi, *args):
        rc, out, err = self.module.run_command([npu_smi] + list(args), environ_update={"LC_ALL": "C"})
        # npu-smi prints its errors on stdout; the driver library may add a line on stderr.
        return rc, out if not err else out + "\n" + err

    def _mapping(self, npu_smi):
        rc, out = self._run(npu_smi, "info", "-m")
        if rc != 0:
            failure = classify_npu_smi_failure(out, rc)
            self.module.warn("npu-smi info -m failed, logic ids are unknown: %s" % failure.message)
            return None
        return self._parse(parse_npu_smi_mapping, out, "npu-smi info -m")

    def _parse(self, parser, text, command):
        try:
            return parser(text)
        except NpuSmiParseError as exc:
            self.module.fail_json(
                msg="cannot parse the output of '%s': %s" % (command, exc),
                parse_error={"command": command, "line_no": exc.line_no, "line": exc.line, "reason": exc.reason},
            )

    def _versions(self):
        root = self.params["driver_root"]
        cann_files = [path for pattern in CANN_INFO_GLOBS for path in sorted(glob.glob(os.path.join(root, pattern)))]
        return InstalledVersions(
            driver=self._version_of(os.path.join(root, "driver", "version.info")),
            firmware=self._version_of(os.path.join(root, "firmware", "version.info")),
            cann=self._version_of(cann_files[0]) if cann_files else None,
        )

    def _version_of(self, path):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                return parse_ascend_info_file(handle.read()).version
        except FileNotFoundError:
            return None
        except (OSError, NpuSmiParseError) as exc:
            self.module.warn("cannot read the version from %s: %s" % (path, exc))
            return None


def main():
    module = AnsibleModule(
        argument_spec=dict(
            npu_smi_path=dict(type="path"),
            sysfs_pci_root=dict(type="path", default="/sys/bus/pci/devices"),
            driver_root=dict(type="path", default="/usr/local/Ascend"),
            include_processes=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    facts = NpuInfoCollector(module).collect()
    module.exit_json(changed=False, ansible_facts={"npu": facts})


if __name__ == "__main__":
    main()
