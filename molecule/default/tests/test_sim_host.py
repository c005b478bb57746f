"""The simulated host behaves like a booted server: systemd is PID 1, nothing failed, the hardware file is there."""
import json

import pytest

testinfra_hosts = ["ansible://ascend_hosts"]


def test_systemd_is_pid_1(host):
    assert host.file("/proc/1/comm").content_string.strip() == "systemd"


def test_boot_finished_without_failed_units(host):
    state = host.run("systemctl is-system-running").stdout.strip()
    failed = host.run("systemctl --failed --no-legend --plain").stdout.strip()
    assert state == "running", f"system state {state}, failed units: {failed}"


def test_hostname_is_inventory_name(host):
    assert host.run("hostname").stdout.strip() == host.backend.get_hostname()


@pytest.mark.parametrize("tool", ["/usr/bin/python3", "/usr/bin/apt-get", "/usr/bin/systemctl"])
def test_tools_ansible_needs(host, tool):
    assert host.file(tool).is_file


def test_simulated_hardware_matches_inventory(host):
    topology = json.loads(host.file("/etc/npuops-sim/npu.json").content_string)
    assert topology["chip"] == "910B4"
    assert topology["npu_count"] == 8
