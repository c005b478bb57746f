"""``npu-smi info -l`` parser against the real captures in fixtures/npu_smi."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/unit: shared sample helpers
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "sim" / "npu" / "parsers"))  # test-only parsers

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_parse_error import NpuSmiParseError
from npu_smi_list import (
    NpuCard,
    NpuSmiList,
    parse_npu_smi_list,
)
from npu_smi_samples import sample, sample_files, sections

EIGHT_SINGLE_CHIP_CARDS = NpuSmiList(8, [NpuCard(npu, 1) for npu in range(8)])
EXPECTED = {
    ("list_l_910B4_x8_25.0.rc1.1.txt", ""): EIGHT_SINGLE_CHIP_CARDS,
    ("t_usages_board_temp_power_list_910B_25.5.1_telegraf.txt", "npu-smi info -l"): EIGHT_SINGLE_CHIP_CARDS,
}
LIST_8 = sample("list_l_910B4_x8_25.0.rc1.1.txt")


@pytest.mark.parametrize("name, section", sorted(EXPECTED), ids=lambda value: value[:40])
def test_parses_real_list(name, section):
    assert parse_npu_smi_list(sample(name, section)) == EXPECTED[(name, section)]


def test_every_list_sample_is_covered():
    found = {(name, label) for name in sample_files() for label, text in sections(name).items()
             if "Total Count" in text}
    assert len(found) == len(EXPECTED)


def test_card_count_spelling_and_extra_fields():
    text = LIST_8.replace("Total Count", "Card Count").replace(
        "NPU ID                         : 0\n", "NPU ID                         : 0\n\tProduct Name : Atlas 200I A2\n")
    parsed = parse_npu_smi_list(text)
    assert parsed.total_count == 8
    assert parsed.cards[0] == NpuCard(0, 1, {"Product Name": "Atlas 200I A2"})


def test_missing_chip_count_is_none():
    text = "\n".join(line for line in LIST_8.splitlines() if "Chip Count" not in line)
    assert [card.chip_count for card in parse_npu_smi_list(text).cards] == [None] * 8


def test_total_that_disagrees_with_the_cards_names_the_total_line():
    text = LIST_8.replace("NPU ID                         : 7", "NPU ID                         : 6", 1)
    text = "\n".join(text.splitlines()[:-3])  # drop the last card
    with pytest.raises(NpuSmiParseError) as raised:
        parse_npu_smi_list(text)
    assert raised.value.line_no == 1
    assert "Total Count is 8 but 7" in str(raised.value)


@pytest.mark.parametrize("text, line_no", [
    ("\tChip Count : 1\n", 1),
    ("\tTotal Count : 1\n\n\tNPU ID : 0\n\tChip Count : 1\n\tChip Count : 1\n", 5),
    ("\tTotal Count : x\n", 1),
    ("Usage: npu-smi info\nnot a key value line\n", 2),
])
def test_bad_list_names_the_line(text, line_no):
    with pytest.raises(NpuSmiParseError) as raised:
        parse_npu_smi_list(text)
    assert raised.value.line_no == line_no
