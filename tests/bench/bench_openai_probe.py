#!/usr/bin/env python
"""How long openai_probe takes for one, two and four stand-in vLLM endpoints, concurrently and one at a time.

Run with ``.venv/bin/python tests/bench/bench_openai_probe.py``. Not a pytest file: what the verdicts are is asserted
by tests/unit/plugins/modules/test_openai_probe.py, whose stand-in servers (sim/vllm/vllm, every generated token
costing 20 ms) are reused here; times are only printed. Each check generates about 50 tokens, so one endpoint takes
about a second; four checked concurrently should take about as long as one, one at a time about four times as long.
"""
from __future__ import annotations

import importlib
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
sys.path.insert(0, str(TESTS / "unit"))
sys.path.insert(0, str(TESTS / "unit" / "plugins" / "modules"))

importlib.import_module("conftest")  # links the checkout as ansible_collections.npuops.gptoss
probe_tests = importlib.import_module("test_openai_probe")

REPEATS = 3


def timed(endpoints: list, **args) -> float:
    start = time.monotonic()
    result = probe_tests.probe(endpoints, **args)
    took = time.monotonic() - start
    if [v["status"] for v in result["verdicts"]] != ["verified"] * len(endpoints):
        raise SystemExit("not every endpoint was verified: %r" % result["verdicts"])
    return took


def hung_timeout(open_endpoint: dict) -> float:
    """A port that accepts and never answers, with timeout=1, next to a working endpoint."""
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(4)
        start = time.monotonic()
        probe_tests.probe([{"name": "hung", "port": hung.getsockname()[1]}, open_endpoint], timeout=1, api_key="")
        return time.monotonic() - start


def main() -> None:
    servers = []
    with tempfile.TemporaryDirectory() as directory:
        try:
            for i in range(4):
                base = Path(directory) / ("full%d" % i)
                base.mkdir()
                servers.append(probe_tests.Server(base, probe_tests.FULL + ["--api-key", probe_tests.KEY],
                                                  {"token_delay_ms": probe_tests.TOKEN_DELAY_MS}))
            base = Path(directory) / "no_key"
            base.mkdir()
            no_key = probe_tests.Server(base, probe_tests.FULL)
            servers.append(no_key)
            endpoints = [s.endpoint("gptoss-20b-%d" % i, [2 * i, 2 * i + 1]) for i, s in enumerate(servers[:4])]
            timed(endpoints[:1])  # warm up
            cases = [("1 endpoint", endpoints[:1], {}), ("4 endpoints, concurrently", endpoints, {}),
                     ("2 endpoints, concurrency=1", endpoints[:2], {"concurrency": 1}),
                     ("4 endpoints, concurrency=1", endpoints, {"concurrency": 1})]
            figures = [(name, statistics.median(timed(chosen, **args) for _repeat in range(REPEATS))) for name, chosen, args
                       in cases]
            one = figures[0][1]
            print("| case | wall time median of %d (s) | ratio to 1 endpoint |" % REPEATS)
            print("|------|---------------------:|--------------------:|")
            for name, seconds in figures:
                print("| %s | %.2f | %.2f |" % (name, seconds, seconds / one))
            print("| hung endpoint (timeout=1) + 1 open endpoint | %.2f | - |"
                  % hung_timeout(no_key.endpoint("open", [0, 1])))
        finally:
            for server in servers:
                server.stop()


if __name__ == "__main__":
    main()
