"""The simulated fleet, driven through the real `make sim-up` and `make sim-down` targets.

Needs a Docker engine (the targets start one). Tests run in file order, and this file runs last: its last test tears
the fleet down and checks that nothing is left behind, which also removes a fleet that `make demo` left running.
"""
import json
import secrets
import socket
import subprocess

import pytest

from fleet import HOSTS, SIM_VARS, STATE, in_host, make, recap


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=True, timeout=120).stdout


@pytest.fixture(scope="module")
def second_up():
    make("sim-up")
    return make("sim-up")


def test_second_sim_up_changes_and_rebuilds_nothing(second_up):
    stats = recap(second_up)
    assert set(HOSTS) | {"localhost"} <= set(stats), stats
    assert all(s == {"changed": 0, "unreachable": 0, "failed": 0} for s in stats.values()), stats


@pytest.mark.parametrize("host", sorted(HOSTS))
def test_each_inventory_host_booted_with_systemd(second_up, host):
    assert in_host(host, "cat", "/proc/1/comm").stdout.strip() == "systemd"
    assert in_host(host, "systemctl", "is-system-running").stdout.strip() == "running"
    assert in_host(host, "hostname").stdout.strip() == host


@pytest.mark.parametrize("host", sorted(HOSTS))
def test_each_host_carries_its_inventory_topology(second_up, host):
    written = json.loads(in_host(host, "cat", "/etc/npuops-sim/npu.json").stdout)
    assert written == HOSTS[host]["npuops_sim_topology"]


def http_status(url: str, user_password: str = "") -> str:
    cmd = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url]
    if user_password:
        cmd[1:1] = ["-u", user_password]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False).stdout


def test_registry_refuses_anonymous_and_accepts_the_generated_password(second_up):
    port = SIM_VARS["npuops_sim_registry_port"]
    password = (STATE / "registry/password").read_text().strip()
    assert len(password) >= 16
    assert http_status(f"http://127.0.0.1:{port}/v2/") == "401"
    assert http_status(f"http://127.0.0.1:{port}/v2/", f"npuops:{password}") == "200"
    assert http_status(f"http://127.0.0.1:{port}/v2/", "npuops:wrong") == "401"


def test_hosts_reach_registry_and_artifact_server_on_the_gateway(second_up):
    gateway = SIM_VARS["npuops_sim_gateway"]
    token = secrets.token_hex(16)
    (STATE / "artifacts/itest-token.txt").write_text(token)
    host = sorted(HOSTS)[0]
    fetched = in_host(host, "curl", "-sf", f"http://{gateway}:{SIM_VARS['npuops_sim_artifact_port']}/itest-token.txt")
    assert fetched.stdout == token
    status = in_host(host, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                     f"http://{gateway}:{SIM_VARS['npuops_sim_registry_port']}/v2/")
    assert status.stdout == "401"


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_sim_down_leaves_nothing_behind(second_up):
    make("sim-down")
    for kind in ("container", "volume", "network"):
        listed = docker(kind, "ls", *(["-a"] if kind == "container" else []), "-q", "--filter", "label=io.npuops.sim")
        assert listed.strip() == "", f"{kind}s left with label io.npuops.sim: {listed}"
    names = docker("ps", "-a", "--format", "{{.Names}}").split()
    names += docker("volume", "ls", "--format", "{{.Name}}").split()
    names += docker("network", "ls", "--format", "{{.Name}}").split()
    assert not [n for n in names if n.startswith("npuops-sim")], names
    assert not port_open(SIM_VARS["npuops_sim_registry_port"])
    assert not port_open(SIM_VARS["npuops_sim_artifact_port"])
    # A second sweep over an empty fleet is harmless and reports no change.
    assert all(s["changed"] == 0 for s in recap(make("sim-down")).values())
