# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parser for the default ``npu-smi info`` table: chip rows and the process table.

The table is read by header text and ``|`` separators only. Widths differ between versions (80 to 116
columns) and several values share one cell separated by spaces, so column offsets are never used.
Border lines (``+---``/``+===``) carry no information and are skipped, which also makes copies with the
borders removed parseable.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_parse_error import NpuSmiParseError

LAYOUT_HBM = "hbm"  # A2 / first-gen 910: "Chip | Bus-Id", HBM column
LAYOUT_PHY_ID = "phy_id"  # A3: "Chip  Phy-ID | Bus-Id", HBM column
LAYOUT_DEVICE = "device"  # 310 family: "Chip  Device | Bus-Id", no HBM column

_VERSION_RE = re.compile(r"^npu-smi\s+(\S+)\s+Version:\s*(\S+)$")
_USED_TOTAL = r"([0-9]+)\s*/\s*([0-9]+)"  # "20701/ 65536" happens, so never split on spaces
_ONE_PAIR_RE = re.compile(r"^%s$" % _USED_TOTAL)
_TWO_PAIRS_RE = re.compile(r"^%s\s+%s$" % (_USED_TOTAL, _USED_TOTAL))
_BUS_ID_RE = re.compile(r"^(?:[0-9A-Fa-f]{4}:\S+|NA)$")
_HEALTH_RE = re.compile(r"^[A-Za-z]+$")
_IDLE_RE = re.compile(r"^No running processes found in NPU\s+([0-9]+)$")
_MISSING = ("NA", "-")


@dataclass(frozen=True)
class NpuChip:
    npu_id: int
    chip_id: int
    name: str
    health: str
    power_w: float | None  # "NA" on 310P, "-" on A3 die 1 (power is per NPU)
    temp_c: int | None
    hugepages_used: int | None
    hugepages_total: int | None  # None on very old tables without the column
    phy_id: int | None  # A3 "Phy-ID" column
    device_id: int | None  # 310-family "Device" column (the chip logic id)
    bus_id: str | None  # None for "NA" (SoC boards)
    aicore_pct: int | None
    memory_used_mb: int
    memory_total_mb: int  # DDR; 0 on A2/A3
    hbm_used_mb: int | None
    hbm_total_mb: int | None  # None on the 310 family (no HBM column)


@dataclass(frozen=True)
class NpuProcess:
    npu_id: int
    chip_id: int
    pid: int
    name: str  # may be "" when the process lives in another PID namespace
    memory_mb: int
    container_pid: int | None  # 26.x "Process id in container"; None when absent or NA


@dataclass(frozen=True)
class NpuSmiInfo:
    npu_smi_version: str | None
    driver_version: str | None
    layout: str
    has_hugepages: bool
    has_process_table: bool
    chips: list[NpuChip] = field(default_factory=list)
    processes: list[NpuProcess] = field(default_factory=list)
    idle_npu_ids: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # trailing "[WARNING]..." lines


@dataclass(frozen=True)
class _Row1:
    line_no: int
    raw: str
    npu_id: int
    name: str
    health: str
    power_w: float | None
    temp_c: int | None
    hugepages: tuple[int, int] | None


def parse_npu_smi_info(text: str) -> NpuSmiInfo:
    """Parse ``npu-smi info`` output. Raises NpuSmiParseError naming the first line it cannot place."""
    return _InfoTableParser().parse(text)


def _cells(line: str) -> list[str]:
    body = line.strip()[1:].rstrip("|")
    return [cell.strip() for cell in body.split("|")]


def _int(token: str, what: str, line_no: int, raw: str) -> int:
    try:
        return int(token)
    except ValueError:
        raise NpuSmiParseError("%s %r is not an integer" % (what, token), line_no, raw) from None


def _optional_int(token: str, what: str, line_no: int, raw: str) -> int | None:
    return None if token in _MISSING else _int(token, what, line_no, raw)


def _optional_float(token: str, what: str, line_no: int, raw: str) -> float | None:
    if token in _MISSING:
        return None
    try:
        return float(token)
    except ValueError:
        raise NpuSmiParseError("%s %r is not a number" % (what, token), line_no, raw) from None


