"""The simulated Ascend Docker Runtime (sim/vendor/installers/ascend-docker-runtime) edits the OCI spec on `create`
as the real runtime/main.go does: /dev/davinci<physical id> for each ASCEND_VISIBLE_DEVICES id, the three management
nodes, their cgroup rules; then it hands the call to runc with the same arguments."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RUNTIME = Path(__file__).resolve().parents[3] / "sim" / "vendor" / "installers" / "ascend-docker-runtime"


@pytest.fixture
def host(tmp_path):
    dev = tmp_path / "dev"
    dev.mkdir()
    # /dev/null stands in for each node: a character device a non-root test can stat.
    for name in ["davinci%d" % n for n in (0, 1, 8, 9)] + ["davinci_manager", "devmm_svm", "hisi_hdc"]:
        (dev / name).symlink_to("/dev/null")
    runc = tmp_path / "runc"
    runc.write_text("#!/bin/sh\necho \"runc $*\"\n")
    runc.chmod(0o755)
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    return {"dev": dev, "runc": runc, "bundle": bundle}


def create(host, env_lines):
    (host["bundle"] / "config.json").write_text(json.dumps({"process": {"env": env_lines}, "linux": {}}))
    env = dict(os.environ, NPUOPS_SIM_DEV=str(host["dev"]), NPUOPS_SIM_RUNC=str(host["runc"]))
    result = subprocess.run([sys.executable, str(RUNTIME), "--root", "/run/runc", "create", "--bundle",
                             str(host["bundle"]), "ctr"], env=env, capture_output=True, text=True, check=False)
    return result, json.loads((host["bundle"] / "config.json").read_text())


def test_visible_devices_become_the_containers_davinci_nodes(host):
    result, spec = create(host, ["PATH=/usr/bin", "ASCEND_VISIBLE_DEVICES=8-9"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "runc --root /run/runc create --bundle %s ctr" % host["bundle"]
    paths = [d["path"] for d in spec["linux"]["devices"]]
    assert paths == ["/dev/davinci8", "/dev/davinci9", "/dev/davinci_manager", "/dev/devmm_svm", "/dev/hisi_hdc"]
    null = os.stat("/dev/null").st_rdev
    assert {(r["major"], r["minor"], r["access"]) for r in spec["linux"]["resources"]["devices"]} == {
        (os.major(null), os.minor(null), "rwm")}


def test_without_the_variable_the_spec_is_left_alone(host):
    result, spec = create(host, ["PATH=/usr/bin"])
    assert result.returncode == 0 and spec == {"process": {"env": ["PATH=/usr/bin"]}, "linux": {}}


@pytest.mark.parametrize("value, text", [("3", "failed to get /dev/davinci3 info"),
                                         ("1-x", "invalid device id or range '1-x'")])
def test_a_bad_or_absent_device_fails_create(host, value, text):
    result, _spec = create(host, ["ASCEND_VISIBLE_DEVICES=" + value])
    assert result.returncode == 1 and text in result.stderr and "runc" not in result.stdout
