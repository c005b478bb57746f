"""``npu-smi info`` parser against every real table in fixtures/npu_smi, expected values read off each file."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/unit: shared sample helpers

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_parse_error import NpuSmiParseError
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_smi_info import (
    LAYOUT_DEVICE,
    LAYOUT_HBM,
    LAYOUT_PHY_ID,
    NpuChip,
    NpuProcess,
    NpuSmiInfo,
    parse_npu_smi_info,
)
from npu_smi_samples import sample, sample_files, sections


def chip(npu, chip_id, name, health, power, temp, bus, aicore, memory, hbm=None, hugepages=(0, 0),
         phy=None, device=None):
    return NpuChip(
        npu_id=npu, chip_id=chip_id, name=name, health=health, power_w=power, temp_c=temp,
        hugepages_used=hugepages[0] if hugepages else None, hugepages_total=hugepages[1] if hugepages else None,
        phy_id=phy, device_id=device, bus_id=bus, aicore_pct=aicore,
        memory_used_mb=memory[0], memory_total_mb=memory[1],
        hbm_used_mb=hbm[0] if hbm else None, hbm_total_mb=hbm[1] if hbm else None,
    )


def a2(npu, name, power, temp, bus, hbm, aicore=0, memory=(0, 0), hugepages=(0, 0)):
    return chip(npu, 0, name, "OK", power, temp, "0000:%s:00.0" % bus, aicore, memory, hbm, hugepages)


def a3(rows):
    """rows: (npu, die, power, temp, bus, hbm_used); every A3 die has 65536 MB and phy id 2*npu+die."""
    return [chip(npu, die, "Ascend910", "OK", power, temp, "0000:%s:00.0" % bus, 0, (0, 0), (used, 65536),
                 phy=2 * npu + die)
            for npu, die, power, temp, bus, used in rows]


def proc(npu, chip_id, pid, name, memory, container=None):
    return NpuProcess(npu, chip_id, pid, name, memory, container)


def info(tool, driver, layout, chips, processes=(), idle=(), process_table=True, hugepages=True):
    return NpuSmiInfo(tool, driver, layout, hugepages, process_table, list(chips), list(processes), list(idle), [])


FRAGMENTS = "fragments_partial_real_outputs.txt"
MULTI_310 = "info_310_atlas300I_4chips_21.0.4_and_20.2.0_docexample.txt"

PARSED = {
    ("info_910B4_x8_idle_25.0.rc1.1.txt", ""): info("25.0.rc1.1", "25.0.rc1.1", LAYOUT_HBM, [
        a2(0, "910B4", 87.2, 33, "C1", (2654, 32768)), a2(1, "910B4", 82.7, 33, "C2", (2654, 32768)),
        a2(2, "910B4", 82.7, 33, "81", (2654, 32768)), a2(3, "910B4", 89.1, 34, "82", (2654, 32768)),
        a2(4, "910B4", 84.5, 39, "01", (2654, 32768)), a2(5, "910B4", 84.8, 37, "02", (2654, 32768)),
        a2(6, "910B4", 87.1, 38, "41", (2654, 32768)), a2(7, "910B4", 81.6, 37, "42", (2653, 32768)),
    ], idle=range(8)),
    ("info_910B2C_x2_process_23.0.2.1.txt", ""): info("23.0.2.1", "23.0.2.1", LAYOUT_HBM, [
        a2(0, "910B2C", 88.6, 51, "5A", (20701, 65536)), a2(1, "910B2C", 99.6, 50, "19", (20687, 65536)),
    ], [proc(0, 0, 124528, "python3.8", 17400)]),
    ("info_910B3_2of8_process_25.5.1.txt", ""): info("25.5.1", "25.5.1", LAYOUT_HBM, [
        a2(0, "910B3", 102.8, 45, "C1", (3445, 65536)), a2(5, "910B3", 100.8, 44, "02", (60156, 65536), aicore=12),
    ], [proc(5, 0, 2290156, "VLLMEngineCore", 56630)]),
    ("info_910B4_x1_idle_26.0.rc1.txt", ""): info("26.0.rc1", "26.0.rc1", LAYOUT_HBM, [
        a2(0, "910B4", 82.6, 32, "C1", (2871, 32768)),
    ], idle=[0]),
    ("info_910ProB_named-910B_x8_24.1.0.txt", ""): info("24.1.0", "24.1.0", LAYOUT_HBM, [
        a2(0, "910B", 70.0, 34, "C1", (1365, 32768), memory=(1197, 13553)),
        a2(1, "910B", 66.9, 34, "81", (4, 32768), memory=(2411, 15665)),
        a2(2, "910B", 69.8, 34, "41", (4, 32768), memory=(2306, 15665)),
        a2(3, "910B", 67.2, 33, "01", (3, 32768), memory=(2472, 15567)),
        a2(4, "910B", 68.9, 33, "C2", (3, 32768), memory=(2904, 13553)),
        a2(5, "910B", 66.3, 34, "82", (5, 32768), memory=(1694, 15665)),
        a2(6, "910B", 70.1, 34, "42", (5, 32768), memory=(1987, 15665)),
        a2(7, "910B", 65.6, 33, "02", (4, 32768), memory=(1777, 15567)),
    ], process_table=False),
    ("info_910A_x8_idle_22.0.3.1_docexample.txt", ""): info("22.0.3.1", "22.0.3.1", LAYOUT_HBM, [
        a2(0, "910A", 67.2, 43, "61", (0, 32768), memory=(1867, 15077), hugepages=(15, 15)),
        a2(1, "910A", 63.3, 38, "DB", (0, 32768), memory=(1867, 15077), hugepages=(15, 15)),
        a2(2, "910A", 64.8, 34, "B2", (0, 32768), memory=(1868, 15077), hugepages=(15, 15)),
        a2(3, "910A", 191.7, 42, "3E", (0, 32768), memory=(1866, 15077), hugepages=(15, 15)),
        a2(4, "910A", 66.4, 44, "60", (0, 32768), memory=(1867, 15077), hugepages=(15, 15)),
        a2(5, "910A", 62.7, 33, "DA", (0, 32768), memory=(1865, 15077), hugepages=(15, 15)),
        a2(6, "910A", 64.5, 35, "B1", (0, 32768), memory=(1865, 15077), hugepages=(15, 15)),
        a2(7, "910A", 191.4, 40, "3D", (0, 32768), memory=(1866, 15077), hugepages=(15, 15)),
    ], process_table=False),
    ("info_A3_Ascend910_16die_idle_24.1.rc3.7.txt", ""): info("24.1.rc3.7", "24.1.rc3.7", LAYOUT_PHY_ID, a3([
        (0, 0, 178.7, 37, "9D", 3419), (0, 1, None, 36, "9F", 3196),
        (1, 0, 186.4, 36, "99", 3413), (1, 1, None, 36, "9B", 3189),
        (2, 0, 177.2, 37, "95", 3412), (2, 1, None, 37, "97", 3190),
        (3, 0, 178.5, 36, "91", 3411), (3, 1, None, 37, "93", 3187),
        (4, 0, 180.6, 37, "8D", 3403), (4, 1, None, 37, "8F", 3200),
        (5, 0, 189.2, 36, "89", 3398), (5, 1, None, 36, "8B", 3202),
        (6, 0, 183.7, 39, "85", 3400), (6, 1, None, 37, "87", 3203),
        (7, 0, 186.1, 37, "81", 3418), (7, 1, None, 38, "83", 3187),
    ]), idle=range(8)),
    ("info_A3_Ascend910_16die_processes-noname_25.3.rc1.txt", ""): info("25.3.rc1", "25.3.rc1", LAYOUT_PHY_ID, a3([
        (0, 0, 166.9, 38, "9D", 46536), (0, 1, None, 37, "9F", 46084),
        (1, 0, 162.1, 37, "99", 46528), (1, 1, None, 37, "9B", 46096),
        (2, 0, 160.9, 36, "95", 3140), (2, 1, None, 37, "97", 2885),
        (3, 0, 166.5, 37, "91", 3150), (3, 1, None, 41, "93", 2874),
        (4, 0, 170.5, 37, "8D", 3157), (4, 1, None, 38, "8F", 2874),
        (5, 0, 162.6, 37, "89", 3144), (5, 1, None, 37, "8B", 2885),
        (6, 0, 165.0, 37, "85", 3156), (6, 1, None, 39, "87", 2877),
        (7, 0, 165.6, 41, "81", 3157), (7, 1, None, 39, "83", 2877),
    ]), [
        proc(0, 0, 2173027, "", 43266), proc(0, 1, 2173030, "", 43266),
        proc(1, 0, 2173031, "", 43266), proc(1, 1, 2173032, "", 43266),
    ], idle=range(2, 8)),
    ("info_310P3_duo_2cards_4chips_processes_24.1.0.1.txt", ""): info("24.1.0.1", "24.1.0.1", LAYOUT_DEVICE, [
        chip(1, 0, "310P3", "OK", None, 62, "0000:01:00.0", 0, (16302, 44280), hugepages=(7210, 7210), device=0),
        chip(1, 1, "310P3", "OK", None, 62, "0000:01:00.0", 0, (15543, 43693), hugepages=(7210, 7210), device=1),
        chip(2, 0, "310P3", "OK", None, 61, "0000:02:00.0", 0, (35563, 44280), hugepages=(17057, 17057), device=2),
        chip(2, 1, "310P3", "OK", None, 61, "0000:02:00.0", 0, (35204, 43693), hugepages=(16823, 16823), device=3),
    ], [
        proc(1, 0, 3277562, "mindie_llm_back", 14513), proc(1, 1, 3277565, "mindie_llm_back", 14513),
        proc(2, 0, 3034986, "mindie_llm_back", 34207), proc(2, 1, 3034989, "mindie_llm_back", 33740),
    ]),
    ("info_310P3_x1_npuid6_25.3.rc1.txt", ""): info("25.3.rc1", "25.3.rc1", LAYOUT_DEVICE, [
        chip(6, 0, "310P3", "OK", None, 50, "0000:84:00.0", 0, (1839, 21525), device=0),
    ], idle=[6]),
    ("info_310P3_x1_22.0.0-driver22.0.2.txt", ""): info("22.0.0", "22.0.2", LAYOUT_DEVICE, [
        chip(0, 0, "310P3", "OK", 16.3, 53, "0000:86:00.0", 0, (4060, 21534), hugepages=(1236, 1236), device=0),
    ], process_table=False),
    ("info_310B4_soc_alarm_23.0.0.txt", ""): info("23.0.0", "23.0.0", LAYOUT_DEVICE, [
        chip(0, 0, "310B4", "Alarm", 0.0, 65, None, 0, (3628, 15609), hugepages=(15, 15), device=0),
    ], process_table=False),
    ("info_310_atlas300_x1_23.0.0_noproc.txt", ""): info("23.0.0", "23.0.0", LAYOUT_DEVICE, [
        chip(0, 0, "310", "OK", 12.8, 61, "0000:01:00.0", 0, (577, 7759), hugepages=(0, 969), device=0),
    ], idle=[0]),
    ("info_310_atlas300I_x2chips_21.0.3.1.txt", ""): info("21.0.3.1", "21.0.3.1", LAYOUT_DEVICE, [
        chip(1, 0, "310", "OK", 12.8, 49, "0000:01:00.0", 0, (2621, 8192), hugepages=None, device=0),
        chip(1, 1, "310", "OK", 12.8, 49, "0000:02:00.0", 0, (2621, 8192), hugepages=None, device=1),
    ], process_table=False, hugepages=False),
    (MULTI_310, "npu-smi 21.0.4 ="): info("21.0.4", "21.0.4.B030", LAYOUT_DEVICE, [
        chip(6, 0, "310", "OK", 12.8, 73, "0000:89:00.0", 0, (2703, 8192), hugepages=(0, 970), device=3),
        chip(6, 1, "310", "OK", 12.8, 74, "0000:8A:00.0", 0, (2867, 8192), hugepages=(0, 970), device=4),
        chip(6, 2, "310", "OK", 12.8, 70, "0000:8B:00.0", 0, (2867, 8192), hugepages=(0, 970), device=5),
        chip(6, 3, "310", "OK", 12.8, 65, "0000:8C:00.0", 0, (2867, 8192), hugepages=(0, 970), device=6),
    ], process_table=False),
    (MULTI_310, "npu-smi 20.2.0 ="): info("20.2.0", "20.2.0", LAYOUT_DEVICE, [
        chip(215, 0, "310", "OK", 12.8, 56, "0000:DA:00.0", 0, (2703, 8192), hugepages=None, device=0),
        chip(215, 1, "310", "OK", 12.8, 57, "0000:DC:00.0", 0, (2703, 8192), hugepages=None, device=1),
        chip(215, 2, "310", "OK", 12.8, 57, "0000:DD:00.0", 0, (2703, 8192), hugepages=None, device=2),
        chip(215, 3, "310", "OK", 12.8, 55, "0000:DB:00.0", 0, (2703, 8192), hugepages=None, device=3),
    ], process_table=False, hugepages=False),
    # Hand-narrowed by its author (README 2.4.11); parseable all the same, and the only sample with NPU id 64.
    ("pci_ids_lspci_dev_nodes.txt", "npu-smi table that followed"): info("23.0.rc3", "23.0.rc3", LAYOUT_DEVICE, [
        chip(0, 0, "310P3", "OK", None, 51, "0000:01:00.0", 0, (3841, 21527), hugepages=(996, 996), device=0),
        chip(64, 0, "310P3", "OK", None, 48, "0000:06:00.0", 0, (1764, 21527), device=1),
    ], process_table=False),
    (FRAGMENTS, "npu-smi 26.0.rc2"): info("26.0.rc2", "26.0.rc2", LAYOUT_PHY_ID, a3([
        (0, 0, 162.6, 34, "9D", 3419), (0, 1, None, 34, "9F", 2874),
    ]), process_table=False),
    (FRAGMENTS, "910B4-1"): info("25.2.0", "25.2.0", LAYOUT_HBM, [
        a2(0, "910B4-1", 91.3, 33, "xx", (3197, 65536)), a2(1, "910B4-1", 88.1, 32, "xx", (3197, 65536)),
    ], process_table=False),
    (FRAGMENTS, "1Panel"): info("24.1.1", "24.1.1", LAYOUT_HBM, [
        a2(0, "910B4", 88.2, 30, "C1", (26838, 32768)), a2(1, "910B4", 87.0, 30, "C2", (29356, 32768)),
    ], process_table=False),
    (FRAGMENTS, "BUSY A3"): info(None, None, LAYOUT_PHY_ID, [
        chip(2, 0, "Ascend910", "OK", 159.7, 44, "0000:95:00.0", 0, (0, 0), (62449, 65536), phy=4),
        chip(2, 1, "Ascend910", "OK", None, 42, "0000:97:00.0", 12, (0, 0), (62498, 65536), phy=5),
    ], [proc(2, 0, 824166, "VLLMWorker_TP", 59316), proc(2, 1, 845053, "VLLMWorker_TP", 59656)]),
}

# Copies edited by their authors: elisions ("...") and rows without any table header must be refused.
REFUSED = {
    ("info_910B1_x8_23.0.rc2_elided_plus_usages_common_topo_help.txt", "$ npu-smi info ="): (13, "..."),
    ("t_board_usages_health_ecc_910_23.0.5_huawei-doc.txt", 'elided with "..."'): (10, "..."),
    (FRAGMENTS, "sglangschedul"): (1, "| 7       0                 | 1444272       | sglangschedul"),
    (FRAGMENTS, "26.x process row"): (1, "| 0     910B3               | OK            | 90.7"),
    (FRAGMENTS, "unhealthy row fragment"): (1, "| 5     910B3               | Alarm         | ..."),
    (FRAGMENTS, "Huawei doc (MindCluster"): (1, "| 7     xxx                | OK"),
}


@pytest.mark.parametrize("name, section", sorted(PARSED), ids=lambda value: value[:40])
def test_parses_real_table(name, section):
    assert parse_npu_smi_info(sample(name, section)) == PARSED[(name, section)]


@pytest.mark.parametrize("name, section", sorted(REFUSED), ids=lambda value: value[:40])
def test_refuses_edited_copy_naming_the_line(name, section):
    line_no, line_start = REFUSED[(name, section)]
    with pytest.raises(NpuSmiParseError) as raised:
        parse_npu_smi_info(sample(name, section))
    assert raised.value.line_no == line_no
    assert raised.value.line.startswith(line_start)
    assert "line %d" % line_no in str(raised.value)


def test_every_table_sample_is_covered():
    """A new sample file with a table must get expected values here."""
    def key_for(name, label):
        covered = [key for key in list(PARSED) + list(REFUSED)
                   if key[0] == name and (key[1] in label if key[1] else not label)]
        return covered[0] if len(covered) == 1 else (name, label)

    tables = {key_for(name, label) for name in sample_files() for label, text in sections(name).items()
              if any(line.startswith("|") for line in text.splitlines())}
    assert tables == set(PARSED) | set(REFUSED)


def test_trailing_driver_warning_is_kept_not_fatal():
    warning = sample("errors_npu-smi.txt", "print_total_info_with_HBM").strip()
    parsed = parse_npu_smi_info(sample("info_910B4_x1_idle_26.0.rc1.txt") + "\n" + warning + "\n")
    assert parsed.warnings == [warning]
    assert len(parsed.chips) == 1


def test_26x_container_pid_column():
    row = sample(FRAGMENTS, "26.x process row").splitlines()[-1]  # real row, "NA" in the container column
    lines = sample("info_910B4_x1_idle_26.0.rc1.txt").splitlines()
    lines[-1] = row  # in place of "No running processes found in NPU 0"
    table = "\n".join(lines)
    assert parse_npu_smi_info(table).processes == [proc(0, 0, 1712733, "sglangschedul", 48954, None)]
    with_pid = table.replace("| NA                      |", "| 412                     |")
    assert parse_npu_smi_info(with_pid).processes == [proc(0, 0, 1712733, "sglangschedul", 48954, 412)]


@pytest.mark.parametrize("cut_after, line_no", [(7, 7), (8, None)])
def test_truncated_table(cut_after, line_no):
    text = "\n".join(sample("info_910B4_x8_idle_25.0.rc1.1.txt").splitlines()[:cut_after])
    if line_no is None:  # cut after a complete chip: one chip, nothing else claimed
        assert [c.npu_id for c in parse_npu_smi_info(text).chips] == [0]
    else:
        with pytest.raises(NpuSmiParseError) as raised:
            parse_npu_smi_info(text)
        assert raised.value.line_no == line_no


@pytest.mark.parametrize("text", [
    "", "There is no NPU card on this server.\n", "dcmi module initialize failed. ret is -8005"])
def test_no_table_is_an_error(text):
    with pytest.raises(NpuSmiParseError, match="no npu-smi table header"):
        parse_npu_smi_info(text)


@pytest.mark.parametrize("line_no, old, new", [
    (7, "| 0     910B4", "| x     910B4"),  # NPU id
    (7, "| 87.2", "| 8,72"),  # power
    (7, "87.2        33", "87.2        hot"),  # temperature
    (7, "0    / 0             |", "0    / x             |"),  # hugepages
    (7, "| OK            |", "| ?!            |"),  # neither health nor bus id
    (8, "| 0                         |", "| c                         |"),  # chip id
    (8, "| 0           0    / 0", "| ?           0    / 0"),  # AICore
    (8, "2654 / 32768", "2654 / lots"),  # HBM
    (8, "2654 / 32768", ""),  # HBM column missing
])
def test_bad_value_in_a_chip_row_names_the_line(line_no, old, new):
    lines = sample("info_910B4_x8_idle_25.0.rc1.1.txt").splitlines()
    assert old in lines[line_no - 1]
    lines[line_no - 1] = lines[line_no - 1].replace(old, new)
    with pytest.raises(NpuSmiParseError) as raised:
        parse_npu_smi_info("\n".join(lines))
    assert (raised.value.line_no, raised.value.line) == (line_no, lines[line_no - 1])


@pytest.mark.parametrize("old, new", [
    ("| 124528        |", "| pid           |"),
    ("| 17400                   |", "| 17 GB                   |"),
    ("| 0       0                 | 124528", "| 0                         | 124528"),
    ("| python3.8                |", "| python3.8                | extra |"),
])
def test_bad_process_row_names_the_line(old, new):
    lines = sample("info_910B2C_x2_process_23.0.2.1.txt").splitlines()
    line_no = next(number for number, line in enumerate(lines, 1) if old in line)
    lines[line_no - 1] = lines[line_no - 1].replace(old, new)
    with pytest.raises(NpuSmiParseError) as raised:
        parse_npu_smi_info("\n".join(lines))
    assert raised.value.line_no == line_no


def test_same_chip_twice_is_refused():
    lines = sample("info_910B4_x8_idle_25.0.rc1.1.txt").splitlines()
    lines[9] = lines[6]  # NPU 1's first row now says NPU 0
    with pytest.raises(NpuSmiParseError, match="NPU 0 chip 0 listed twice") as raised:
        parse_npu_smi_info("\n".join(lines))
    assert raised.value.line_no == 11
