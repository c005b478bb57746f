#!/usr/bin/env python
"""How many times one playbook run calls npu-smi, and whether it plans from this run's chips.

Run with ``.venv/bin/python tests/bench/bench_npu_smi_calls.py`` (``make bench``). Plays tests/bench/discovery_runs.yml
on the controller (connection local) with the simulated npu-smi (sim/npu/npu-smi, its invocation log) on a 910B3 x3
topology, and with the fact cache of the project's ansible.cfg (smart gathering, jsonfile) in a temporary
directory. Between runs a chip turns Critical in the topology: a run that planned from cached facts would still
plan on it. Figures only: the whole site.yml (2 calls a host, 4 where the driver changes) and verify.yml are
asserted on a simulated host by the fresh_discovery molecule scenario. Needs no Docker and changes nothing outside
the temporary directory (preflight only reads; vllm_ascend's plan only reads).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOK = ROOT / "tests" / "bench" / "discovery_runs.yml"
NPU_SMI = ROOT / "sim" / "npu" / "npu-smi"
TOPOLOGY = {"chip": "910B3", "npu_count": 3, "npu_smi_version": "25.5.1"}

RUNS = [
    # (what, roles, chip that turns Critical before the run)
    ("preflight, later roles, plan (site.yml's discovery order)", ["preflight", "later_roles", "plan"], None),
    ("the same again, chip 1 Critical since the last run", ["preflight", "later_roles", "plan"], "1"),
    ("vllm_ascend plan alone, chip 2 Critical since the last run", ["plan"], "2"),
    ("vllm_ascend plan alone, nothing changed", ["plan"], None),
]


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        tmp = Path(directory)
        (tmp / "bin").mkdir()
        (tmp / "bin" / "npu-smi").symlink_to(NPU_SMI)
        topology, log, out = tmp / "npu.json", tmp / "npu-smi.calls", tmp / "plan.json"
        topology.write_text(json.dumps(TOPOLOGY))
        log.write_text("")
        inventory = tmp / "inventory.yml"
        inventory.write_text(json.dumps({"all": {"hosts": {"bench": {
            "ansible_connection": "local", "ansible_python_interpreter": sys.executable,
            "preflight_disk": [], "__bench_out": str(out)}}}}))
        env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
                   ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache" / "collections"),
                   ANSIBLE_CACHE_PLUGIN_CONNECTION=str(tmp / "facts"),
                   PATH="%s:%s" % (tmp / "bin", os.environ.get("PATH", "")),
                   NPUOPS_SIM_TOPOLOGY=str(topology), NPUOPS_SIM_CALL_LOG=str(log),
                   NPUOPS_SIM_PROC_ROOT=str(tmp / "no-proc"))
        print("| run | npu-smi invocations | chips the plan leaves out | wall time (s) |")
        print("|-----|--------------------:|---------------------------|--------------:|")
        for what, roles, fault in RUNS:
            if fault is not None:
                topo = json.loads(topology.read_text())
                topo.setdefault("chips", {})[fault] = {"health": "Critical"}
                topology.write_text(json.dumps(topo))
            before = len(log.read_text().splitlines())
            start = time.monotonic()
            run = subprocess.run(["ansible-playbook", "-i", str(inventory), str(PLAYBOOK),
                                  "-e", json.dumps({"__bench_roles": roles})],
                                 cwd=ROOT, env=env, capture_output=True, text=True, check=False)
            took = time.monotonic() - start
            if run.returncode != 0:
                raise SystemExit("%s failed:\n%s%s" % (what, run.stdout[-4000:], run.stderr[-2000:]))
            calls = len(log.read_text().splitlines()) - before
            excluded = json.loads(out.read_text())["excluded"]
            print("| %s | %d | %s | %.1f |" % (what, calls, ",".join(map(str, excluded)) or "none", took))


if __name__ == "__main__":
    main()
