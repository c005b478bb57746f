"""preflight changes nothing: no packages, no Ascend files, no engine configuration, on passing and failing hosts."""
testinfra_hosts = ["ansible://ascend_hosts"]

PATHS = ["/usr/local/Ascend", "/etc/docker/daemon.json", "/etc/ascend_install.info", "/var/lib/npuops",
         "/var/cache/npuops", "/etc/ansible/facts.d"]
# prepare installed driver 25.0.rc1.1 on this host only (npu_driver: the driver, its install info and its package
# cache): preflight must refuse it and leave it as it was.
OLD_DRIVER_HOST = "mol-pf-olddrv"
PREPARED = {"/usr/local/Ascend", "/etc/ascend_install.info", "/var/cache/npuops"}


def test_nothing_written(host):
    expected = PREPARED if host.backend.get_hostname() == OLD_DRIVER_HOST else set()
    assert {path for path in PATHS if host.file(path).exists} == expected


def test_driver_left_as_it_was(host):
    version_info = host.file("/usr/local/Ascend/driver/version.info")
    if host.backend.get_hostname() == OLD_DRIVER_HOST:
        assert host.check_output("sed -n 's/^Version=//p' /usr/local/Ascend/driver/version.info") == "25.0.rc1.1"
        assert "Version: 25.0.rc1.1" in host.check_output("npu-smi info | sed -n 2p")
    else:
        assert not version_info.exists


def test_no_engine_installed(host):
    assert not host.package("docker.io").is_installed
