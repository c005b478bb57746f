"""Read the real npu-smi captures in fixtures/npu_smi/ (verbatim copies of the shared sample set).

Each file starts with ``# source:`` comment lines; some hold several captures, each introduced by a
``# =====`` or ``# ---`` marker line. Real npu-smi output never has a line starting with ``#``, so comment
lines are dropped and the rest is the capture as published.
"""
from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "npu_smi"
_MARKERS = ("# =====", "# ---")


def sample_files(prefix: str = "") -> list[str]:
    return sorted(path.name for path in FIXTURES.glob(prefix + "*.txt"))


def sections(name: str) -> dict[str, str]:
    """Marker line -> capture text; "" holds the text before the first marker."""
    result: dict[str, list[str]] = {"": []}
    current = ""
    for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines():
        if line.startswith(_MARKERS):
            current = line
            result[current] = []
        elif not line.startswith("#"):
            result[current].append(line)
    return {label: "\n".join(lines) + "\n" for label, lines in result.items()}


def sample(name: str, section: str = "") -> str:
    """The capture of ``name`` whose marker line contains ``section`` ("" = text before any marker)."""
    found = sections(name)
    if not section:
        return found[""]
    matches = [label for label in found if label and section in label]
    if len(matches) != 1:
        raise KeyError("%s: %d sections match %r" % (name, len(matches), section))
    return found[matches[0]]
