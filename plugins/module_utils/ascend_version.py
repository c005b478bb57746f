# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Order Huawei Ascend version strings: 25.0.rc1.1, 24.1.RC2, 7.7.0.2.220, 8.5.1, 8.2.RC1.

A release candidate sorts below the release it leads to (25.2.rc1 < 25.2.0), case does not matter, and a
missing trailing part counts as 0 (25.2 == 25.2.0).
"""

from __future__ import annotations

import re

_PART = re.compile(r"^(?:(\d+)|(rc|alpha|beta|b|t)(\d*))$", re.IGNORECASE)
_PRE_RANK = {"alpha": -3, "beta": -2, "b": -2, "t": -2, "rc": -1}


class AscendVersionError(ValueError):
    """A string that is not an Ascend version."""


def version_key(version: str) -> tuple[tuple[int, int], ...]:
    text = str(version).strip()
    if not text:
        raise AscendVersionError("empty version")
    key = []
    for part in text.split("."):
        match = _PART.match(part)
        if not match:
            raise AscendVersionError(f"'{text}' is not an Ascend version (bad part '{part}')")
        if match.group(1) is not None:
            key.append((0, int(match.group(1))))
        else:
            key.append((_PRE_RANK[match.group(2).lower()], int(match.group(3) or 0)))
    while key and key[-1] == (0, 0):
        key.pop()
    return tuple(key)


def compare(left: str, right: str) -> int:
    a, b = version_key(left), version_key(right)
    width = max(len(a), len(b))
    a += ((0, 0),) * (width - len(a))
    b += ((0, 0),) * (width - len(b))
    return (a > b) - (a < b)
