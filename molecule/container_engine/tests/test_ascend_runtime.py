"""The Ascend Docker Runtime is installed and the running engine uses it by default, with the managed keys kept."""
import json

testinfra_hosts = ["ansible://mol-engine-rt"]
RUNTIME = "/usr/local/Ascend/Ascend-Docker-Runtime/ascend-docker-runtime"


def test_runtime_installed(host):
    assert host.file(RUNTIME).exists


def test_daemon_json_keeps_managed_keys_and_runtime(host):
    config = json.loads(host.file("/etc/docker/daemon.json").content_string)
    assert config["default-runtime"] == "ascend"
    assert config["runtimes"]["ascend"]["path"] == RUNTIME
    assert config["live-restore"] is True
    assert config["insecure-registries"] == ["172.30.98.1:5000"]


def test_engine_runs_with_the_ascend_runtime(host):
    info = json.loads(host.check_output("docker info --format '{{json .}}'"))
    assert info["DefaultRuntime"] == "ascend"
    assert "ascend" in info["Runtimes"]


def test_a_container_runs_through_it(host):
    password = open("/var/tmp/npuops-sim/registry/password").read().strip()
    assert host.run(f"printf '%s' '{password}' | docker login -u npuops --password-stdin 172.30.98.1:5000").rc == 0
    run = host.run("docker run --rm 172.30.98.1:5000/npuops-sim/hello:1 /hello.txt")
    host.run("docker logout 172.30.98.1:5000")
    # The seed image holds one text file and no binaries. A working runtime chain creates the container and then
    # runc refuses to exec the text file (rc 126, "permission denied"); a broken ascend runtime fails earlier
    # with "unknown or invalid runtime name" or a missing runtime binary.
    assert run.rc == 126, run.stderr
    assert 'exec: "/hello.txt": permission denied' in run.stderr


def test_runtime_was_upgraded_to_the_wanted_version(host):
    info = host.file("/usr/local/Ascend/Ascend-Docker-Runtime/ascend_docker_runtime_install.info").content_string
    assert "version=v7.0.RC1" in info.splitlines()
