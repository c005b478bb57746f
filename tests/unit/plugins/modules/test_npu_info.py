"""npuops.gptoss.npu_info end to end: main() against a fake host (real npu-smi executable, sysfs tree, files)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/unit: shared helpers

from npu_host_fakes import (
    FakeNpuSmi,
    run_npu_info,
    synth_host,
    synth_mapping,
    write_pci_device,
    write_version_files,
)
from npu_smi_samples import sample

B4_X8 = sample("info_910B4_x8_idle_25.0.rc1.1.txt")
B4_X8_MAPPING = sample("mapping_m_910B4_x8_25.0.rc1.1.txt")
B4_X8_ADDRESSES = ["0000:01:00.0", "0000:02:00.0", "0000:41:00.0", "0000:42:00.0",
                   "0000:81:00.0", "0000:82:00.0", "0000:c1:00.0", "0000:c2:00.0"]  # lspci_d802_910B4_x8.txt


class Host:
    """A fake host under tmp_path; ``args`` points the module at it."""

    def __init__(self, root: Path, info=None, mapping=None) -> None:
        self.root = root
        self.sys = root / "sys"
        self.sys.mkdir()
        self.ascend = root / "Ascend"
        responses = {}
        if info is not None:
            responses["info"] = info
        if mapping is not None:
            responses["info -m"] = mapping
        self.npu_smi = FakeNpuSmi(root / "bin", responses)
        self.args = {"npu_smi_path": str(self.npu_smi.path), "sysfs_pci_root": str(self.sys),
                     "driver_root": str(self.ascend)}

    def pci(self, addresses, device, subsystem_device=None):
        for address in addresses:
            write_pci_device(self.sys, address, device, subsystem_vendor="0x19e5", subsystem_device=subsystem_device)
        return self

    def run(self, **extra):
        return run_npu_info(dict(self.args, **extra))

    def facts(self, **extra):
        return self.run(**extra)["ansible_facts"]["npu"]


def test_atlas_800i_a2_with_eight_healthy_910b4(tmp_path):
    host = Host(tmp_path, (B4_X8, 0), (B4_X8_MAPPING, 0)).pci(B4_X8_ADDRESSES, "0xd802", "0x3005")
    write_version_files(host.ascend, driver="25.0.rc1.1", firmware="7.7.0.1.231", cann="8.2.RC1")
    result = host.run()
    npu = result["ansible_facts"]["npu"]
    assert result["changed"] is False and "failed" not in result and "warnings" not in result
    assert npu["summary"] == {
        "chip_count": 8, "healthy_count": 8, "unhealthy": [], "hbm_per_chip_mb": 32768, "bf16_capable": True,
        "box_model": "Atlas 800I A2", "image_variant": "", "family": "910B"}
    assert (npu["present"], npu["source"], npu["error"]) == (True, "npu-smi", None)
    assert (npu["npu_smi_version"], npu["driver_version"], npu["firmware_version"], npu["cann_version"]) == (
        "25.0.rc1.1", "25.0.rc1.1", "7.7.0.1.231", "8.2.RC1")
    assert npu["chips"][0] == {
        "npu_id": 0, "chip_id": 0, "logic_id": 0, "phy_id": None, "name": "910B4", "family": "910B",
        "pci_device_id": "d802", "hbm_total_mb": 32768, "hbm_used_mb": 2654, "health": "OK",
        "bus_id": "0000:C1:00.0", "aicore_pct": 0, "power_w": 87.2, "temp_c": 33, "processes": []}
    assert [chip["logic_id"] for chip in npu["chips"]] == list(range(8))
    assert host.npu_smi.calls == ["info", "info -m"]


def test_a3_sixteen_dies_with_processes(tmp_path):
    info = sample("info_A3_Ascend910_16die_processes-noname_25.3.rc1.txt")
    host = Host(tmp_path, (info, 0), (synth_mapping(8, dies=2, chip_name="Ascend910"), 0))
    npu = host.facts()
    summary = npu["summary"]
    assert (summary["chip_count"], summary["family"], summary["image_variant"]) == (16, "910_93", "-a3")
    assert (summary["hbm_per_chip_mb"], summary["bf16_capable"], summary["box_model"]) == (65536, True, "Atlas 800 A3")
    assert [(c["npu_id"], c["chip_id"], c["logic_id"], c["phy_id"]) for c in npu["chips"]][-2:] == [
        (7, 0, 14, 14), (7, 1, 15, 15)]
    assert npu["chips"][1]["power_w"] is None  # die 1: power is per NPU
    assert npu["chips"][0]["processes"] == [{"pid": 2173027, "name": "", "memory_mb": 43266, "container_pid": None}]
    assert npu["chips"][4]["processes"] == []
    assert len(host.npu_smi.calls) == 2


def test_first_gen_910_named_910b_is_not_bf16_capable(tmp_path):
    info = sample("info_910ProB_named-910B_x8_24.1.0.txt")
    npu = Host(tmp_path, (info, 0), (synth_mapping(8, chip_name="Ascend 910B"), 0)).facts()
    assert {chip["family"] for chip in npu["chips"]} == {"910"}
    summary = npu["summary"]
    assert (summary["family"], summary["bf16_capable"], summary["image_variant"]) == ("910", False, None)
    assert summary["box_model"] == "Atlas 800 9000/9010"
    assert npu["chips"][0]["processes"] is None  # this npu-smi prints no process table


def test_warning_and_alarm_chips_are_reported_by_id(tmp_path):
    lines = B4_X8.splitlines()
    lines[15] = lines[15].replace("| OK      ", "| Warning ")  # NPU 3
    lines[21] = lines[21].replace("| OK      ", "| Alarm   ")  # NPU 5
    npu = Host(tmp_path, ("\n".join(lines), 0), (B4_X8_MAPPING, 0)).facts()
    assert npu["summary"]["healthy_count"] == 6
    assert npu["summary"]["unhealthy"] == [
        {"npu_id": 3, "chip_id": 0, "logic_id": 3, "health": "Warning"},
        {"npu_id": 5, "chip_id": 0, "logic_id": 5, "health": "Alarm"}]


def test_real_alarm_sample_and_failed_mapping_fall_back_to_the_device_column(tmp_path):
    info = sample("info_310B4_soc_alarm_23.0.0.txt")
    result = Host(tmp_path, (info, 0), ("Command or option is not found.\n", 255)).run()
    npu = result["ansible_facts"]["npu"]
    assert npu["summary"]["unhealthy"] == [{"npu_id": 0, "chip_id": 0, "logic_id": 0, "health": "Alarm"}]
    assert npu["chips"][0]["bus_id"] is None
    assert any("info -m failed" in warning for warning in result["warnings"])


def test_driver_not_loaded_falls_back_to_sysfs(tmp_path):
    failure = sample("errors_npu-smi.txt", "vllm-ascend/issues/2698")
    host = Host(tmp_path, (failure, 187), (B4_X8_MAPPING, 0)).pci(B4_X8_ADDRESSES, "0xd802", "0x3002")
    result = host.run()
    npu = result["ansible_facts"]["npu"]
    assert (npu["source"], npu["present"], npu["error"]["kind"]) == ("sysfs", True, "driver_not_loaded")
    assert "dcmi module initialize failed. ret is -8005" in npu["error"]["message"]
    assert "HwHiAiUser" in npu["error"]["remedy"]
    assert [chip["bus_id"] for chip in npu["chips"]] == [address.upper() for address in B4_X8_ADDRESSES]
    assert (npu["summary"]["chip_count"], npu["summary"]["box_model"]) == (8, "Atlas 800I A2")
    assert npu["summary"]["healthy_count"] == 0 and npu["chips"][0]["health"] is None
    assert any("not loaded" in warning for warning in result["warnings"])
    assert host.npu_smi.calls == ["info"]


def test_tool_missing_with_a3_in_sysfs(tmp_path):
    host = Host(tmp_path).pci(["0000:%02x:00.0" % bus for bus in range(0x81, 0x91)], "0xd803", "0x3003")
    result = host.run(npu_smi_path=str(tmp_path / "absent" / "npu-smi"))
    npu = result["ansible_facts"]["npu"]
    assert (npu["source"], npu["error"]["kind"], npu["npu_smi_version"]) == ("sysfs", "tool_missing", None)
    assert npu["npu_smi_path"] is None
    assert str(tmp_path / "absent" / "npu-smi") in npu["error"]["message"]
    summary = npu["summary"]
    assert (summary["chip_count"], summary["family"], summary["box_model"]) == (16, "910_93", "Atlas 800I A3")
    assert (summary["image_variant"], summary["hbm_per_chip_mb"]) == ("-a3", 65536)
    assert host.npu_smi.calls == []


def test_no_npu_host_is_quiet(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    host = Host(tmp_path)
    result = host.run(npu_smi_path=None)
    npu = result["ansible_facts"]["npu"]
    assert (npu["present"], npu["chips"], npu["error"]["kind"]) == (False, [], "tool_missing")
    assert "warnings" not in result and "failed" not in result


def test_npu_smi_is_found_on_path(tmp_path, monkeypatch):
    host = Host(tmp_path, (B4_X8, 0), (B4_X8_MAPPING, 0))
    monkeypatch.setenv("PATH", os.pathsep.join([str(host.npu_smi.path.parent), os.environ["PATH"]]))
    npu = host.facts(npu_smi_path=None)
    assert npu["source"] == "npu-smi" and len(host.npu_smi.calls) == 2
    # Serving mounts the file discovery ran.
    assert npu["npu_smi_path"] == str(host.npu_smi.path)


def test_parse_error_fails_naming_the_line(tmp_path):
    info = sample("info_910B1_x8_23.0.rc2_elided_plus_usages_common_topo_help.txt", "$ npu-smi info =")
    result = Host(tmp_path, (info, 0), (B4_X8_MAPPING, 0)).run()
    assert result["failed"] is True
    assert "line 13" in result["msg"] and "'...'" in result["msg"]
    assert result["parse_error"]["line_no"] == 13 and result["parse_error"]["line"] == "..."


def test_mapping_parse_error_fails_too(tmp_path):
    result = Host(tmp_path, (B4_X8, 0), ("\tNPU ID  Chip ID  Chip Logic ID  Chip Name\n\t0 0 zero x\n", 0)).run()
    assert result["failed"] is True and "npu-smi info -m" in result["msg"] and "line 2" in result["msg"]


def test_driver_warning_line_becomes_a_module_warning(tmp_path):
    warning = sample("errors_npu-smi.txt", "print_total_info_with_HBM").strip()
    result = Host(tmp_path, (B4_X8 + warning + "\n", 0), (B4_X8_MAPPING, 0)).run()
    npu = result["ansible_facts"]["npu"]
    assert npu["summary"]["chip_count"] == 8
    assert result["warnings"] == ["npu-smi: " + warning]


def test_processes_can_be_left_out_and_check_mode_is_read_only(tmp_path):
    host = Host(tmp_path, (sample("info_910B3_2of8_process_25.5.1.txt"), 0), (B4_X8_MAPPING, 0))
    result = run_npu_info(dict(host.args, include_processes=False), check_mode=True)
    assert result["changed"] is False
    assert [chip["processes"] for chip in result["ansible_facts"]["npu"]["chips"]] == [None, None]


def test_malformed_version_file_is_a_warning(tmp_path):
    host = Host(tmp_path, (B4_X8, 0), (B4_X8_MAPPING, 0))
    (host.ascend / "driver").mkdir(parents=True)
    (host.ascend / "driver" / "version.info").write_text("Version=25.0.rc1.1\nnot a key value line\n")
    result = host.run()
    npu = result["ansible_facts"]["npu"]
    assert npu["driver_version"] == "25.0.rc1.1"  # from the npu-smi table
    assert any("version.info" in warning and "line 2" in warning for warning in result["warnings"])


@pytest.mark.parametrize("chips", [1, 8, 16])
def test_at_most_two_npu_smi_runs_whatever_the_chip_count(tmp_path, chips):
    result = run_npu_info(synth_host(tmp_path, chips))
    assert result["ansible_facts"]["npu"]["summary"]["chip_count"] == chips
    calls = (tmp_path / "bin" / "npu-smi.calls").read_text().splitlines()
    assert len(calls) <= 2
