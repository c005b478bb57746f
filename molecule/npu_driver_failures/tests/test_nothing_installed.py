"""A refused driver install leaves the host as it was: no driver files, no install record, no account, no package."""
import pytest

testinfra_hosts = ["ansible://ascend_hosts"]


@pytest.mark.parametrize("path", ["/usr/local/Ascend", "/etc/ascend_install.info", "/usr/local/bin/npu-smi",
                                  "/dev/davinci0", "/etc/systemd/system/ascend-sim-driver-load.service"])
def test_no_driver_files(host, path):
    assert not host.file(path).exists


def test_no_driver_account(host):
    assert not host.user("HwHiAiUser").exists
    assert not host.group("HwHiAiUser").exists


def test_no_package_left_in_the_cache(host):
    assert host.run("ls /var/cache/npuops/packages/*.run").rc != 0
