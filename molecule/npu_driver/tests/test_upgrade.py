"""After the upgrade: the new packages are installed on both hosts; only the host allowed to reboot rebooted,
once, and runs the new driver; the other still runs the old one until its reboot."""
import subprocess

import pytest

testinfra_hosts = ["ansible://ascend_hosts"]


def restarts(host) -> int:
    # A reboot inside a simulated host ends its PID 1 and the engine starts the container again.
    name = f"npuops-sim-{host.backend.get_hostname()}"
    out = subprocess.run(["docker", "inspect", "-f", "{{.RestartCount}}", name], capture_output=True, text=True,
                         check=True).stdout
    return int(out)


def version(host, path):
    return host.check_output(f"sed -n 's/^Version=//p' {path}")


def test_new_versions_are_installed(host):
    assert version(host, "/usr/local/Ascend/driver/version.info") == "25.5.1"
    assert version(host, "/usr/local/Ascend/firmware/version.info") == "7.8.0.6.201"


def test_install_info_names_the_driver_user(host):
    info = host.file("/etc/ascend_install.info").content_string
    assert "UserName=HwHiAiUser" in info
    assert host.user("HwHiAiUser").group == "HwHiAiUser"


def test_reboot_only_where_allowed_and_exactly_once(host):
    expected = 1 if host.backend.get_hostname() == "mol-drv-reboot" else 0
    assert restarts(host) == expected


def test_loaded_driver_follows_the_reboot(host):
    out = host.check_output("npu-smi info | sed -n 2p")
    if host.backend.get_hostname() == "mol-drv-reboot":
        assert "npu-smi 25.5.1" in out and "Version: 25.5.1" in out
    else:
        assert "npu-smi 24.1.0" in out and "Version: 24.1.0" in out


@pytest.mark.parametrize("node", ["/dev/davinci0", "/dev/davinci7", "/dev/davinci_manager", "/dev/devmm_svm", "/dev/hisi_hdc"])
def test_device_nodes_exist_after_boot(host, node):
    assert host.run(f"test -c {node}").rc == 0, f"{node} is not a character device"
