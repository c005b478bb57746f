"""Golden test across the simulator and the parsers: for every real capture whose machine the simulator can
express, the simulator's output parses to the same facts as the capture itself."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "sim" / "npu" / "parsers"))  # test-only parsers

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_smi_info import parse_npu_smi_info
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_smi_mapping import parse_npu_smi_mapping
from npu_smi_list import parse_npu_smi_list

ROOT = Path(__file__).resolve().parents[3]
NPU_SMI = ROOT / "sim" / "npu" / "npu-smi"
SAMPLES = ROOT / "tests" / "unit" / "fixtures" / "npu_smi"
TOPOLOGIES = Path(__file__).resolve().parent / "fixtures"


def first_capture(name: str) -> str:
    """The first capture of a sample file, without its `#` header lines."""
    lines, started = [], False
    for line in (SAMPLES / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            if started:
                break
            continue
        started = True
        lines.append(line)
    return "\n".join(lines) + "\n"


def simulate(topology: str, *args: str) -> str:
    env = dict(os.environ, NPUOPS_SIM_TOPOLOGY=str(TOPOLOGIES / topology),
               NPUOPS_SIM_PROC_ROOT=str(TOPOLOGIES / "does-not-exist"))
    proc = subprocess.run([sys.executable, str(NPU_SMI), *args], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.mark.parametrize("sample, topology", [
    ("info_910B4_x8_idle_25.0.rc1.1.txt", "topo_910B4_x8_25.0.rc1.1.json"),
    ("info_A3_Ascend910_16die_idle_24.1.rc3.7.txt", "topo_A3_16die_24.1.rc3.7.json"),
    ("info_910A_x8_idle_22.0.3.1_docexample.txt", "topo_910A_x8_22.0.3.1.json"),
    ("info_910ProB_named-910B_x8_24.1.0.txt", "topo_910ProB_x8_24.1.0.json"),
    ("info_910B4_x1_idle_26.0.rc1.txt", "topo_910B4_x1_26.0.rc1.json"),
])
def test_info_table_parses_to_the_same_facts(sample, topology):
    real = parse_npu_smi_info(first_capture(sample))
    simulated = parse_npu_smi_info(simulate(topology, "info"))
    assert simulated.chips == real.chips
    assert (simulated.npu_smi_version, simulated.driver_version) == (real.npu_smi_version, real.driver_version)
    assert simulated.processes == real.processes == []


def test_mapping_parses_to_the_same_logic_ids():
    real = parse_npu_smi_mapping(first_capture("mapping_m_910B4_x8_25.0.rc1.1.txt"))
    assert parse_npu_smi_mapping(simulate("topo_910B4_x8_25.0.rc1.1.json", "info", "-m")) == real


def test_card_list_parses_to_the_same_cards():
    real = parse_npu_smi_list(first_capture("list_l_910B4_x8_25.0.rc1.1.txt"))
    assert parse_npu_smi_list(simulate("topo_910B4_x8_25.0.rc1.1.json", "info", "-l")) == real
