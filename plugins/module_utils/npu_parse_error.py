# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one error every npu-smi / Ascend file parser raises on input it does not understand."""
from __future__ import annotations


class NpuSmiParseError(ValueError):
    """Input could not be parsed.

    ``line_no`` is 1-based within the text handed to the parser (None when the problem is the text as a
    whole, e.g. no table at all); ``line`` is that line verbatim.
    """

    def __init__(self, reason: str, line_no: int | None = None, line: str | None = None) -> None:
        self.reason = reason
        self.line_no = line_no
        self.line = line
        if line_no is None:
            message = reason
        else:
            message = "line %d: %s: %r" % (line_no, reason, line)
        super().__init__(message)
