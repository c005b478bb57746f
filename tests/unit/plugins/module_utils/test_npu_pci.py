"""sysfs PCI scan on fake trees built from the real lspci captures in fixtures/npu_smi."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/unit: shared helpers

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_pci import NpuPciDevice, scan_npu_pci_devices
from npu_host_fakes import write_pci_device
from npu_smi_samples import sample

LSPCI_RE = re.compile(r"^([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) Processing accelerators: .* Device ([0-9a-f]{4}) ")


def tree_from_lspci(root: Path, text: str) -> list[str]:
    addresses = []
    for line in text.splitlines():
        match = LSPCI_RE.match(line)
        if match:
            addresses.append("0000:" + match.group(1))
            write_pci_device(root, addresses[-1], "0x" + match.group(2))
    return addresses


@pytest.mark.parametrize("name, section, family, count", [
    ("lspci_d802_910B4_x8.txt", "", "910B", 8),
    ("pci_ids_lspci_dev_nodes.txt", "lspci, 2x 310P3 cards", "310P", 2),
    ("pci_ids_lspci_dev_nodes.txt", "lspci, Atlas 800I A2 8x 910B4", "910B", 8),
])
def test_finds_the_npus_of_a_real_lspci_listing(tmp_path, name, section, family, count):
    addresses = tree_from_lspci(tmp_path, sample(name, section))
    found = scan_npu_pci_devices(str(tmp_path))
    assert [device.address for device in found] == sorted(addresses)
    assert len(found) == count
    assert {device.family for device in found} == {family}


def test_ignores_the_ibmc_vga_and_other_vendors(tmp_path):
    write_pci_device(tmp_path, "0000:c1:00.0", "0xd802", subsystem_vendor="0x19e5", subsystem_device="0x3005")
    write_pci_device(tmp_path, "0000:03:00.0", "0x1711", pci_class="0x030000")  # Huawei iBMC VGA
    write_pci_device(tmp_path, "0000:7d:00.0", "0xa222", pci_class="0x020000")  # Huawei NIC
    write_pci_device(tmp_path, "0000:00:1f.0", "0xd802", vendor="0x8086")
    (tmp_path / "0000:00:00.0").mkdir()  # an entry without id files
    assert scan_npu_pci_devices(str(tmp_path)) == [NpuPciDevice("0000:c1:00.0", "d802", "19e5", "3005", "910B")]


def test_a3_and_unknown_accelerator_ids(tmp_path):
    write_pci_device(tmp_path, "0000:9d:00.0", "0xd803", subsystem_device="0x3003")
    write_pci_device(tmp_path, "0000:9f:00.0", "0xd999")
    found = scan_npu_pci_devices(str(tmp_path))
    assert [(d.family, d.subsystem_device_id, d.bus_id) for d in found] == [
        ("910_93", "3003", "0000:9D:00.0"), (None, None, "0000:9F:00.0")]


def test_missing_root_means_no_devices(tmp_path):
    assert scan_npu_pci_devices(str(tmp_path / "absent")) == []
