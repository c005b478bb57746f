"""The simulated npu-smi follows the simulated driver package (sim/vendor): what is loaded wins.

No package is built here: the files the driver package and its boot unit write are made by hand,
in places given by NPUOPS_SIM_RUN_DIR and NPUOPS_SIM_DRIVER_VERSION_INFO.
"""
import os
import subprocess
import sys
from pathlib import Path

NPU_SMI = Path(__file__).resolve().parents[3] / "sim" / "npu" / "npu-smi"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TOPOLOGY = FIXTURES / "topo_910B4_x8_25.0.rc1.1.json"  # npu_smi_version 25.0.rc1.1, firmware default


def npu_smi(tmp_path, *args, loaded=None, firmware=None, installed=False):
    run_dir = tmp_path / "run"
    run_dir.mkdir(exist_ok=True)
    if loaded:
        (run_dir / "driver-loaded").write_text(loaded + "\n")
    if firmware:
        (run_dir / "firmware-loaded").write_text(firmware + "\n")
    version_info = tmp_path / "driver" / "version.info"
    if installed:
        version_info.parent.mkdir(exist_ok=True)
        version_info.write_text("Version=25.0.rc1.1\n")
    env = dict(os.environ, NPUOPS_SIM_TOPOLOGY=str(TOPOLOGY), NPUOPS_SIM_RUN_DIR=str(run_dir),
               NPUOPS_SIM_DRIVER_VERSION_INFO=str(version_info), NPUOPS_SIM_PROC_ROOT=str(tmp_path / "no-proc"))
    return subprocess.run([sys.executable, str(NPU_SMI), *args], env=env, capture_output=True, text=True,
                          timeout=60, check=False)


def test_without_a_driver_package_the_topology_decides(tmp_path):
    result = npu_smi(tmp_path, "-v")
    assert result.returncode == 0 and result.stdout == "npu-smi version: 25.0.rc1.1\n"


def test_the_loaded_driver_sets_tool_and_driver_version_and_layout(tmp_path):
    result = npu_smi(tmp_path, "info", loaded="22.0.3.1", installed=True)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[1].startswith("| npu-smi 22.0.3.1") and "Version: 22.0.3.1" in lines[1]
    assert len(lines[0]) == 93  # the tool's version picks the layout: 22.x prints the narrow table
    assert npu_smi(tmp_path, "-v").stdout == "npu-smi version: 22.0.3.1\n"


def test_the_loaded_firmware_sets_the_firmware_version(tmp_path):
    board = npu_smi(tmp_path, "info", "-t", "board", "-i", "0", loaded="24.1.0", firmware="7.5.0.1.129").stdout
    assert "\tSoftware Version               : 24.1.0\n" in board
    assert "\tFirmware Version               : 7.5.0.1.129\n" in board


def test_an_installed_driver_that_is_not_loaded_fails_like_a_missing_kernel_module(tmp_path):
    result = npu_smi(tmp_path, "info", installed=True)
    assert result.returncode == 187  # -8005 & 0xff
    assert result.stdout == "dcmi module initialize failed. ret is -8005\n"
    assert result.stderr == "DrvMngGetConsoleLogLevel failed. (g_conLogLevel=3)\n"
