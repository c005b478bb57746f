"""site.yml on the simulated fleet, from bare hosts: check mode changes nothing, `make demo` provisions and serves
every host (its full -vvv log holds no secret), a second run and a check run report no change."""
import os
import re
import subprocess

import pytest

from fleet import HOSTS, ROOT, STATE, in_host, make, playbook, recap

SITE = ["-i", "inventories/sim", "playbooks/site.yml"]
WRITTEN_BY_SITE = ["/usr/local/Ascend", "/etc/docker/daemon.json", "/var/cache/npuops", "/etc/ascend_install.info"]


@pytest.fixture(scope="module")
def fresh_fleet():
    make("sim-down")
    make("sim-up")


@pytest.fixture(scope="module")
def check_on_fresh(fresh_fleet):
    return playbook(*SITE, "--check")


def demo_vvv() -> subprocess.CompletedProcess:
    """`make demo` with ansible-playbook at -vvv, as an operator debugging a run would."""
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "demo"], capture_output=True, text=True,
                          env=dict(os.environ, ANSIBLE_ARGS="-vvv"), timeout=3600, check=False)


@pytest.fixture(scope="module")
def runs(check_on_fresh):
    first = demo_vvv()
    second = playbook(*SITE)
    check = playbook(*SITE, "--check")
    return {"first": first, "second": second, "check": check}


def test_check_mode_on_bare_hosts_succeeds_and_writes_nothing(check_on_fresh):
    assert check_on_fresh.returncode == 0, check_on_fresh.stdout[-4000:]
    stats = recap(check_on_fresh.stdout)
    assert all(stats[h]["changed"] > 0 for h in HOSTS), stats
    for host in HOSTS:
        for path in WRITTEN_BY_SITE:
            assert in_host(host, "test", "-e", path).returncode == 1, f"{path} exists on {host} after --check"


def test_site_provisions_every_host(runs):
    first = runs["first"]
    assert first.returncode == 0, first.stdout[-6000:]
    for host in HOSTS:
        assert "npu-smi 25.5.1" in in_host(host, "npu-smi", "info").stdout
        assert in_host(host, "systemctl", "is-active", "docker").stdout.strip() == "active"


def test_second_run_changes_nothing(runs):
    second = runs["second"]
    assert second.returncode == 0, second.stdout[-4000:]
    stats = recap(second.stdout)
    assert set(HOSTS) <= set(stats)
    assert all(s == {"changed": 0, "unreachable": 0, "failed": 0} for s in stats.values()), stats


def test_check_mode_on_a_converged_fleet_reports_nothing_to_do(runs):
    check = runs["check"]
    assert check.returncode == 0, check.stdout[-4000:]
    assert all(s["changed"] == 0 for s in recap(check.stdout).values()), recap(check.stdout)


def test_fleet_table_shows_every_host(runs):
    first = runs["first"]
    table = first.stdout[re.search(r"HOST\s+OS\s+BOX\s+CHIPS", first.stdout).start():]
    for host in HOSTS:
        line = next(line for line in table.splitlines() if line.strip().startswith(host))
        assert "8/8 OK" in line and "25.5.1" in line, line


def test_no_secret_in_a_full_vvv_log(runs):
    first = runs["first"]
    log = first.stdout + first.stderr
    assert "-vvv" in log or "ansible-playbook [core" in log, "the demo did not run at -vvv"
    for secret_file in (STATE / "registry/password", STATE / "api-key", STATE / "hub-token"):
        secret = secret_file.read_text().strip()
        assert len(secret) >= 16
        assert secret not in log, f"the secret from {secret_file} is in the -vvv log of make demo"


def test_every_instance_is_verified_and_the_fault_was_remediated(runs):
    first = runs["first"]
    table = first.stdout[re.search(r"HOST\s+INSTANCE\s+CHIPS\s+PORT", first.stdout).start():]
    rows = [line.split() for line in table.splitlines() if line.strip().startswith(tuple(HOSTS))]
    rows = [row for row in rows if len(row) >= 5 and row[1].startswith("gptoss-")]  # not the notes or the recap
    assert len(rows) == 4 + 8, rows  # 910B4: TP2 x4; 910B3: TP1 x8
    assert all("verified" in row for row in rows), rows
    assert "atlas-800-a2-01: fixed by enforce_eager after RopeOperation setup failed" in first.stdout
