"""Docker is installed, configured as asked, and pulls from the lab registry after a login."""
import json
from pathlib import Path

testinfra_hosts = ["ansible://mol-engine"]
GATEWAY = "172.30.98.1:5000"  # the molecule network's gateway (.config/molecule/config.yml)
PASSWORD_FILE = Path("/var/tmp/npuops-sim/registry/password")


def test_engine_enabled_and_running(host):
    service = host.service("docker")
    assert service.is_enabled
    assert service.is_running


def test_daemon_json_has_the_managed_keys(host):
    config = json.loads(host.file("/etc/docker/daemon.json").content_string)
    assert config == {
        "insecure-registries": [GATEWAY],
        "live-restore": True,
        "log-driver": "json-file",
        "log-opts": {"max-file": "3", "max-size": "100m"},
    }


def test_running_engine_uses_the_configuration(host):
    info = json.loads(host.check_output("docker info --format '{{json .}}'"))
    assert info["LiveRestoreEnabled"] is True
    assert info["LoggingDriver"] == "json-file"
    assert GATEWAY in info["RegistryConfig"]["IndexConfigs"]
    assert info["RegistryConfig"]["IndexConfigs"][GATEWAY]["Secure"] is False


def test_login_and_pull_from_the_lab_registry(host):
    password = PASSWORD_FILE.read_text().strip()
    login = host.run(f"printf '%s' '{password}' | docker login --username npuops --password-stdin {GATEWAY}")
    assert login.rc == 0, login.stderr
    pull = host.run(f"docker pull {GATEWAY}/npuops-sim/hello:1")
    assert pull.rc == 0, pull.stderr
    host.run(f"docker logout {GATEWAY}")


def test_engine_restarted_once(host):
    # One start at install, one restart for the managed daemon.json: not one per changed key.
    starts = host.check_output("journalctl -u docker --no-pager -o cat | grep -cE '^Starting (docker.service - )?Docker Application Container Engine' || true")
    assert int(starts) == 2
