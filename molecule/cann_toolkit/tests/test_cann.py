"""CANN 8.5.1 replaced 8.5.0 on mol-cann with toolkit, operators and NNAL, and login shells see it;
mol-cann-missing has nothing."""
import pytest

testinfra_hosts = ["ansible://ascend_hosts"]
ROOT = "/usr/local/Ascend"


def is_upgraded_host(host):
    return host.backend.get_hostname() == "mol-cann"


def test_toolkit_install_info(host):
    info = host.file(f"{ROOT}/ascend-toolkit/latest/x86_64-linux/ascend_toolkit_install.info")
    if not is_upgraded_host(host):
        assert not host.file(ROOT).exists
        return
    assert "version=8.5.1" in info.content_string.splitlines()


@pytest.mark.parametrize("path", [
    "ascend-toolkit/8.5.1/x86_64-linux/ascend_ops_install.info",
    "ascend-toolkit/8.5.1/x86_64-linux/ascend_toolkit_install.info",
    "nnal/atb/8.5.1",
])
def test_components_of_the_new_version(host, path):
    assert host.file(f"{ROOT}/{path}").exists == is_upgraded_host(host)


def test_login_shell_environment(host):
    home = host.run("bash -lc 'echo $ASCEND_TOOLKIT_HOME'").stdout.strip()
    assert home == (f"{ROOT}/cann-8.5.1" if is_upgraded_host(host) else "")
