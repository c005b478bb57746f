# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Assemble the ``ansible_facts.npu`` dictionary from already parsed npu-smi, sysfs and version data."""
from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_catalogue import (
    FAMILIES,
    hbm_mb_for,
    resolve_box_model,
    resolve_chip_family,
)
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_pci import NpuPciDevice
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_smi_errors import NpuSmiFailure
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_smi_info import NpuChip, NpuSmiInfo
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_smi_mapping import NpuChipMapping

SOURCE_NPU_SMI = "npu-smi"
SOURCE_SYSFS = "sysfs"
HEALTHY = "OK"


@dataclass(frozen=True)
class InstalledVersions:
    driver: str | None = None
    firmware: str | None = None
    cann: str | None = None


def build_npu_facts(info: NpuSmiInfo | None, mapping: list[NpuChipMapping] | None, pci: list[NpuPciDevice],
                    versions: InstalledVersions, failure: NpuSmiFailure | None = None,
                    include_processes: bool = True) -> dict:
    """Facts from the npu-smi table when there is one, otherwise from the sysfs PCI scan."""
    pci_by_bus = {device.address.lower(): device for device in pci}
    if info is not None:
        by_chip = {(row.npu_id, row.chip_id): row for row in mapping or []}
        pairs = [_chip_from_npu_smi(chip, by_chip.get((chip.npu_id, chip.chip_id)),
                                    pci_by_bus.get((chip.bus_id or "").lower()), info, include_processes)
                 for chip in info.chips]
    else:
        pairs = [_chip_from_pci(device) for device in pci]
    chips = [chip for chip, _box in pairs]
    driver_version = versions.driver or (info.driver_version if info is not None else None)
    return {
        "present": bool(chips),
        "source": SOURCE_NPU_SMI if info is not None else SOURCE_SYSFS,
        "npu_smi_version": info.npu_smi_version if info is not None else None,
        "driver_version": driver_version,
        "firmware_version": versions.firmware,
        "cann_version": versions.cann,
        "chips": chips,
        "summary": _summary(chips, {box for _chip, box in pairs}),
        "error": None if failure is None else {
            "kind": failure.kind, "message": failure.message, "remedy": failure.remedy,
        },
    }


def _chip_from_npu_smi(chip: NpuChip, mapped: NpuChipMapping | None, device: NpuPciDevice | None,
                       info: NpuSmiInfo, include_processes: bool) -> tuple[dict, str | None]:
    pci_id = device.device_id if device is not None else None
    family = resolve_chip_family(chip.name, chip.hbm_total_mb, chip.memory_total_mb, pci_id)
    processes = None
    if include_processes and info.has_process_table:
        processes = [
            {"pid": proc.pid, "name": proc.name, "memory_mb": proc.memory_mb, "container_pid": proc.container_pid}
            for proc in info.processes if (proc.npu_id, proc.chip_id) == (chip.npu_id, chip.chip_id)
        ]
    facts = {
        "npu_id": chip.npu_id,
        "chip_id": chip.chip_id,
        # -m is authoritative; the 310-family Device column is the same id when -m is unavailable.
        "logic_id": mapped.logic_id if mapped is not None else chip.device_id,
        "phy_id": chip.phy_id if chip.phy_id is not None else (mapped.phy_id if mapped is not None else None),
        "name": chip.name,
        "family": family.family if family is not None else None,
        "pci_device_id": pci_id,
        "hbm_total_mb": chip.hbm_total_mb,
        "hbm_used_mb": chip.hbm_used_mb,
        "health": chip.health,
        "bus_id": chip.bus_id,
        "aicore_pct": chip.aicore_pct,
        "power_w": chip.power_w,
        "temp_c": chip.temp_c,
        "processes": processes,
    }
    box = resolve_box_model(family, chip.name, pci_id, device.subsystem_device_id if device is not None else None)
    return facts, box


def _chip_from_pci(device: NpuPciDevice) -> tuple[dict, str | None]:
    family = FAMILIES.get(device.family) if device.family is not None else None
    facts = {
        "npu_id": None, "chip_id": None, "logic_id": None, "phy_id": None, "name": None,
        "family": device.family,
        "pci_device_id": device.device_id,
        "hbm_total_mb": hbm_mb_for(None, family),
        "hbm_used_mb": None, "health": None,
        "bus_id": device.bus_id,
        "aicore_pct": None, "power_w": None, "temp_c": None, "processes": None,
    }
    return facts, resolve_box_model(family, None, device.device_id, device.subsystem_device_id)


def _summary(chips: list[dict], boxes: set[str | None]) -> dict:
    families = {chip["family"] for chip in chips}
    family = None
    if len(families) == 1:
        family = next(iter(families))
    elif len(families) > 1:
        family = "mixed"
    known = FAMILIES.get(family) if family is not None else None
    hbm_totals = [chip["hbm_total_mb"] for chip in chips if chip["hbm_total_mb"] is not None]
    return {
        "chip_count": len(chips),
        "healthy_count": sum(1 for chip in chips if chip["health"] == HEALTHY),
        "unhealthy": [
            {key: chip[key] for key in ("npu_id", "chip_id", "logic_id", "health")}
            for chip in chips if chip["health"] is not None and chip["health"] != HEALTHY
        ],
        # The smallest chip bounds tensor-parallel sizing, so report the minimum.
        "hbm_per_chip_mb": min(hbm_totals) if hbm_totals else None,
        "bf16_capable": bool(chips) and all(
            chip["family"] in FAMILIES and FAMILIES[chip["family"]].bf16_capable for chip in chips),
        "box_model": next(iter(boxes)) if len(boxes) == 1 else None,
        "image_variant": known.image_variant if known is not None else None,
        "family": family,
    }
