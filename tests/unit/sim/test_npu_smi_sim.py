"""Tests of the simulated npu-smi and its helpers (sim/npu/).

Golden tests run the simulator as a subprocess on a topology fixture that describes the machine of
a real capture (in tests/unit/fixtures/npu_smi/ with its `# source:` header) and compare with the capture's
text: `#` lines dropped, trailing whitespace removed per line, and blank lines at either end of a
block ignored. Where a capture itself is damaged, the test says so and handles that one spot.
"""
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parents[3] / "sim" / "npu"
NPU_SMI, MAKE_DEVICES, MAKE_SYSFS = SIM / "npu-smi", SIM / "make-devices", SIM / "make-sysfs"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The real captures are shared with the parser tests; only the topologies live beside this file.
SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "npu_smi"
NO_PROC = FIXTURES / "does-not-exist"  # keeps the host's own processes out of the tables


def trim(lines):
    lines = [line.rstrip() for line in lines]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def sample_blocks(name):
    """The captures of a sample file; `#` lines are headers and separate captures."""
    blocks, current = [], []
    for line in (SAMPLES / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            blocks.append(current)
            current = []
        else:
            current.append(line)
    blocks.append(current)
    return [trim(b) for b in blocks if trim(b)]


def tabbed(lines):
    """Blogs and test files show npu-smi's leading TAB as 8 spaces: restore the TAB."""
    return ["\t" + line[8:] if line.startswith(" " * 8) else line for line in lines]


def run(script, *args, topology=None, proc=NO_PROC):
    full_env = dict(os.environ, NPUOPS_SIM_PROC_ROOT=str(proc))
    if topology is not None:
        full_env["NPUOPS_SIM_TOPOLOGY"] = str(topology)
    return subprocess.run([sys.executable, str(script), *map(str, args)], env=full_env,
                          capture_output=True, text=True, timeout=60, check=False)


def npu_smi(*args, **kw):
    return run(NPU_SMI, *args, **kw)


def out(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return trim(result.stdout.splitlines())


@pytest.fixture
def write_topology(tmp_path):
    def write(topo, name="npu.json"):
        path = tmp_path / name
        path.write_text(json.dumps(topo), encoding="utf-8")
        return path
    return write


def fake_process(proc, pid, comm, cmdline=(), environ=None, davinci=(), ppid=1, nspid=None):
    """A /proc/<pid> entry as the simulator reads it; root/dev is what the container sees."""
    d = proc / str(pid)
    (d / "root" / "dev").mkdir(parents=True)
    if comm is not None:
        (d / "comm").write_text(comm + "\n")
    (d / "cmdline").write_bytes(b"".join(a.encode() + b"\0" for a in cmdline))
    (d / "environ").write_bytes(b"".join(("%s=%s" % kv).encode() + b"\0" for kv in (environ or {}).items()))
    ns = " ".join(map(str, nspid or [pid]))
    (d / "status").write_text("Name:\t%s\nUmask:\t0022\nPPid:\t%d\nNSpid:\t%s\n" % (comm, ppid, ns))
    for n in davinci:
        (d / "root" / "dev" / ("davinci%d" % n)).write_text("")
    (d / "root" / "dev" / "davinci_manager").write_text("")


# ---------------------------------------------------------------- golden: npu-smi info


@pytest.mark.parametrize("sample, topology", [
    ("info_910B4_x8_idle_25.0.rc1.1.txt", "topo_910B4_x8_25.0.rc1.1.json"),
    ("info_A3_Ascend910_16die_idle_24.1.rc3.7.txt", "topo_A3_16die_24.1.rc3.7.json"),
    ("info_910A_x8_idle_22.0.3.1_docexample.txt", "topo_910A_x8_22.0.3.1.json"),
])
def test_info_matches_idle_capture(sample, topology):
    assert out(npu_smi("info", topology=FIXTURES / topology)) == sample_blocks(sample)[0]


def test_info_26x_wide_layout_matches_capture():
    expected = sample_blocks("info_910B4_x1_idle_26.0.rc1.txt")[0]
    # The documentation's code block lost the closing border after the last "No running
    # processes" row; the tool prints the same "+===" line as after every NPU block.
    assert expected[-1].startswith("| No running processes found in NPU 0")
    expected.append(expected[8])
    assert expected[-1].startswith("+====")
    assert out(npu_smi("info", topology=FIXTURES / "topo_910B4_x1_26.0.rc1.json")) == expected


def test_info_first_gen_910_named_910B_matches_capture():
    expected = sample_blocks("info_910ProB_named-910B_x8_24.1.0.txt")[0]
    lines = out(npu_smi("info", topology=FIXTURES / "topo_910ProB_x8_24.1.0.json"))
    # The README the capture comes from stops after the device rows (process table cut off).
    assert lines[:len(expected)] == expected
    assert lines[len(expected) + 1].startswith("| NPU     Chip              | Process id")
    assert len(lines) == len(expected) + 3 + 2 * 8


def test_info_with_vllm_engine_matches_capture(tmp_path):
    proc = tmp_path / "proc"
    fake_process(proc, 2290156, "VLLMEngineCore", ["/usr/bin/python3", "-c", "from multiprocessing"],
                 environ={"NPUOPS_SIM_HBM_MB": "56630"}, davinci=[1])
    lines = out(npu_smi("info", topology=FIXTURES / "topo_910B3_npu0_5_25.5.1.json", proc=proc))
    expected = sample_blocks("info_910B3_2of8_process_25.5.1.txt")[0]
    # The capture's author kept only NPU 5's process block; the tool also prints NPU 0's.
    assert expected[14].startswith("+====")
    expected[15:15] = ["| No running processes found in NPU 0".ljust(97) + "|", expected[14]]
    assert lines == expected


def test_info_a3_processes_without_names_matches_capture(tmp_path):
    proc = tmp_path / "proc"
    for pid, logic in [(2173027, 0), (2173030, 1), (2173031, 2), (2173032, 3)]:
        fake_process(proc, pid, "VLLMWorker_TP", ["vllm", "serve", "/models/m", "--tensor-parallel-size", "4"],
                     environ={"NPUOPS_SIM_HBM_MB": "43266"}, davinci=[logic])
    lines = out(npu_smi("info", topology=FIXTURES / "topo_A3_16die_procs_25.3.rc1.json", proc=proc))
    assert lines == sample_blocks("info_A3_Ascend910_16die_processes-noname_25.3.rc1.txt")[0]


def test_info_23x_process_matches_capture(tmp_path):
    proc = tmp_path / "proc"
    fake_process(proc, 124528, "python3.8", ["python3.8", "/usr/local/bin/vllm", "serve", "/models/m"],
                 environ={"NPUOPS_SIM_HBM_MB": "17400"}, davinci=[0])
    expected = sample_blocks("info_910B2C_x2_process_23.0.2.1.txt")[0]
    # The capture stops after NPU 0's process block and closes it with the "+---" line, where
    # Huawei's source and every other capture print "+===" (and then NPU 1's block).
    assert expected[-1] == expected[2]
    expected[-1] = expected[5]
    lines = out(npu_smi("info", topology=FIXTURES / "topo_910B2C_x2_23.0.2.1.json", proc=proc))
    assert lines[:len(expected)] == expected
    assert lines[len(expected):] == ["| No running processes found in NPU 1".ljust(97) + "|", expected[5]]


# ---------------------------------------------------------------- golden: -m, -l, -t


def test_mapping_matches_capture():
    result = npu_smi("info", "-m", topology=FIXTURES / "topo_910B4_x8_25.0.rc1.1.json")
    assert out(result) == tabbed(sample_blocks("mapping_m_910B4_x8_25.0.rc1.1.txt")[0])
    # The header and Mcu rows carry real %-30s padding: compare those bytes too.
    raw = [line for line in (SAMPLES / "mapping_m_910B4_x8_25.0.rc1.1.txt").read_text().splitlines()
           if not line.startswith("#")]
    assert result.stdout.splitlines() == tabbed(raw)


def test_mapping_910B3_matches_capture_with_real_tabs(write_topology):
    expected = sample_blocks("info_910B3_2of8_process_25.5.1.txt")[1]
    assert expected[0].startswith("\tNPU ID")
    topo = write_topology({"chip": "910B3", "npu_count": 2, "npu_smi_version": "25.5.1"})
    assert out(npu_smi("info", "-m", topology=topo)) == expected


def test_list_matches_capture():
    # The tool prints a blank line after every "Chip Count", the last one included; the capture
    # shows no trailing blank line, which the comparison ignores.
    result = npu_smi("info", "-l", topology=FIXTURES / "topo_910B4_x8_25.0.rc1.1.json")
    assert result.stdout.endswith("Chip Count                     : 1\n\n")
    assert out(result) == tabbed(sample_blocks("list_l_910B4_x8_25.0.rc1.1.txt")[0])


def test_mapping_a3_has_phy_id_column(write_topology):
    topo = write_topology({"chip": "Ascend910", "npu_count": 8, "npu_smi_version": "24.1.rc3.7"})
    lines = out(npu_smi("info", "-m", topology=topo))
    split = [line.split() for line in lines]
    assert lines[0].startswith("\tNPU ID                         Chip ID                        Chip Logic ID")
    assert "Chip Phy-ID" in lines[0]
    assert split[1:4] == [["0", "0", "0", "0", "Ascend910"], ["0", "1", "1", "1", "Ascend910"],
                          ["0", "2", "-", "-", "Mcu"]]
    assert split[-3:] == [["7", "0", "14", "14", "Ascend910"], ["7", "1", "15", "15", "Ascend910"],
                          ["7", "2", "-", "-", "Mcu"]]


def test_a3_with_physical_ids_apart_from_logic_ids(write_topology, tmp_path):
    # The topology of molecule/ascend_runtime: real A3 captures show Phy-ID = logic id; here the first four NPUs
    # sit at physical ids 8-15, as Huawei's phy-id/logic-id mapping (DCMI, npu-smi -t phyid-remap) allows.
    topo = write_topology(json.loads((FIXTURES / "topo_A3_16die_phy_apart.json").read_text()))
    split = [line.split() for line in out(npu_smi("info", "-m", topology=topo))]
    assert split[1:4] == [["0", "0", "0", "8", "Ascend910"], ["0", "1", "1", "9", "Ascend910"],
                          ["0", "2", "-", "-", "Mcu"]]
    assert split[-3:-1] == [["7", "0", "14", "6", "Ascend910"], ["7", "1", "15", "7", "Ascend910"]]
    table = out(npu_smi("info", topology=topo))
    assert [line.split("|")[1].split() for line in table if re.match(r"^\| [01] +\d+ +\| 0000:", line)][:2] == \
        [["0", "8"], ["1", "9"]]
    assert run(MAKE_DEVICES, "--topology", topo, "--root", tmp_path).returncode == 0
    assert sorted(p.name for p in (tmp_path / "dev").iterdir() if p.name[7:].isdigit()) == \
        sorted("davinci%d" % n for n in range(16))
    # A container given /dev/davinci8 and 9 runs on NPU 0 (logic 0 and 1).
    proc = tmp_path / "proc"
    fake_process(proc, 91, "VLLMEngineCor", ["python3"], environ={"NPUOPS_SIM_HBM_MB": "100"}, davinci=[8, 9])
    rows = [line.split()[1:3] for line in out(npu_smi("info", topology=topo, proc=proc))
            if re.match(r"^\| \d+ +\d +\| 91 ", line)]
    assert rows == [["0", "0"], ["0", "1"]]


@pytest.mark.parametrize("phy_ids, message", [
    ([0, 1], "phy_ids must list 16 distinct physical ids"),
    ([0] * 16, "phy_ids must list 16 distinct physical ids"),
])
def test_phy_ids_are_checked(write_topology, phy_ids, message):
    topo = write_topology({"chip": "Ascend910", "npu_count": 8, "npu_smi_version": "24.1.rc3.7", "phy_ids": phy_ids})
    assert message in npu_smi("info", topology=topo).stderr
    a2 = write_topology({"chip": "910B4", "npu_count": 2, "npu_smi_version": "25.0.rc1.1", "phy_ids": [1, 0]}, "a2.json")
    assert "phy_ids is only for A3" in npu_smi("info", topology=a2).stderr


TELEGRAF = "t_usages_board_temp_power_list_910B_25.5.1_telegraf.txt"
TELEGRAF_TOPOLOGY = {
    "chip": "910B3", "npu_count": 8, "npu_smi_version": "25.5.1", "firmware_version": "7.8.0.6.201",
    "product_name": "IT21HMDC_Bin5", "board_id": "0x60", "subsystem_device": "0x3003",
    # 3400 MB of 65536 is the 5 % the capture shows.
    "chips": {"0": {"serial_number": "1025C9048791", "ctrlcpu": 6, "hbm_used": 3400}},
}


@pytest.mark.parametrize("args, block", [
    (["-t", "usages", "-i", "0"], 0),
    (["-t", "board", "-i", "0"], 1),
    (["-l"], 4),
])
def test_typed_queries_match_telegraf_captures(write_topology, args, block):
    expected = tabbed(sample_blocks(TELEGRAF)[block])
    assert out(npu_smi("info", *args, topology=write_topology(TELEGRAF_TOPOLOGY))) == expected


DOC_910 = "t_board_usages_health_ecc_910_23.0.5_huawei-doc.txt"
DOC_910_TOPOLOGY = {
    "chip": "910B", "npu_count": 8, "npu_smi_version": "23.0.5", "firmware_version": "7.1.0.7.220",
    "chips": {"0": {"bus_id": "0000:61:00.0", "memory": [920, 13553], "hbm_used": 0}},
}


@pytest.mark.parametrize("args, block", [
    (["-i", "0", "-t", "board"], 0),
    (["-i", "0", "-t", "usages"], 2),
    (["-i", "0", "-c", "0", "-t", "health"], 3),
])
def test_typed_queries_match_first_gen_910_doc(write_topology, args, block):
    # Huawei's doc drops the leading TAB (and keeps one space of it before "Health Status").
    expected = ["\t" + line.lstrip(" ") if line else line for line in sample_blocks(DOC_910)[block]]
    assert out(npu_smi("info", *args, topology=write_topology(DOC_910_TOPOLOGY))) == expected


def test_common_sections(write_topology):
    topo = write_topology({"chip": "910B4", "npu_count": 2, "npu_smi_version": "25.0.rc1.1",
                           "chips": {"1": {"temp": 40, "power": 93.4, "hbm_used": 3277}}})
    assert out(npu_smi("info", "-t", "common", "-i", "1", topology=topo)) == [
        "\tNPU ID                         : 1",
        "\tChip Count                     : 1",
        "",
        "\tChip ID                        : 0",
        "\tMemory Usage Rate(%)           : 0",
        "\tHBM Usage Rate(%)              : 10",
        "\tAicore Usage Rate(%)           : 0",
        "\tAicore Freq(MHZ)               : 1800",
        "\tAicore curFreq(MHZ)            : 800",
        "\tAicore Count                   : 20",
        "\tTemperature(C)                 : 40",
        "\tNPU Real-time Power(W)         : 93.4",
        "",
        "\tChip Name                      : mcu",
        "\tTemperature(C)                 : 35",
    ]


def test_board_and_memory_of_a3_die(write_topology):
    topo = write_topology({"chip": "Ascend910", "npu_count": 8, "npu_smi_version": "25.3.rc1"})
    board_lines = out(npu_smi("info", "-t", "board", "-i", "7", topology=topo))
    board = dict(re.split(r"\s+: ", line.strip(), maxsplit=1) for line in board_lines)
    assert board["PCI Device ID"] == "0xD803"
    assert board["Chip Count"] == "2"
    assert board["PCIe Bus Info"] == "0000:81:00.0"  # NPU 7 die 0 in the real A3 capture
    memory = out(npu_smi("info", "-t", "memory", "-i", "7", topology=topo))
    assert memory[:3] == ["\tNPU ID                         : 7", "\tChip Count                     : 2", ""]
    chip_lines = ["\tChip ID                        : 0", "\tChip ID                        : 1"]
    assert [line for line in memory if "Chip ID" in line] == chip_lines
    assert memory.count("\tHBM Capacity(MB)               : 65536") == 2


# ---------------------------------------------------------------- faults and errors


def error_sample_lines():
    return [line for block in sample_blocks("errors_npu-smi.txt") for line in block]


@pytest.mark.parametrize("fault, message, rc", [
    ("driver_not_loaded", "dcmi module initialize failed. ret is -8005", 187),
    ("device_busy", "dcmi model initialized failed, because the device is used. ret is -8020", 172),
])
def test_dcmi_faults(write_topology, fault, message, rc):
    assert message in error_sample_lines()
    topo = write_topology({"chip": "910B4", "npu_count": 8, "npu_smi_version": "25.0.rc1.1", "fault": fault})
    for args in (["info"], ["info", "-m"], ["-v"]):  # DCMI init runs before every command
        result = npu_smi(*args, topology=topo)
        assert (result.returncode, result.stdout) == (rc, message + "\n")
        assert result.stderr == "DrvMngGetConsoleLogLevel failed. (g_conLogLevel=3)\n"
        assert result.stderr.strip() in error_sample_lines()


def test_drvmng_line_can_be_switched_off(write_topology):
    topo = write_topology({"chip": "910B4", "npu_count": 1, "npu_smi_version": "25.0.rc1.1",
                           "fault": "driver_not_loaded", "drvmng_log_line": None})
    result = npu_smi("info", topology=topo)
    assert (result.returncode, result.stdout, result.stderr) == (187, "dcmi module initialize failed. ret is -8005\n",
                                                                 "")


def test_missing_topology_looks_like_missing_driver(tmp_path):
    result = npu_smi("info", topology=tmp_path / "absent.json")
    assert (result.returncode, result.stdout) == (187, "dcmi module initialize failed. ret is -8005\n")


def test_critical_chip(write_topology):
    topo = write_topology({"chip": "910B4", "npu_count": 8, "npu_smi_version": "25.0.rc1.1",
                           "chips": {"3": {"health": "Critical", "error_codes": ["80E01801", "80CB8009"],
                                           "error_info": ["HBM multi-bit ECC error"]}}})
    table = out(npu_smi("info", topology=topo))
    rows = [line for line in table if re.match(r"^\| \d+\s+910B4 ", line)]
    assert len(rows) == 8
    assert rows[3].startswith("| 3     910B4               | Critical      | ")
    assert all("| OK            |" in row for i, row in enumerate(rows) if i != 3)
    assert out(npu_smi("info", "-t", "health", "-i", "3", "-c", "0", topology=topo)) == [
        "\tHealth Status                  : Critical",
        "\tError Code                     : 80E01801 80CB8009",
        "\tError Information              : HBM multi-bit ECC error",
        "",
        "\t                               : %d" % 0x80CB8009,  # no text known: printed in decimal
    ]
    health = out(npu_smi("info", "-t", "health", "-i", "3", topology=topo))
    assert health[2:5] == ["", "\tHealth                         : Critical", "\tChip ID                        : 0"]


@pytest.mark.parametrize("args, rc, first_lines", [
    (["info", "-t", "bogus", "-i", "0"], 215, ["Error parameter of -t", "Usage: npu-smi info <watch|proc|-h|-m|-l|-t type> [Options...]"]),
    (["info", "-t", "board", "-i", "9"], 215, ["Invalid card id.", "Error parameter of -i", "Usage: npu-smi info <watch|proc|-h|-m|-l|-t type> [Options...]"]),
    (["info", "-t", "board", "-i", "0", "-c", "1"], 215, ["Invalid chip id.", "Error parameter of -c"]),
    (["info", "-t", "product", "-i", "0"], 0, ["This device does not support querying product."]),
    (["bogus"], 211, ["Command or option is not found.", "Usage: npu-smi <Command|-h|-v> [Options...]"]),
    ([], 215, ["Usage: npu-smi <Command|-h|-v> [Options...]"]),
    (["-v"], 0, ["npu-smi version: 25.0.rc1.1"]),
])
def test_command_line_errors(args, rc, first_lines):
    result = npu_smi(*args, topology=FIXTURES / "topo_910B4_x8_25.0.rc1.1.json")
    assert result.returncode == rc
    assert result.stdout.splitlines()[:len(first_lines)] == first_lines


def test_bad_topology_is_loud(write_topology):
    result = npu_smi("info", topology=write_topology({"chip": "910B4", "npu_count": 1, "npu_smi_version": "25.0",
                                                     "chips": {"0": {"hbm": 1}}}))
    assert result.returncode == 2 and "unknown keys hbm" in result.stderr


def test_driver_install_warning(write_topology):
    topo = write_topology({"chip": "910B4", "npu_count": 1, "npu_smi_version": "25.0.rc1.1",
                           "driver_install_incomplete": True})
    assert out(npu_smi("info", topology=topo))[-1] in error_sample_lines()


# ---------------------------------------------------------------- processes


def test_engine_process_is_listed_on_its_chips_and_uses_hbm(tmp_path):
    proc = tmp_path / "proc"
    serve = ["vllm", "serve", "/models/gpt-oss-20b", "--tensor-parallel-size", "2", "--gpu-memory-utilization", "0.85"]
    fake_process(proc, 4200, "vllm", serve, davinci=[0, 1])                     # API server: parent, no NPU memory
    fake_process(proc, 4242, "VLLMEngineCor", serve, davinci=[0, 1], ppid=4200)  # engine core holds the memory
    fake_process(proc, 4300, "bash", ["bash"], davinci=[0, 1])                  # not a serving process
    fake_process(proc, 4400, "VLLMEngineCor", ["x"], davinci=[6], ppid=4399)    # another container, no parent visible
    lines = out(npu_smi("info", topology=FIXTURES / "topo_910B4_x8_25.0.rc1.1.json", proc=proc))
    # 0.85 x 32768 = 27852 MB is vLLM's budget for the whole chip; the idle 2654 MB are part of it.
    row0 = "| 0       0                 | 4242          | VLLMEngineCor            | 25198                   |"
    row1 = "| 1       0                 | 4242          | VLLMEngineCor            | 25198                   |"
    row6 = "| 6       0                 | 4400          | VLLMEngineCor            | 26837                   |"
    border = "+===========================+===============+====================================================+"
    start = lines.index("| NPU     Chip              | Process id    | Process name             | Process memory(MB)      |")
    assert lines[start + 2:start + 6] == [row0, border, row1, border]
    assert row6 in lines and "| No running processes found in NPU 2" in "\n".join(lines)
    assert not [line for line in lines if "4200" in line or "4300" in line]
    row2 = {line.split("|")[2].strip(): line for line in lines if re.match(r"^\| 0 {25}\| 0000:", line)}
    assert row2["0000:C1:00.0"].endswith("| 0           0    / 0          27852/ 32768         |")  # NPU 0
    assert row2["0000:C2:00.0"].endswith("| 0           0    / 0          27852/ 32768         |")  # NPU 1
    assert row2["0000:41:00.0"].endswith("| 0           0    / 0          29491/ 32768         |")  # NPU 6: 0.9 default
    assert row2["0000:81:00.0"].endswith("| 0           0    / 0          2654 / 32768         |")  # NPU 2 idle
    usages = out(npu_smi("info", "-t", "usages", "-i", "0", topology=FIXTURES / "topo_910B4_x8_25.0.rc1.1.json",
                         proc=proc))
    assert "\tHBM Usage Rate(%)              : 84" in usages  # 27852 * 100 // 32768


def test_26x_process_row_shows_pid_in_container(tmp_path, write_topology):
    proc = tmp_path / "proc"
    fake_process(proc, 1712733, "VLLM::EngineCore"[:15], ["python3"], environ={"NPUOPS_SIM_HBM_MB": "48954"},
                 davinci=[0], nspid=[1712733, 57])
    fake_process(proc, 1800000, "VLLMEngineCor", ["python3"], environ={"NPUOPS_SIM_HBM_MB": "1000"}, davinci=[1])
    topo = write_topology({"chip": "910B3", "npu_count": 2, "npu_smi_version": "26.0.rc2"})
    lines = out(npu_smi("info", topology=topo, proc=proc))
    assert "| 0       0                 | 1712733       | VLLM::EngineCor    | 48954                 | 57 " \
           "                     |" in lines
    # A process that is not in a container has no second pid: the host capture prints NA.
    assert "| 1       0                 | 1800000       | VLLMEngineCor      | 1000                  | NA " \
           "                     |" in lines
    assert all(len(line) == 116 for line in lines)


def test_visible_devices_env_is_the_fallback(tmp_path):
    proc = tmp_path / "proc"
    fake_process(proc, 77, "VLLMEngineCor", ["python3"], environ={"ASCEND_RT_VISIBLE_DEVICES": "4,5",
                                                                  "NPUOPS_SIM_HBM_MB": "100"})
    lines = out(npu_smi("info", topology=FIXTURES / "topo_910B4_x8_25.0.rc1.1.json", proc=proc))
    assert [line.split()[1] for line in lines if re.match(r"^\| \d+ +0 +\| 77 ", line)] == ["4", "5"]


# ---------------------------------------------------------------- make-devices / make-sysfs


def test_make_devices(tmp_path, write_topology):
    a3 = write_topology({"chip": "Ascend910", "npu_count": 8, "npu_smi_version": "24.1.rc3.7"}, "a3.json")
    assert run(MAKE_DEVICES, "--topology", a3, "--root", tmp_path).returncode == 0
    dev = tmp_path / "dev"
    names = sorted(p.name for p in dev.iterdir())
    assert names == sorted(["davinci%d" % n for n in range(16)] + ["davinci_manager", "devmm_svm", "hisi_hdc"])
    st = os.stat(dev / "davinci15")
    if os.geteuid() == 0:
        assert stat.S_ISCHR(st.st_mode)
        assert (os.major(st.st_rdev), os.minor(st.st_rdev)) == (235, 15)
    assert stat.S_IMODE(st.st_mode) == 0o660
    before = {p.name: os.stat(p).st_ino for p in dev.iterdir()}
    assert run(MAKE_DEVICES, "--topology", a3, "--root", tmp_path).returncode == 0  # idempotent
    after = {p.name: os.stat(p).st_ino for p in dev.iterdir()}
    assert after == before

    two = write_topology({"chip": "910B4", "npu_count": 2, "npu_smi_version": "25.0.rc1.1"}, "two.json")
    assert run(MAKE_DEVICES, "--topology", two, "--root", tmp_path).returncode == 0
    expected = ["davinci0", "davinci1", "davinci_manager", "devmm_svm", "hisi_hdc"]
    assert sorted(p.name for p in dev.iterdir()) == expected
    broken = write_topology({"chip": "910B4", "npu_count": 2, "npu_smi_version": "25.0.rc1.1",
                             "fault": "driver_not_loaded"}, "broken.json")
    assert run(MAKE_DEVICES, "--topology", broken, "--root", tmp_path).returncode == 0
    assert list(dev.iterdir()) == []


def read_function(path):
    return {f: (path / f).read_text().strip() for f in
            ("vendor", "device", "class", "subsystem_vendor", "subsystem_device")}


def test_make_sysfs_910B4(tmp_path):
    sysfs = tmp_path / "devices"
    assert run(MAKE_SYSFS, "--topology", FIXTURES / "topo_910B4_x8_25.0.rc1.1.json", sysfs).returncode == 0
    functions = {p.name: read_function(p) for p in sysfs.iterdir()}
    npus = {name for name, f in functions.items() if f["class"] == "0x120000"}
    # Same functions as `lspci | grep d802` on the real host of the fixture.
    lspci = {"0000:" + line.split()[0] for line in sample_blocks("lspci_d802_910B4_x8.txt")[0]}
    assert npus == lspci
    assert all(functions[n] == {"vendor": "0x19e5", "device": "0xd802", "class": "0x120000",
                                "subsystem_vendor": "0x19e5", "subsystem_device": "0x3005"} for n in npus)
    decoys = [f for name, f in functions.items() if name not in npus]
    assert decoys == [{"vendor": "0x19e5", "device": "0x1711", "class": "0x030000",
                       "subsystem_vendor": "0x19e5", "subsystem_device": "0x1711"}]


def test_make_sysfs_a3_has_one_function_per_die_and_prunes(tmp_path, write_topology):
    sysfs = tmp_path / "devices"
    (sysfs / "0000:aa:00.0").mkdir(parents=True)  # stale function from an earlier topology
    a3 = write_topology({"chip": "Ascend910", "npu_count": 8, "npu_smi_version": "24.1.rc3.7"})
    assert run(MAKE_SYSFS, "--topology", a3, sysfs).returncode == 0
    functions = {p.name: read_function(p) for p in sysfs.iterdir()}
    npus = sorted(name for name, f in functions.items() if f["device"] == "0xd803")
    # The 16 Bus-Ids of the real A3 capture, in lower case.
    table = sample_blocks("info_A3_Ascend910_16die_idle_24.1.rc3.7.txt")[0]
    buses = sorted(re.search(r"\| (\S+:\S+\.\d)", line).group(1).lower() for line in table if "0000:" in line)
    assert npus == buses and len(npus) == 16
    assert len(functions) == 17 and "0000:aa:00.0" not in functions


# ---------------------------------------------------------------- invocation log (for counting, not a real feature)


def run_logged(log, *args, topology):
    full_env = dict(os.environ, NPUOPS_SIM_PROC_ROOT=str(NO_PROC), NPUOPS_SIM_TOPOLOGY=str(topology),
                    NPUOPS_SIM_CALL_LOG=str(log))
    return subprocess.run([sys.executable, str(NPU_SMI), *args], env=full_env, capture_output=True, text=True,
                          timeout=60, check=False)


def test_every_invocation_is_logged_failures_included(tmp_path, write_topology):
    log = tmp_path / "npu-smi.calls"
    topo = FIXTURES / "topo_910B4_x8_25.0.rc1.1.json"
    faulty = write_topology({"chip": "910B4", "npu_count": 1, "npu_smi_version": "25.0.rc1.1",
                             "fault": "driver_not_loaded"})
    assert run_logged(log, "info", topology=topo).returncode == 0
    assert run_logged(log, "info", "-m", topology=topo).returncode == 0
    assert run_logged(log, "info", topology=faulty).returncode == 187
    assert run_logged(log, "nonsense", topology=topo).returncode == 211
    lines = [line.split("\t") for line in log.read_text().splitlines()]
    assert [fields[2] for fields in lines] == ["info", "info -m", "info", "nonsense"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", f[0]) and f[1].isdigit() for f in lines)


def test_no_log_directory_no_log_and_the_same_output(tmp_path):
    topo = FIXTURES / "topo_910B4_x8_25.0.rc1.1.json"
    missing = tmp_path / "absent" / "npu-smi.calls"
    logged = run_logged(tmp_path / "npu-smi.calls", "info", topology=topo)
    unlogged = run_logged(missing, "info", topology=topo)
    assert not missing.parent.exists()
    assert logged.stdout == unlogged.stdout and logged.returncode == unlogged.returncode == 0
