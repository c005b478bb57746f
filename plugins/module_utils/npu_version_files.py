# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parser for Ascend's ``key=value`` install records.

Covers <root>/driver/version.info (``Version=``), <root>/firmware/version.info (``Version=``), CANN's
ascend_toolkit_install.info (``version=``) and /etc/ascend_install.info (install user and paths).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_parse_error import NpuSmiParseError


@dataclass(frozen=True)
class AscendInfoFile:
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def version(self) -> str | None:
        # Driver and firmware files spell it "Version", the CANN toolkit file "version".
        return self.fields.get("Version") or self.fields.get("version") or None


def parse_ascend_info_file(text: str) -> AscendInfoFile:
    """Parse a ``key=value`` file; raises NpuSmiParseError on a line that is not one."""
    fields: dict[str, str] = {}
    for line_no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise NpuSmiParseError("expected 'key=value'", line_no, raw)
        fields[key.strip()] = value.strip()
    return AscendInfoFile(fields)
