# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find Ascend NPUs in sysfs. Works before any driver is installed, so it is the fallback to npu-smi."""
from __future__ import annotations

import os
from dataclasses import dataclass

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_catalogue import (
    HUAWEI_PCI_VENDOR,
    family_for_pci_device,
)

DEFAULT_PCI_ROOT = "/sys/bus/pci/devices"
# PCI class 0x12 = processing accelerator; the iBMC VGA chip shares vendor 19e5 but is class 0x0300.
_ACCELERATOR_CLASS_PREFIX = "0x1200"


@dataclass(frozen=True)
class NpuPciDevice:
    address: str  # sysfs entry name, e.g. "0000:c1:00.0"
    device_id: str  # lower-case hex without 0x, e.g. "d802"
    subsystem_vendor_id: str | None
    subsystem_device_id: str | None
    family: str | None  # None for an accelerator id the catalogue does not know

    @property
    def bus_id(self) -> str:
        """The address as npu-smi prints it (upper-case hex)."""
        return self.address.upper()


def scan_npu_pci_devices(root: str = DEFAULT_PCI_ROOT) -> list[NpuPciDevice]:
    """Return the Huawei accelerator functions under ``root``, sorted by address.

    A missing root yields an empty list (no PCI bus visible, e.g. in a restricted container); entries whose
    id files are absent or unreadable are not NPUs as far as this scan can tell and are skipped.
    """
    try:
        entries = sorted(os.listdir(root))
    except OSError:
        return []
    devices = []
    for entry in entries:
        path = os.path.join(root, entry)
        vendor = _read_id(path, "vendor")
        pci_class = _read_id(path, "class")
        if vendor != "0x" + HUAWEI_PCI_VENDOR or pci_class is None:
            continue
        if not pci_class.startswith(_ACCELERATOR_CLASS_PREFIX):
            continue
        device = _read_id(path, "device")
        if device is None or not device.startswith("0x"):
            continue
        device_id = device[2:]
        family = family_for_pci_device(device_id)
        devices.append(NpuPciDevice(
            address=entry,
            device_id=device_id,
            subsystem_vendor_id=_strip_0x(_read_id(path, "subsystem_vendor")),
            subsystem_device_id=_strip_0x(_read_id(path, "subsystem_device")),
            family=family.family if family is not None else None,
        ))
    return devices


def _read_id(path: str, name: str) -> str | None:
    try:
        with open(os.path.join(path, name), "rb") as handle:
            return handle.read(64).decode("ascii").strip().lower() or None
    except (OSError, UnicodeDecodeError):
        return None


def _strip_0x(value: str | None) -> str | None:
    if value is None:
        return None
    return value[2:] if value.startswith("0x") else value
