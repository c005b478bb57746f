# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tokenizer for npu-smi's ``<TAB>%-30s : value`` line format (``info -l`` and ``info -t <type>``)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_parse_error import NpuSmiParseError

# Keys never contain ':' while values may (bus ids), so split at the first colon only.
_KEY_VALUE_RE = re.compile(r"^\s*(?P<key>[^:]*?)\s*:\s?(?P<value>.*?)\s*$")


@dataclass(frozen=True)
class KeyValueLine:
    line_no: int
    key: str  # "" marks a continuation line (e.g. a second "Error Information" text)
    value: str
    raw: str


def split_key_value_blocks(text: str) -> list[list[KeyValueLine]]:
    """Return the blank-line separated blocks of ``key : value`` lines."""
    blocks: list[list[KeyValueLine]] = []
    current: list[KeyValueLine] = []
    for line_no, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            if current:
                blocks.append(current)
                current = []
            continue
        match = _KEY_VALUE_RE.match(raw)
        if match is None:
            raise NpuSmiParseError("expected 'key : value'", line_no, raw)
        current.append(KeyValueLine(line_no, match.group("key"), match.group("value"), raw))
    if current:
        blocks.append(current)
    return blocks


def parse_int_value(entry: KeyValueLine) -> int:
    try:
        return int(entry.value)
    except ValueError:
        raise NpuSmiParseError("%s is not an integer" % entry.key, entry.line_no, entry.raw) from None
