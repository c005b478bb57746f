"""The chip catalogue: PCI ids from the real id table, family rules, box models."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/unit: shared sample helpers

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_catalogue import (
    CHIP_MODELS,
    FAMILIES,
    family_for_pci_device,
    hbm_mb_for,
    resolve_box_model,
    resolve_chip_family,
)
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_smi_info import parse_npu_smi_info
from npu_smi_samples import sample


def test_pci_ids_match_huaweis_table():
    text = sample("pci_ids_lspci_dev_nodes.txt", "Authoritative PCI id table")
    table = dict(re.findall(r'^PCIE_BDF_(\w+)="19e5:(\w{4})"$', text, re.MULTILINE))
    assert table == {"310": "d100", "310P": "d500", "910": "d801", "910B": "d802", "910_93": "d803"}
    for family, device_id in table.items():
        assert family_for_pci_device(device_id).family == family
        assert family_for_pci_device("0x" + device_id.upper() + "\n").family == family


@pytest.mark.parametrize("name, hbm, ddr, pci, family", [
    ("910B4", 32768, 0, None, "910B"),
    ("910B4-1", 65536, 0, None, "910B"),
    ("Ascend 910B3", None, None, None, "910B"),  # -m spelling
    ("910B", 32768, 13553, None, "910"),  # first-gen ProB: has DDR
    ("910B", 32768, 0, None, "910B"),
    ("910B", None, None, None, None),  # no memory figures: ambiguous
    ("910B", 32768, 13553, "0xD802", "910B"),  # the PCI id wins over the name
    ("Ascend910", 65536, 0, None, "910_93"),
    ("910A", 32768, 15077, None, "910"),
    ("xxx", 32768, 15567, None, "910"),  # anonymised first-gen 910 in Huawei's doc
    ("xxx", None, 8192, None, None),
    ("310P3", None, 44280, None, "310P"),
    ("310", None, 8192, None, "310"),
    ("310B4", None, 15609, None, "310B"),
    ("Ascend950PR", 131072, 0, None, "950"),
    (None, None, None, "d801", "910"),
])
def test_resolve_chip_family(name, hbm, ddr, pci, family):
    resolved = resolve_chip_family(name, hbm, ddr, pci)
    assert (resolved.family if resolved else None) == family


@pytest.mark.parametrize("name, family", [
    ("info_910B4_x8_idle_25.0.rc1.1.txt", "910B"),
    ("info_910B2C_x2_process_23.0.2.1.txt", "910B"),
    ("info_910B3_2of8_process_25.5.1.txt", "910B"),
    ("info_910ProB_named-910B_x8_24.1.0.txt", "910"),
    ("info_910A_x8_idle_22.0.3.1_docexample.txt", "910"),
    ("info_A3_Ascend910_16die_idle_24.1.rc3.7.txt", "910_93"),
    ("info_310P3_duo_2cards_4chips_processes_24.1.0.1.txt", "310P"),
    ("info_310B4_soc_alarm_23.0.0.txt", "310B"),
    ("info_310_atlas300_x1_23.0.0_noproc.txt", "310"),
])
def test_real_tables_resolve_to_their_family(name, family):
    chips = parse_npu_smi_info(sample(name)).chips
    assert {resolve_chip_family(c.name, c.hbm_total_mb, c.memory_total_mb).family for c in chips} == {family}


@pytest.mark.parametrize("family, bf16, variant, dies", [
    ("910B", True, "", 1), ("910_93", True, "-a3", 2), ("910", False, None, 1),
    ("310P", False, "-310p", 1), ("310", False, None, 1),
])
def test_serving_properties(family, bf16, variant, dies):
    entry = FAMILIES[family]
    assert (entry.bf16_capable, entry.image_variant, entry.dies_per_npu) == (bf16, variant, dies)


@pytest.mark.parametrize("family, name, pci, subsystem, box", [
    ("910B", "910B4", "0xD802", "0x3002", "Atlas 800I A2"),
    ("910B", "910B3", "d802", "3004", "Atlas 800I A2"),
    ("910B", None, "d802", "3005", "Atlas 800I A2"),
    ("910_93", "Ascend910", "0xD803", "0x3003", "Atlas 800I A3"),
    ("910_93", None, "d803", "0100", "Atlas 800I A3"),
    ("910B", "910B3", "0xD802", "0x3003", "Atlas 800T A2"),  # telegraf board sample: not in the 800I table
    ("910B", "910B4", None, None, "Atlas 800I A2"),
    ("910B", None, "d802", None, "Atlas 800 A2"),
    ("910", "910B", None, None, "Atlas 800 9000/9010"),  # a ProB name must not pick an A2 box
    ("910", None, "0xD801", "0x0100", "Atlas 800 9000/9010"),  # doc board: d801 shares subsystem 0100 with A3
])
def test_box_model(family, name, pci, subsystem, box):
    assert resolve_box_model(FAMILIES[family], name, pci, subsystem) == box


def test_box_model_unknown_family():
    assert resolve_box_model(None) is None


@pytest.mark.parametrize("name, family, hbm", [
    ("910B4", "910B", 32768), ("910B4-1", "910B", 65536), ("910B1", "910B", 65536), ("Ascend910", "910_93", 65536),
    (None, "910B", None), (None, "910_93", 65536), ("910B", "910", 32768), ("310P3", "310P", None),
])
def test_hbm_per_chip(name, family, hbm):
    assert hbm_mb_for(name, FAMILIES[family]) == hbm


def test_catalogue_is_consistent():
    assert all(model.family in FAMILIES for model in CHIP_MODELS.values())
    pci_ids = [family.pci_device_id for family in FAMILIES.values() if family.pci_device_id]
    assert len(pci_ids) == len(set(pci_ids))
