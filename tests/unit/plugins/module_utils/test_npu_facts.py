"""Assembly of ansible_facts.npu from parsed real samples, sysfs devices and versions."""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/unit: shared sample helpers

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_facts import InstalledVersions, build_npu_facts
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_pci import NpuPciDevice
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_smi_errors import classify_npu_smi_failure
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_smi_info import parse_npu_smi_info
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_smi_mapping import parse_npu_smi_mapping
from npu_smi_samples import sample

NO_VERSIONS = InstalledVersions()


def test_310p_duo_logic_ids_and_processes_per_chip():
    info = parse_npu_smi_info(sample("info_310P3_duo_2cards_4chips_processes_24.1.0.1.txt"))
    facts = build_npu_facts(info, None, [], NO_VERSIONS)  # no -m: the Device column is the logic id
    assert [(c["npu_id"], c["chip_id"], c["logic_id"]) for c in facts["chips"]] == [
        (1, 0, 0), (1, 1, 1), (2, 0, 2), (2, 1, 3)]
    assert facts["chips"][3]["processes"] == [
        {"pid": 3034989, "name": "mindie_llm_back", "memory_mb": 33740, "container_pid": None}]
    summary = facts["summary"]
    assert (summary["family"], summary["image_variant"], summary["bf16_capable"]) == ("310P", "-310p", False)
    assert summary["hbm_per_chip_mb"] is None


def test_mapping_wins_over_the_device_column():
    info = parse_npu_smi_info(sample("info_310_atlas300I_4chips_21.0.4_and_20.2.0_docexample.txt", "21.0.4 ="))
    mapping = parse_npu_smi_mapping(sample("info_310_atlas300I_4chips_21.0.4_and_20.2.0_docexample.txt", "info -m"))
    chips = build_npu_facts(info, mapping, [], NO_VERSIONS)["chips"]
    assert [c["logic_id"] for c in chips] == [0, 1, 2, 3]  # the doc's Device column says 3..6


def test_pci_id_resolves_a_910b_name_and_box_by_bus_id():
    info = parse_npu_smi_info(sample("info_910ProB_named-910B_x8_24.1.0.txt"))
    pci = [NpuPciDevice("0000:c1:00.0", "d801", "0200", "0100", "910")]
    facts = build_npu_facts(info, None, pci, InstalledVersions(driver="24.1.0", firmware="7.5.0.1.129"))
    assert facts["chips"][0]["pci_device_id"] == "d801"
    assert facts["chips"][1]["pci_device_id"] is None
    assert facts["summary"]["box_model"] == "Atlas 800 9000/9010"
    assert (facts["driver_version"], facts["firmware_version"], facts["cann_version"]) == (
        "24.1.0", "7.5.0.1.129", None)


def test_mixed_families():
    a2 = parse_npu_smi_info(sample("info_910B3_2of8_process_25.5.1.txt"))
    first_gen = parse_npu_smi_info(sample("info_910ProB_named-910B_x8_24.1.0.txt"))
    mixed = dataclasses.replace(a2, chips=a2.chips + first_gen.chips[2:3])
    summary = build_npu_facts(mixed, None, [], NO_VERSIONS)["summary"]
    assert (summary["family"], summary["image_variant"], summary["bf16_capable"]) == ("mixed", None, False)
    assert summary["box_model"] is None
    assert summary["hbm_per_chip_mb"] == 32768


def test_sysfs_only_facts_carry_the_failure():
    pci = [NpuPciDevice("0000:9d:00.0", "d803", "19e5", "3003", "910_93"),
           NpuPciDevice("0000:9f:00.0", "d803", "19e5", "3003", "910_93")]
    failure = classify_npu_smi_failure(sample("errors_npu-smi.txt", "HAMi/issues/1696"), 187)
    facts = build_npu_facts(None, None, pci, NO_VERSIONS, failure)
    assert (facts["present"], facts["source"], facts["npu_smi_version"]) == (True, "sysfs", None)
    assert facts["error"]["kind"] == "driver_not_loaded"
    assert [c["bus_id"] for c in facts["chips"]] == ["0000:9D:00.0", "0000:9F:00.0"]
    assert facts["summary"] == {
        "chip_count": 2, "healthy_count": 0, "unhealthy": [], "hbm_per_chip_mb": 65536, "bf16_capable": True,
        "box_model": "Atlas 800I A3", "image_variant": "-a3", "family": "910_93"}


def test_nothing_found():
    facts = build_npu_facts(None, None, [], NO_VERSIONS, classify_npu_smi_failure("", None))
    assert (facts["present"], facts["chips"], facts["summary"]["family"]) == (False, [], None)
    assert facts["summary"]["bf16_capable"] is False
