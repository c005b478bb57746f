#!/usr/bin/env python
"""How many npu-smi runs and how much wall time npu_info needs for 1, 8 and 16 chips.

Run with ``.venv/bin/python tests/bench/bench_npu_info_invocations.py``. Not a pytest file: the
invocation count is asserted by tests/unit/plugins/modules/test_npu_info.py; times are only printed.
Tables are synthesised from the real 910B4 (1 and 8 chips) and A3 (16 dies) row formats.
"""
from __future__ import annotations

import importlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
sys.path.insert(0, str(TESTS / "unit"))

importlib.import_module("conftest")  # links the checkout as ansible_collections.npuops.gptoss
from npu_host_fakes import run_npu_info, synth_host  # noqa: E402

SIZES = (1, 8, 16)
REPEATS = 20


def measure(chips: int) -> tuple[int, float, float]:
    with tempfile.TemporaryDirectory() as directory:
        args = synth_host(Path(directory), chips)
        calls_log = Path(directory) / "bin" / "npu-smi.calls"
        times = []
        for _repeat in range(REPEATS):
            calls_log.write_text("")
            start = time.perf_counter()
            result = run_npu_info(args)
            times.append((time.perf_counter() - start) * 1000)
            if result["ansible_facts"]["npu"]["summary"]["chip_count"] != chips:
                raise SystemExit("module found the wrong number of chips: %r" % result)
        return len(calls_log.read_text().splitlines()), statistics.median(times), max(times)


def main() -> None:
    print("| chips | npu-smi invocations | module wall time median (ms) | max (ms) |")
    print("|------:|--------------------:|-----------------------------:|---------:|")
    for chips in SIZES:
        invocations, median, worst = measure(chips)
        print("| %5d | %19d | %28.1f | %8.1f |" % (chips, invocations, median, worst))


if __name__ == "__main__":
    main()