class _InfoTableParser:
    def __init__(self) -> None:
        self.tool_version: str | None = None
        self.driver_version: str | None = None
        self.layout: str | None = None
        self.has_hugepages = False
        self.has_hbm = False
        self.header1_seen = False
        self.process_columns: int | None = None
        self.table_started = False
        self.pending: _Row1 | None = None
        self.chips: list[NpuChip] = []
        self.chip_keys: set[tuple[int, int]] = set()
        self.processes: list[NpuProcess] = []
        self.idle: list[int] = []
        self.warnings: list[str] = []

    def parse(self, text: str) -> NpuSmiInfo:
        for line_no, raw in enumerate(text.splitlines(), 1):
            self._line(line_no, raw)
        if self.pending is not None:
            raise NpuSmiParseError("chip row without its second row (truncated output?)",
                                   self.pending.line_no, self.pending.raw)
        if self.layout is None:
            if self.header1_seen:
                raise NpuSmiParseError("table header has no second row (Chip ... | Bus-Id)")
            raise NpuSmiParseError("no npu-smi table header ('NPU ... Name | Health') found")
        return NpuSmiInfo(
            npu_smi_version=self.tool_version, driver_version=self.driver_version, layout=self.layout,
            has_hugepages=self.has_hugepages, has_process_table=self.process_columns is not None,
            chips=self.chips, processes=self.processes, idle_npu_ids=self.idle, warnings=self.warnings,
        )

    def _line(self, line_no: int, raw: str) -> None:
        line = raw.strip()
        if line.startswith("[WARNING]"):
            self.warnings.append(line)
            return
        if self.pending is not None and not line.startswith("|"):
            raise NpuSmiParseError("expected the second row of NPU %d" % self.pending.npu_id, line_no, raw)
        if not line:
            return
        if line.startswith("+"):
            self.table_started = True
            return
        if not line.startswith("|"):
            if self.table_started:
                raise NpuSmiParseError("unexpected text inside the npu-smi table", line_no, raw)
            return  # a shell prompt or driver log line before the table
        self.table_started = True
        cells = _cells(line)
        if self.process_columns is not None:
            self._process_line(cells, line_no, raw)
        elif any(cell.startswith("Process id") for cell in cells):
            self._process_header(cells, line_no, raw)
        elif self.layout is None:
            self._header_line(cells, line_no, raw)
        else:
            self._chip_line(cells, line_no, raw)

    def _header_line(self, cells: list[str], line_no: int, raw: str) -> None:
        first = cells[0].split()
        if len(cells) == 1 and self.tool_version is None and not self.header1_seen:
            match = _VERSION_RE.match(cells[0])
            if match is None:
                raise NpuSmiParseError("expected the 'npu-smi <version> Version: <version>' line", line_no, raw)
            self.tool_version, self.driver_version = match.groups()
        elif not self.header1_seen and first[:1] == ["NPU"] and "Name" in first and len(cells) == 3:
            self.header1_seen = True
            self.has_hugepages = "Hugepages" in cells[2]
        elif self.header1_seen and first[:1] == ["Chip"] and len(cells) == 3 and cells[1] == "Bus-Id":
            second = first[1:]
            layouts = {(): LAYOUT_HBM, ("Phy-ID",): LAYOUT_PHY_ID, ("Device",): LAYOUT_DEVICE}
            if tuple(second) not in layouts:
                raise NpuSmiParseError("unknown chip column layout", line_no, raw)
            self.layout = layouts[tuple(second)]
            self.has_hbm = "HBM-Usage" in cells[2]
        elif first[:1] in (["NPU"], ["Chip"]):
            raise NpuSmiParseError("unsupported npu-smi table header", line_no, raw)
        else:
            raise NpuSmiParseError("row before the npu-smi table header", line_no, raw)

    def _chip_line(self, cells: list[str], line_no: int, raw: str) -> None:
        if len(cells) != 3:
            raise NpuSmiParseError("expected 3 cells in a chip row, found %d" % len(cells), line_no, raw)
        # Row 2 carries a bus id in cell 2, row 1 a health word; the first cell cannot tell them apart.
        if _BUS_ID_RE.match(cells[1]):
            if self.pending is None:
                raise NpuSmiParseError("second chip row without a first row", line_no, raw)
            self._chip(self.pending, cells, line_no, raw)
            self.pending = None
        elif _HEALTH_RE.match(cells[1]):
            if self.pending is not None:
                raise NpuSmiParseError("expected the second row of NPU %d" % self.pending.npu_id, line_no, raw)
            self.pending = self._row1(cells, line_no, raw)
        else:
            raise NpuSmiParseError("neither a health word nor a bus id in the second cell", line_no, raw)

    def _row1(self, cells: list[str], line_no: int, raw: str) -> _Row1:
        head = cells[0].split(None, 1)
        if len(head) != 2:
            raise NpuSmiParseError("expected '<NPU id> <Name>'", line_no, raw)
        values = cells[2].split(None, 2)
        if len(values) < 2:
            raise NpuSmiParseError("expected 'Power Temp' values", line_no, raw)
        hugepages = None
        if self.has_hugepages:
            match = _ONE_PAIR_RE.match(values[2]) if len(values) == 3 else None
            if match is None:
                raise NpuSmiParseError("expected 'used / total' hugepages", line_no, raw)
            hugepages = (int(match.group(1)), int(match.group(2)))
        elif len(values) == 3:
            raise NpuSmiParseError("unexpected value after Temp", line_no, raw)
        return _Row1(
            line_no, raw, _int(head[0], "NPU id", line_no, raw), head[1], cells[1],
            _optional_float(values[0], "Power", line_no, raw), _optional_int(values[1], "Temp", line_no, raw),
            hugepages,
        )

    def _chip(self, row1: _Row1, cells: list[str], line_no: int, raw: str) -> None:
        ids = cells[0].split()
        if len(ids) != (1 if self.layout == LAYOUT_HBM else 2):
            raise NpuSmiParseError("chip id cell does not match the header", line_no, raw)
        chip_id = _int(ids[0], "Chip id", line_no, raw)
        second = _int(ids[1], "Phy-ID/Device", line_no, raw) if len(ids) == 2 else None
        values = cells[2].split(None, 1)
        memory = (_TWO_PAIRS_RE if self.has_hbm else _ONE_PAIR_RE).match(values[1]) if len(values) == 2 else None
        if memory is None:
            raise NpuSmiParseError("expected AICore and 'used / total' memory values", line_no, raw)
        numbers = [int(group) for group in memory.groups()]
        if (row1.npu_id, chip_id) in self.chip_keys:
            raise NpuSmiParseError("NPU %d chip %d listed twice" % (row1.npu_id, chip_id), line_no, raw)
        self.chip_keys.add((row1.npu_id, chip_id))
        self.chips.append(NpuChip(
            npu_id=row1.npu_id, chip_id=chip_id, name=row1.name, health=row1.health, power_w=row1.power_w,
            temp_c=row1.temp_c,
            hugepages_used=row1.hugepages[0] if row1.hugepages else None,
            hugepages_total=row1.hugepages[1] if row1.hugepages else None,
            phy_id=second if self.layout == LAYOUT_PHY_ID else None,
            device_id=second if self.layout == LAYOUT_DEVICE else None,
            bus_id=None if cells[1] == "NA" else cells[1],
            aicore_pct=_optional_int(values[0], "AICore", line_no, raw),
            memory_used_mb=numbers[0], memory_total_mb=numbers[1],
            hbm_used_mb=numbers[2] if self.has_hbm else None,
            hbm_total_mb=numbers[3] if self.has_hbm else None,
        ))

    def _process_header(self, cells: list[str], line_no: int, raw: str) -> None:
        if self.layout is None:
            raise NpuSmiParseError("process table before the chip table header", line_no, raw)
        if cells[0].split() != ["NPU", "Chip"] or len(cells) not in (4, 5):
            raise NpuSmiParseError("unknown process table layout", line_no, raw)
        self.process_columns = len(cells)

    def _process_line(self, cells: list[str], line_no: int, raw: str) -> None:
        idle = _IDLE_RE.match(cells[0]) if len(cells) == 1 else None
        if idle is not None:
            self.idle.append(int(idle.group(1)))
            return
        if len(cells) != self.process_columns:
            raise NpuSmiParseError("expected %d cells in a process row" % self.process_columns, line_no, raw)
        ids = cells[0].split()
        if len(ids) != 2:
            raise NpuSmiParseError("expected '<NPU> <Chip>' in a process row", line_no, raw)
        container_pid = None
        if len(cells) == 5:
            container_pid = _optional_int(cells[4], "container pid", line_no, raw)
        self.processes.append(NpuProcess(
            npu_id=_int(ids[0], "NPU id", line_no, raw), chip_id=_int(ids[1], "Chip id", line_no, raw),
            pid=_int(cells[1], "Process id", line_no, raw), name=cells[2],
            memory_mb=_int(cells[3], "Process memory", line_no, raw), container_pid=container_pid,
        ))
