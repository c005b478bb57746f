"""preflight changes nothing: no packages, no Ascend files, no engine configuration, on passing and failing hosts."""
import pytest

testinfra_hosts = ["ansible://ascend_hosts"]


@pytest.mark.parametrize("path", ["/usr/local/Ascend", "/etc/docker/daemon.json", "/etc/ascend_install.info",
                                  "/var/lib/npuops", "/var/cache/npuops", "/etc/ansible/facts.d"])
def test_nothing_written(host, path):
    assert not host.file(path).exists


def test_no_engine_installed(host):
    assert not host.package("docker.io").is_installed
