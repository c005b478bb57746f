"""Helpers shared by the integration tests: run make targets and playbooks, read play recaps, look into hosts."""
import os
import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = yaml.safe_load((ROOT / "inventories/sim/hosts.yml").read_text())
SIM_VARS = yaml.safe_load((ROOT / "inventories/sim/group_vars/all.yml").read_text())
HOSTS = INVENTORY["all"]["children"]["ascend_hosts"]["hosts"]
STATE = Path(os.environ.get("NPUOPS_SIM_STATE", "/var/tmp/npuops-sim"))
RECAP = re.compile(r"^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def make(target: str) -> str:
    proc = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), target],
                          capture_output=True, text=True, timeout=1800, check=False)
    assert proc.returncode == 0, f"make {target} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"
    return proc.stdout


def playbook(*args: str) -> subprocess.CompletedProcess:
    """ansible-playbook from the repository root with the environment the Makefile sets."""
    env = dict(os.environ,
               PATH=f"{ROOT / '.venv/bin'}:{os.environ['PATH']}",
               ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache/collections"),
               ANSIBLE_ROLES_PATH=str(ROOT / "roles"),
               ANSIBLE_FORCE_COLOR="0")
    return subprocess.run(["ansible-playbook", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=1800, check=False)


def recap(output: str) -> dict:
    """The last PLAY RECAP line of each host."""
    return {h: {"changed": int(c), "unreachable": int(u), "failed": int(f)} for h, c, u, f in RECAP.findall(output)}


def in_host(host: str, *cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", "exec", f"npuops-sim-{host}", *cmd],
                          capture_output=True, text=True, timeout=60, check=False)
