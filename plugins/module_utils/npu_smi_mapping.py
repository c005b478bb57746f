# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parser for ``npu-smi info -m``: (NPU id, chip id) to chip logic id, the runtime device id.

The chip logic id is the N of /dev/davinciN and of ASCEND_RT_VISIBLE_DEVICES; it differs from the NPU id
on multi-chip cards (300I Duo, A3). Rows whose logic id is ``-`` (the board MCU) are not chips.
"""
from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_parse_error import NpuSmiParseError


@dataclass(frozen=True)
class NpuChipMapping:
    npu_id: int
    chip_id: int
    logic_id: int
    phy_id: int | None  # only A3 (910_93) prints the "Chip Phy-ID" column
    chip_name: str  # "Ascend 910B4" (with a space), "Ascend910" on A3, "MiniD" on 310


def parse_npu_smi_mapping(text: str) -> list[NpuChipMapping]:
    """Parse ``npu-smi info -m`` output; raises NpuSmiParseError naming the offending line."""
    columns = None
    rows: list[NpuChipMapping] = []
    seen: set[tuple[int, int]] = set()
    for line_no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if columns is None:
            if not (line.startswith("NPU ID") and "Chip Logic ID" in line):
                raise NpuSmiParseError("expected the 'NPU ID  Chip ID  Chip Logic ID' header", line_no, raw)
            columns = 5 if "Chip Phy-ID" in line else 4
            continue
        # The chip name contains a space ("Ascend 910B3"), so the last column takes the rest of the line.
        parts = line.split(None, columns - 1)
        if len(parts) != columns:
            raise NpuSmiParseError("expected %d columns" % columns, line_no, raw)
        npu_id, chip_id = (_int(token, line_no, raw) for token in parts[:2])
        if (npu_id, chip_id) in seen:
            raise NpuSmiParseError("NPU %d chip %d listed twice" % (npu_id, chip_id), line_no, raw)
        seen.add((npu_id, chip_id))
        if parts[2] == "-":
            continue
        phy_id = None
        if columns == 5 and parts[3] != "-":
            phy_id = _int(parts[3], line_no, raw)
        rows.append(NpuChipMapping(npu_id, chip_id, _int(parts[2], line_no, raw), phy_id, parts[-1]))
    if columns is None:
        raise NpuSmiParseError("no 'NPU ID ... Chip Logic ID' header found")
    return rows


def _int(token: str, line_no: int, raw: str) -> int:
    try:
        return int(token)
    except ValueError:
        raise NpuSmiParseError("%r is not an integer id" % token, line_no, raw) from None
