"""A fake Atlas host as a vllm-ascend container sees it, for running the stand-in `vllm serve` (sim/vllm/vllm) locally:
the driver files and /dev nodes it checks for (plain files), and the topology where the simulated driver puts it."""
from __future__ import annotations

import json
import os
import socket

DRIVER_FILES = ("usr/local/Ascend/driver/lib64/driver/libascend_hal.so", "usr/local/Ascend/driver/version.info",
                "usr/local/bin/npu-smi", "etc/ascend_install.info", "usr/local/dcmi/libdcmi.so")


def make_host(base, chip="910B4", devices=2, serving=None, chips=None):
    """A fake Atlas host as a vllm-ascend container sees it; returns the environment to run with."""
    root = base / "root"
    for rel in DRIVER_FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("placeholder\n")
    (root / "dev").mkdir(parents=True, exist_ok=True)
    for name in ["davinci%d" % i for i in range(devices)] + ["davinci_manager", "devmm_svm", "hisi_hdc"]:
        (root / "dev" / name).write_text("char 235:0\n")
    topo = {"chip": chip, "npu_count": 8, "npu_smi_version": "25.0.rc1.1",
            "serving": dict({"startup_seconds": 0, "token_delay_ms": 0}, **(serving or {}))}
    if chips:
        topo["chips"] = chips
    topo_file = root / "usr/local/Ascend/driver/lib64/npuops-sim/npu.json"
    topo_file.parent.mkdir(parents=True, exist_ok=True)
    topo_file.write_text(json.dumps(topo))
    tiktoken = base / "tiktoken"
    tiktoken.mkdir(exist_ok=True)
    (tiktoken / "o200k_base.tiktoken").write_text("placeholder\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASCEND_", "HCCL_", "VLLM_", "TIKTOKEN_"))}
    env.update(NPUOPS_SIM_ROOT=str(root), TIKTOKEN_ENCODINGS_BASE=str(tiktoken))
    # A TP>1 stand-in binds its HCCL port on the host as the real one does: not the shared default 60000 in tests.
    with socket.socket() as sock:
        sock.bind(("", 0))
        env["HCCL_IF_BASE_PORT"] = str(sock.getsockname()[1])
    return env
