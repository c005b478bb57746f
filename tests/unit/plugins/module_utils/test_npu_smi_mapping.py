"""``npu-smi info -m`` parser against every real mapping capture in fixtures/npu_smi."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/unit: shared sample helpers

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_parse_error import NpuSmiParseError
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_smi_mapping import (
    NpuChipMapping as M,
    parse_npu_smi_mapping,
)
from npu_smi_samples import sample, sample_files, sections

EXPECTED = {
    ("mapping_m_910B4_x8_25.0.rc1.1.txt", ""): [M(n, 0, n, None, "Ascend 910B4") for n in range(8)],
    ("info_910B3_2of8_process_25.5.1.txt", "companion `npu-smi info -m`"): [
        M(0, 0, 0, None, "Ascend 910B3"), M(1, 0, 1, None, "Ascend 910B3"),
    ],
    ("info_310_atlas300I_4chips_21.0.4_and_20.2.0_docexample.txt", "info -m for the 21.0.4"): [
        M(6, 0, 0, None, "MiniD"), M(6, 1, 1, None, "MiniD"), M(6, 2, 2, None, "MiniD"), M(6, 3, 3, None, "MiniD"),
    ],
    ("t_common_usages_910-and-310P_gpustack.txt", "info -m (310P Duo box"): [
        M(1, 0, 0, None, "Ascend xxx"), M(1, 1, 1, None, "Ascend xxx"),
        M(2, 0, 2, None, "Ascend xxx"), M(2, 1, 3, None, "Ascend xxx"),
        M(4, 0, 4, None, "Ascend xxx"), M(4, 1, 5, None, "Ascend xxx"),
        M(5, 0, 6, None, "Ascend xxx"), M(5, 1, 7, None, "Ascend xxx"),
    ],
    ("t_memory_common_procmem_misc.txt", "A3 (Atlas 800 A3 / 910C) `npu-smi info -m`"): [
        M(0, 0, 0, 0, "Ascend910"), M(0, 1, 1, 1, "Ascend910"), M(1, 0, 2, 2, "Ascend910"),
    ],
}


@pytest.mark.parametrize("name, section", sorted(EXPECTED), ids=lambda value: value[:40])
def test_parses_real_mapping(name, section):
    assert parse_npu_smi_mapping(sample(name, section)) == EXPECTED[(name, section)]


def test_every_mapping_sample_is_covered():
    found = {(name, label) for name in sample_files() for label, text in sections(name).items()
             if "Chip Logic ID" in text}
    assert len(found) == len(EXPECTED)
    for name, label in found:
        assert [key for key in EXPECTED if key[0] == name and key[1] in label], (name, label)


@pytest.mark.parametrize("text, line_no", [
    ("There is no NPU card on this server.\n", 1),
    ("\tNPU ID    Chip ID    Chip Logic ID    Chip Name\n\t0    0    x    Ascend 910B4\n", 2),
    ("\tNPU ID    Chip ID    Chip Logic ID    Chip Name\n\t0    0\n", 2),
    ("\tNPU ID    Chip ID    Chip Logic ID    Chip Name\n\t0  0  0  Ascend 910B4\n\t0  0  1  Ascend 910B4\n", 3),
])
def test_bad_mapping_names_the_line(text, line_no):
    with pytest.raises(NpuSmiParseError) as raised:
        parse_npu_smi_mapping(text)
    assert raised.value.line_no == line_no


def test_empty_output_is_an_error():
    with pytest.raises(NpuSmiParseError, match="no 'NPU ID"):
        parse_npu_smi_mapping("\n\n")
