# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What to do with an HTTP answer to a (possibly ranged) download request: append, start over or stop.

Pure functions on status codes and header values (RFC 9110, section 14), so every branch is tested without a
server. A mirror that ignores Range answers 200 with the whole file, one behind a broken cache may answer 206
for the wrong bytes: both must never be appended to a partial file as if they continued it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)\s*$", re.IGNORECASE)

APPEND = "append"
RESTART = "restart"
COMPLETE = "complete"
DISCARD = "discard"


class HttpResumeError(ValueError):
    """The server's answer cannot continue or restart the download."""


@dataclass(frozen=True)
class ContentRange:
    """A parsed Content-Range value; start/end are None for the unsatisfied form ``bytes */SIZE``."""

    start: int | None
    end: int | None
    total: int | None


@dataclass(frozen=True)
class ResponsePlan:
    """How to use a response body.

    action: APPEND (body continues the partial file at ``offset``), RESTART (body is the file from byte 0,
    truncate the partial first), COMPLETE (nothing to read: the partial already holds the whole file) or DISCARD
    (body is neither: drop the partial and ask for the whole file).
    total: the file's full size when the answer tells it, else None.
    """

    action: str
    offset: int
    total: int | None


def range_header(offset: int) -> dict[str, str]:
    """Headers asking for the file from ``offset`` on; none for a fresh download."""
    if offset < 0:
        raise ValueError("offset must not be negative, got %d" % offset)
    return {"Range": "bytes=%d-" % offset} if offset else {}


def parse_content_range(value: str) -> ContentRange:
    """Parse ``bytes START-END/TOTAL``, ``bytes START-END/*`` or ``bytes */TOTAL``."""
    match = _CONTENT_RANGE.match(value or "")
    if not match:
        raise HttpResumeError("unreadable Content-Range %r" % value)
    start, end, total = match.groups()
    if (start is None) != (end is None):
        raise HttpResumeError("unreadable Content-Range %r" % value)
    parsed = ContentRange(int(start) if start is not None else None, int(end) if end is not None else None,
                          None if total == "*" else int(total))
    if parsed.start is not None and parsed.end is not None and parsed.end < parsed.start:
        raise HttpResumeError("Content-Range %r ends before it starts" % value)
    if parsed.total is not None and parsed.end is not None and parsed.end >= parsed.total:
        raise HttpResumeError("Content-Range %r ends past the file's size" % value)
    return parsed


def plan_response(offset: int, status: int, content_range: str | None, content_length: int | None) -> ResponsePlan:
    """Decide what a response to a request from ``offset`` (0: no Range header) means.

    416 is only asked about when ``offset`` > 0: the partial may already be the whole file, which the caller
    proves by its sha256 (the ``total`` of ``bytes */TOTAL`` says whether the sizes even agree).
    """
    if status == 200:
        # The whole file, whether or not a range was asked for: a mirror without range support.
        return ResponsePlan(RESTART, 0, content_length)
    if status == 206:
        if offset == 0 and content_range is None:
            raise HttpResumeError("206 Partial Content for a request without Range")
        if content_range is None:
            raise HttpResumeError("206 Partial Content without Content-Range")
        parsed = parse_content_range(content_range)
        if parsed.start is None:
            raise HttpResumeError("206 Partial Content with unsatisfied Content-Range %r" % content_range)
        if parsed.start == offset:
            return ResponsePlan(APPEND, offset, parsed.total)
        # Bytes from another offset would corrupt the file silently: from 0 they start it again; from anywhere
        # else they fit nowhere.
        return ResponsePlan(RESTART if parsed.start == 0 else DISCARD, 0, parsed.total)
    if status == 416 and offset > 0:
        total = None
        if content_range:
            total = parse_content_range(content_range).total
        if total is not None and total != offset:
            # The partial is longer than the file (or the server lies): it cannot be this file's prefix.
            return ResponsePlan(RESTART, 0, total)
        return ResponsePlan(COMPLETE, offset, total)
    raise HttpResumeError("HTTP %d" % status)


def partial_file_name(sha256: str) -> str:
    """The partial download of a file is named after its pinned sha256: it can only ever resume into that file."""
    if not re.match(r"^[0-9a-f]{64}$", sha256 or ""):
        raise ValueError("sha256 must be 64 lower-case hex digits, got %r" % sha256)
    return sha256 + ".part"
