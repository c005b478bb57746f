# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parser for ``npu-smi info -t <type> -i <npu> [-c <chip>]`` (board, memory, usages, health, common, ...).

Output is ``key : value`` lines. Without ``-c`` a header (NPU ID, Chip Count) is followed by blank-line
separated per-chip sections; ``Chip ID`` comes first in ``-t common`` and last elsewhere, so a section is
keyed by whichever ``Chip ID`` line it holds. Sections naming ``Chip Name : mcu`` belong to the board MCU.
Values stay strings: they are not always numbers (``NA``, ``0x19E5``, ``NOT SUPPORT``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_parse_error import NpuSmiParseError
from npu_smi_key_value import (
    KeyValueLine,
    parse_int_value,
    split_key_value_blocks,
)


@dataclass(frozen=True)
class NpuSmiSection:
    chip_id: int | None  # None for card-level (e.g. -t board) and MCU sections
    is_mcu: bool
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class NpuSmiTyped:
    npu_id: int | None  # absent from -t health -c and from some trimmed copies
    chip_count: int | None
    sections: list[NpuSmiSection]

    def chip(self, chip_id: int) -> NpuSmiSection | None:
        for section in self.sections:
            if section.chip_id == chip_id:
                return section
        return None

    @property
    def card_fields(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for section in self.sections:
            if section.chip_id is None and not section.is_mcu:
                merged.update(section.fields)
        return merged

    @property
    def mcu_sections(self) -> list[NpuSmiSection]:
        return [section for section in self.sections if section.is_mcu]


def parse_npu_smi_typed(text: str) -> NpuSmiTyped:
    """Parse ``npu-smi info -t <type>`` output; raises NpuSmiParseError naming the offending line."""
    header: dict[str, int] = {}
    sections: list[NpuSmiSection] = []
    for block in split_key_value_blocks(text):
        section = _section(block, header)
        if section is None:
            continue
        if section.chip_id is not None and any(other.chip_id == section.chip_id for other in sections):
            raise NpuSmiParseError("Chip ID %d appears twice" % section.chip_id, block[0].line_no, block[0].raw)
        sections.append(section)
    if not header and not sections:
        raise NpuSmiParseError("no 'key : value' lines found")
    return NpuSmiTyped(header.get("NPU ID"), header.get("Chip Count"), sections)


def _section(block: list[KeyValueLine], header: dict[str, int]) -> NpuSmiSection | None:
    fields: dict[str, str] = {}
    chip_id = None
    last_key = None
    for entry in block:
        if not entry.key:
            if last_key is None:
                raise NpuSmiParseError("continuation line without a key above it", entry.line_no, entry.raw)
            fields[last_key] += "\n" + entry.value
            continue
        if entry.key in fields or (entry.key == "Chip ID" and chip_id is not None):
            raise NpuSmiParseError("%s repeated in one section" % entry.key, entry.line_no, entry.raw)
        last_key = None
        if entry.key in ("NPU ID", "Chip Count"):
            value = parse_int_value(entry)
            if header.setdefault(entry.key, value) != value:
                raise NpuSmiParseError("conflicting %s" % entry.key, entry.line_no, entry.raw)
        elif entry.key == "Chip ID":
            chip_id = parse_int_value(entry)
        else:
            fields[entry.key] = entry.value
            last_key = entry.key
    if chip_id is None and not fields:
        return None  # the NPU ID / Chip Count header block
    is_mcu = fields.get("Chip Name", "").lower() == "mcu"
    if is_mcu and chip_id is not None:
        raise NpuSmiParseError("MCU section with a Chip ID", block[0].line_no, block[0].raw)
    return NpuSmiSection(chip_id, is_mcu, fields)
