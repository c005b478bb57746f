# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parser for ``npu-smi info -l``: the NPU ids (cards) and their chip counts."""
from __future__ import annotations

from dataclasses import dataclass, field

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_parse_error import NpuSmiParseError
from npu_smi_key_value import (
    parse_int_value,
    split_key_value_blocks,
)

_TOTAL_KEYS = ("Total Count", "Card Count")  # "Card Count" on 310/310B


@dataclass(frozen=True)
class NpuCard:
    npu_id: int
    chip_count: int | None  # excludes the MCU; absent on A5 (NPU_SMI_V2)
    fields: dict[str, str] = field(default_factory=dict)  # e.g. Product Name on Station boards


@dataclass(frozen=True)
class NpuSmiList:
    total_count: int | None
    cards: list[NpuCard]


def parse_npu_smi_list(text: str) -> NpuSmiList:
    """Parse ``npu-smi info -l``; the card count must match ``Total Count`` when that line is present."""
    total = None
    total_entry = None
    cards: list[dict] = []
    for block in split_key_value_blocks(text):
        for entry in block:
            if entry.key in _TOTAL_KEYS and total is None and not cards:
                total, total_entry = parse_int_value(entry), entry
            elif entry.key == "NPU ID":
                cards.append({"npu_id": parse_int_value(entry), "chip_count": None, "fields": {}})
            elif not cards or not entry.key:
                raise NpuSmiParseError("unexpected line before the first NPU ID", entry.line_no, entry.raw)
            elif entry.key == "Chip Count" and cards[-1]["chip_count"] is None:
                cards[-1]["chip_count"] = parse_int_value(entry)
            elif entry.key in cards[-1]["fields"] or entry.key in ("Chip Count",) + _TOTAL_KEYS:
                raise NpuSmiParseError("%s repeated within one NPU" % entry.key, entry.line_no, entry.raw)
            else:
                cards[-1]["fields"][entry.key] = entry.value
    if total is None and not cards:
        raise NpuSmiParseError("no 'Total Count' or 'NPU ID' line found")
    if total is not None and total != len(cards):
        raise NpuSmiParseError("Total Count is %d but %d NPU IDs are listed" % (total, len(cards)),
                               total_entry.line_no, total_entry.raw)
    return NpuSmiList(total, [NpuCard(**card) for card in cards])
