"""Tests of the simulated Huawei .run packages (sim/vendor/).

The packages are built once into a temporary directory; every install goes into a fake root
(ASCEND_SIM_ROOT) with its own /etc/passwd, /etc/group and topology, so nothing touches this
machine. Output is compared after dropping the installers' colour codes.
"""
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
BUILD = REPO / "sim" / "vendor" / "build.sh"
TOPOLOGY = Path(__file__).resolve().parent / "fixtures" / "topo_910B4_x8_25.0.rc1.1.json"
ARCH = platform.machine()
OTHER_ARCH = "aarch64" if ARCH == "x86_64" else "x86_64"
HDK_ARCH = ARCH.replace("x86_64", "x86-64")  # HDK drivers write x86-64, CANN and the runtime x86_64
DRIVER_OLD = "Ascend-hdk-910b-npu-driver_24.1.0_linux-%s.run" % HDK_ARCH
DRIVER_NEW = "Ascend-hdk-910b-npu-driver_25.0.rc1.1_linux-%s.run" % HDK_ARCH
FIRMWARE_OLD = "Ascend-hdk-910b-npu-firmware_7.5.0.1.129.run"
FIRMWARE_NEW = "Ascend-hdk-910b-npu-firmware_7.7.0.1.231.run"
# The default pins: vllm-ascend's driver floor for its default release is 25.5.0 (vllm_ascend_releases).
DRIVER_DEFAULT = "Ascend-hdk-910b-npu-driver_25.5.1_linux-%s.run" % HDK_ARCH
FIRMWARE_DEFAULT = "Ascend-hdk-910b-npu-firmware_7.8.0.6.201.run"
TOOLKIT = "Ascend-cann-toolkit_%%s_linux-%s.run" % ARCH
OPS = "Ascend-cann-910b-ops_%%s_linux-%s.run" % ARCH
NNAL = "Ascend-cann-nnal_8.5.0_linux-%s.run" % ARCH
RUNTIME = "Ascend-docker-runtime_%%s_linux-%s.run" % ARCH
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def build(out, *args):
    if shutil.which("makeself") is None and os.geteuid() != 0:
        pytest.skip("makeself is not installed and only root may install it")
    return subprocess.run(["bash", str(BUILD), *args, str(out)], capture_output=True, text=True, timeout=600,
                          check=False)


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    out = tmp_path_factory.mktemp("ascend")
    result = build(out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture
def root(tmp_path):
    """A fake host: HwHiAiUser exists, the simulated NPUs are 8x 910B4."""
    root = tmp_path / "root"
    (root / "etc" / "npuops-sim").mkdir(parents=True)
    (root / "etc" / "passwd").write_text("root:x:0:0::/root:/bin/bash\n"
                                         "HwHiAiUser:x:1000:1000::/home/HwHiAiUser:/bin/bash\n")
    (root / "etc" / "group").write_text("root:x:0:\nHwHiAiUser:x:1000:\n")
    shutil.copy(TOPOLOGY, root / "etc" / "npuops-sim" / "npu.json")
    return root


def run(packages, root, name, *args, **env):
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("NPUOPS_SIM_TOPOLOGY", "ASCEND_TOOLKIT_HOME", "ASCEND_SIM_UNAME_M")}
    full_env.update(env, ASCEND_SIM_ROOT=str(root))
    result = subprocess.run([str(packages / name), *args], env=full_env, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=120, check=False)
    result.out = ANSI.sub("", result.stdout)
    return result


def info(path):
    return dict(line.split("=", 1) for line in Path(path).read_text().splitlines() if "=" in line)


def npu_smi(root, *args):
    """The npu-smi the driver package installed, looking at the fake root."""
    env = dict(os.environ, NPUOPS_SIM_TOPOLOGY=str(root / "etc/npuops-sim/npu.json"),
               NPUOPS_SIM_RUN_DIR=str(root / "run/npuops-sim"),
               NPUOPS_SIM_DRIVER_VERSION_INFO=str(root / "usr/local/Ascend/driver/version.info"),
               NPUOPS_SIM_PROC_ROOT=str(root / "no-proc"))
    return subprocess.run(["python3", str(root / "usr/local/Ascend/driver/tools/npu-smi"), *args], env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def reboot(root):
    """/run is a tmpfs: it starts empty, then the driver's boot unit loads what is installed."""
    shutil.rmtree(root / "run", ignore_errors=True)
    unit = (root / "etc/systemd/system/ascend-sim-driver-load.service").read_text()
    exec_start = re.search(r"^ExecStart=(\S+)", unit, re.M).group(1)
    subprocess.run([str(root) + exec_start], env=dict(os.environ, ASCEND_SIM_ROOT=str(root)),
                   capture_output=True, text=True, timeout=60, check=True)


# ---------------------------------------------------------------- build


def test_build_writes_every_package_and_matching_sha256sums(packages):
    sums = {}
    for line in (packages / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        sums[name] = digest
    expected = {DRIVER_OLD, DRIVER_NEW, FIRMWARE_OLD, FIRMWARE_NEW, DRIVER_DEFAULT, FIRMWARE_DEFAULT, TOOLKIT % "8.5.0", TOOLKIT % "8.5.1",
                OPS % "8.5.0", OPS % "8.5.1", NNAL, RUNTIME % "6.0.0", RUNTIME % "7.0.RC1",
                "Atlas-A3-hdk-npu-driver_25.0.rc1.1_linux-%s.run" % HDK_ARCH,
                "Atlas-A3-hdk-npu-firmware_7.7.0.1.231.run", "Ascend-cann-A3-ops_8.5.1_linux-%s.run" % ARCH,
                "Atlas-A3-hdk-npu-driver_25.5.1_linux-%s.run" % HDK_ARCH, "Atlas-A3-hdk-npu-firmware_7.8.0.6.201.run"}
    assert expected <= set(sums)
    assert sorted(sums) == sorted(p.name for p in packages.glob("*.run"))
    for name, digest in sums.items():
        assert hashlib.sha256((packages / name).read_bytes()).hexdigest() == digest, name


def test_second_build_rebuilds_nothing(packages):
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in packages.glob("*.run")}
    result = build(packages)
    assert result.returncode == 0
    assert "nothing rebuilt" in result.stdout
    assert before == {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in packages.glob("*.run")}


def test_build_for_another_arch_names_it_and_its_installer_refuses_this_machine(tmp_path, root):
    out = tmp_path / "other"
    result = build(out, "--arch", OTHER_ARCH)
    assert result.returncode == 0, result.stderr
    driver = "Ascend-hdk-910b-npu-driver_24.1.0_linux-%s.run" % OTHER_ARCH.replace("x86_64", "x86-64")
    assert (out / driver).exists() and (out / ("Ascend-cann-toolkit_8.5.0_linux-%s.run" % OTHER_ARCH)).exists()
    result = run(out, root, driver, "--full", "--quiet")
    assert result.returncode == 1
    assert "ERR_NO:0x0001;ERR_DES:the architecture of the run package is inconsistent" in result.out
    assert not (root / "usr/local/Ascend").exists()


# ---------------------------------------------------------------- makeself behaviour


def test_check_passes_on_a_good_package_and_fails_on_a_corrupted_copy(packages, tmp_path):
    good = subprocess.run([str(packages / DRIVER_OLD), "--check"], capture_output=True, text=True, check=False)
    assert good.returncode == 0
    assert "SHA256 checksums are OK" in good.stderr and "All good." in good.stdout
    bad = tmp_path / DRIVER_OLD
    data = bytearray((packages / DRIVER_OLD).read_bytes())
    data[-100] ^= 0xFF  # inside the compressed payload
    bad.write_bytes(bytes(data))
    bad.chmod(0o755)
    result = subprocess.run([str(bad), "--check"], capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "Error in SHA256 checksums" in result.stderr


def test_noexec_extract_unpacks_without_installing(packages, tmp_path, root):
    target = tmp_path / "unpacked"
    result = run(packages, root, DRIVER_OLD, "--noexec", "--extract=%s" % target)
    assert result.returncode == 0
    assert (target / "install.sh").exists() and (target / "tools" / "npu-smi").exists()
    assert info(target / "version.info")["Version"] == "24.1.0"
    assert not (root / "usr").exists()


# ---------------------------------------------------------------- driver and firmware


def test_fresh_driver_install_writes_the_real_files_and_loads_it(packages, root):
    result = run(packages, root, DRIVER_OLD, "--full", "--install-for-all", "--quiet")
    assert result.returncode == 0, result.out
    assert "Driver package installed successfully! The new version takes effect immediately." in result.out
    driver = root / "usr/local/Ascend/driver"
    version = info(driver / "version.info")
    assert version["Version"] == version["package_version"] == "24.1.0"
    assert version["compatible_version_fw"] == "[7.0.0,7.5.99]" and version["Innerversion"].startswith("V100R001")
    assert info(root / "etc/ascend_install.info") == {
        "UserName": "HwHiAiUser", "UserGroup": "HwHiAiUser", "Driver_Install_Type": "full",
        "Driver_Install_Path_Param": "/usr/local/Ascend", "Driver_Install_For_All": "yes",
        "Driver_Install_Mode": "normal", "Driver_Install_Status": "complete"}
    for name in ("lib64/driver/libascend_hal.so", "tools/hccn_tool", "tools/npu-smi", "script/uninstall.sh"):
        assert (driver / name).exists(), name
    assert (root / "usr/local/dcmi/libdcmi.so").exists()
    assert os.readlink(root / "usr/local/bin/npu-smi") == "/usr/local/Ascend/driver/tools/npu-smi"
    assert (root / "etc/systemd/system/multi-user.target.wants/ascend-sim-driver-load.service").is_symlink()
    assert (root / "run/npuops-sim/driver-loaded").read_text().strip() == "24.1.0"
    assert sorted(p.name for p in (root / "dev").glob("davinci[0-9]*")) == ["davinci%d" % i for i in range(8)]
    assert "Version: 24.1.0" in npu_smi(root, "info").stdout
    assert "Driver package installed" in (root / "var/log/ascend_seclog/ascend_install.log").read_text()


@pytest.mark.parametrize("package", [DRIVER_OLD, FIRMWARE_OLD])
def test_missing_hwhiaiuser_is_refused_and_nothing_is_installed(packages, root, package):
    if package == FIRMWARE_OLD:
        assert run(packages, root, DRIVER_OLD, "--full", "--quiet").returncode == 0
    (root / "etc/passwd").write_text("root:x:0:0::/root:/bin/bash\n")
    before = sorted(str(p) for p in (root / "usr").rglob("*")) if package == FIRMWARE_OLD else []
    result = run(packages, root, package, "--full", "--quiet")
    assert result.returncode == 1
    assert "[ERROR]ERR_NO:0x0091;ERR_DES:HwHiAiUser not exists! Please add HwHiAiUser" in result.out
    if package == DRIVER_OLD:
        assert not (root / "usr").exists() and not (root / "etc/ascend_install.info").exists()
    else:
        assert sorted(str(p) for p in (root / "usr").rglob("*")) == before


def test_wrong_architecture_is_refused(packages, root):
    for package in (DRIVER_OLD, TOOLKIT % "8.5.0"):
        result = run(packages, root, package, "--full", "--quiet", ASCEND_SIM_UNAME_M=OTHER_ARCH)
        assert result.returncode == 1
        assert "ERR_DES:the architecture of the run package is inconsistent with that of the current" in result.out
    assert not (root / "usr").exists()


def test_unknown_flags_are_refused(packages, root):
    result = run(packages, root, DRIVER_OLD, "--full", "--bogus")
    assert result.returncode == 1
    assert "ERR_NO:0x0004;ERR_DES: Unrecognized parameters: --bogus. Try './xxx.run --help'" in result.out
    result = run(packages, root, DRIVER_OLD, "--install")  # a CANN flag: the driver does not know it
    assert result.returncode == 1
    result = run(packages, root, TOOLKIT % "8.5.0", "--install", "--bogus")
    assert result.returncode == 1 and "ERR_NO:0x0004;ERR_DES: Unsupported parameters : --bogus" in result.out
    assert not (root / "usr").exists()


def test_firmware_needs_the_driver(packages, root):
    result = run(packages, root, FIRMWARE_OLD, "--full", "--quiet")
    assert result.returncode == 1
    assert "please install the driver first" in result.out
    assert not (root / "usr").exists()


def test_upgrade_keeps_the_old_driver_loaded_until_reboot(packages, root):
    assert run(packages, root, DRIVER_OLD, "--full", "--quiet").returncode == 0
    result = run(packages, root, FIRMWARE_OLD, "--full", "--quiet")
    assert result.returncode == 0
    assert "Reboot now or after driver installation for the installation/upgrade to take effect." in result.out
    assert info(root / "usr/local/Ascend/firmware/version.info")["Version"] == "7.5.0.1.129"

    result = run(packages, root, DRIVER_NEW, "--upgrade", "--quiet")
    assert result.returncode == 2  # the real "installed, but the hot reset failed"
    assert "Driver package upgraded successfully! Reboot needed for installation/upgrade to take effect!" in result.out
    assert info(root / "usr/local/Ascend/driver/version.info")["Version"] == "25.0.rc1.1"
    assert (root / "run/npuops-sim/driver-loaded").read_text().strip() == "24.1.0"
    assert "npu-smi 24.1.0" in npu_smi(root, "info").stdout
    result = run(packages, root, FIRMWARE_NEW, "--upgrade", "--quiet")
    assert result.returncode == 0 and "Firmware package upgraded successfully!" in result.out

    reboot(root)
    assert (root / "run/npuops-sim/driver-loaded").read_text().strip() == "25.0.rc1.1"
    assert (root / "run/npuops-sim/firmware-loaded").read_text().strip() == "7.7.0.1.231"
    board = npu_smi(root, "info", "-t", "board", "-i", "0").stdout
    assert "Software Version               : 25.0.rc1.1" in board
    assert "Firmware Version               : 7.7.0.1.231" in board


def test_upgrade_from_below_the_vllm_ascend_floor_to_the_default_pins(packages, root):
    assert run(packages, root, DRIVER_NEW, "--full", "--quiet").returncode == 0
    assert run(packages, root, FIRMWARE_NEW, "--full", "--quiet").returncode == 0
    result = run(packages, root, DRIVER_DEFAULT, "--upgrade", "--quiet")
    assert result.returncode == 2 and "Reboot needed" in result.out
    assert run(packages, root, FIRMWARE_DEFAULT, "--upgrade", "--quiet").returncode == 0
    assert info(root / "usr/local/Ascend/driver/version.info")["Version"] == "25.5.1"
    assert (root / "run/npuops-sim/driver-loaded").read_text().strip() == "25.0.rc1.1"
    reboot(root)
    board = npu_smi(root, "info", "-t", "board", "-i", "0").stdout
    assert "Software Version               : 25.5.1" in board
    assert "Firmware Version               : 7.8.0.6.201" in board
    assert "npu-smi 25.5.1" in npu_smi(root, "info").stdout


def test_driver_warns_when_the_installed_firmware_is_outside_its_range(packages, root):
    assert run(packages, root, DRIVER_NEW, "--full", "--quiet").returncode == 0
    assert run(packages, root, FIRMWARE_NEW, "--full", "--quiet").returncode == 0
    result = run(packages, root, DRIVER_OLD, "--full", "--quiet")  # 24.1.0 takes firmware 7.0.0 to 7.5.99
    assert "[WARNING]driver and firmware version relationship check fail" in result.out
    assert result.returncode == 2  # --quiet goes on; 25.0.rc1.1 stays loaded until reboot
    assert info(root / "usr/local/Ascend/driver/version.info")["Version"] == "24.1.0"


def test_overwrite_asks_and_fails_instead_of_hanging_when_stdin_is_closed(packages, root):
    assert run(packages, root, DRIVER_OLD, "--full", "--quiet").returncode == 0
    result = run(packages, root, DRIVER_NEW, "--full")
    assert result.returncode == 1
    assert ("Driver package has been installed on the path /usr/local/Ascend, the version is 24.1.0, and the "
            "version of this package is 25.0.rc1.1,do you want to continue?  [y/n]") in result.out
    assert info(root / "usr/local/Ascend/driver/version.info")["Version"] == "24.1.0"


def test_uninstall_removes_what_install_wrote(packages, root):
    assert run(packages, root, DRIVER_OLD, "--full", "--quiet").returncode == 0
    assert run(packages, root, FIRMWARE_OLD, "--full", "--quiet").returncode == 0
    assert run(packages, root, FIRMWARE_OLD, "--uninstall", "--quiet").returncode == 1  # --uninstall stands alone
    result = run(packages, root, FIRMWARE_OLD, "--uninstall")
    assert result.returncode == 0 and "Firmware package uninstalled successfully!" in result.out
    script = root / "usr/local/Ascend/driver/script/uninstall.sh"
    result = subprocess.run([str(script)], env=dict(os.environ, ASCEND_SIM_ROOT=str(root)), capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0
    assert "Reboot needed for uninstallation to take effect!" in ANSI.sub("", result.stdout)  # it is still loaded
    leftovers = [p for p in ("usr/local/Ascend", "usr/local/dcmi", "usr/local/bin/npu-smi", "etc/ascend_install.info",
                             "etc/systemd/system/ascend-sim-driver-load.service", "lib/davinci.conf")
                 if (root / p).exists() or (root / p).is_symlink()]
    assert leftovers == []
    result = run(packages, root, DRIVER_OLD, "--uninstall")
    assert result.returncode == 1
    assert "ERR_NO:0x0080;ERR_DES:Driver package is not installed on this device, uninstall failed" in result.out


def test_driver_upgrade_on_a_clean_host_installs_like_the_real_one(packages, root):
    result = run(packages, root, DRIVER_NEW, "--upgrade", "--quiet")
    assert result.returncode == 0
    assert "Driver package installed successfully! The new version takes effect immediately." in result.out


# ---------------------------------------------------------------- CANN


def test_cann_toolkit_ops_and_nnal(packages, root):
    result = run(packages, root, OPS % "8.5.0", "--install", "--quiet")
    assert result.returncode == 1 and "Ascend-cann-toolkit 8.5.0 is not installed" in result.out
    result = run(packages, root, TOOLKIT % "8.5.0", "--upgrade", "--quiet")
    assert result.returncode == 1
    assert "ERR_NO:0x0080;ERR_DES:Runfile is not installed on this device, upgrade failed" in result.out

    result = run(packages, root, TOOLKIT % "8.5.0", "--install", "--install-for-all", "--quiet")
    assert result.returncode == 0 and "Ascend-cann-toolkit install success" in result.out
    ascend = root / "usr/local/Ascend"
    toolkit = info(ascend / "ascend-toolkit/8.5.0" / ("%s-linux" % ARCH) / "ascend_toolkit_install.info")
    assert toolkit == {"package_name": "Ascend-cann-toolkit", "version": "8.5.0",
                       "innerversion": "V100R001C25SPC001B212", "compatible_version": toolkit["compatible_version"],
                       "arch": ARCH, "os": "linux", "path": "/usr/local/Ascend/cann-8.5.0/%s-linux" % ARCH}
    assert os.readlink(ascend / "ascend-toolkit/latest") == "../cann-8.5.0"
    assert os.readlink(ascend / "cann") == "cann-8.5.0"
    assert "ASCEND_TOOLKIT_HOME=/usr/local/Ascend/cann-8.5.0" in (ascend / "ascend-toolkit/set_env.sh").read_text()
    assert run(packages, root, OPS % "8.5.0", "--install", "--quiet").returncode == 0
    ops = info(ascend / "cann" / ("%s-linux" % ARCH) / "ascend_ops_install.info")
    assert ops["package_name"] == "Ascend-cann-910b-ops" and ops["version"] == "8.5.0"

    result = run(packages, root, NNAL, "--install", "--quiet")
    assert result.returncode == 1 and "source its set_env.sh" in result.out
    result = run(packages, root, NNAL, "--install", "--quiet", ASCEND_TOOLKIT_HOME="/usr/local/Ascend/cann-8.5.0")
    assert result.returncode == 0
    assert "Ascend-cann-atb : 8.5.0" in (ascend / "nnal/atb/latest/version.info").read_text()

    assert run(packages, root, TOOLKIT % "8.5.1", "--upgrade", "--quiet").returncode == 0
    assert run(packages, root, OPS % "8.5.1", "--upgrade", "--quiet").returncode == 0
    assert os.readlink(ascend / "ascend-toolkit/latest") == "../cann-8.5.1"
    assert info(ascend / "cann" / ("%s-linux" % ARCH) / "ascend_toolkit_install.info")["version"] == "8.5.1"
    assert info(ascend / "cann" / ("%s-linux" % ARCH) / "ascend_ops_install.info")["version"] == "8.5.1"
    assert not (ascend / "cann-8.5.0").exists()

    assert run(packages, root, OPS % "8.5.1", "--uninstall").returncode == 0
    assert run(packages, root, TOOLKIT % "8.5.1", "--uninstall").returncode == 0
    assert sorted(p.name for p in ascend.iterdir()) == ["nnal"]


# ---------------------------------------------------------------- docker runtime


def test_docker_runtime_merges_daemon_json_and_uninstall_takes_it_out(packages, root):
    daemon = root / "etc/docker/daemon.json"
    daemon.parent.mkdir(parents=True)
    daemon.write_text(json.dumps({"registry-mirrors": ["http://mirror"], "log-driver": "json-file"}))
    result = run(packages, root, RUNTIME % "6.0.0", "--upgrade")
    assert result.returncode == 1 and "upgrade failed, the specified install path does not exist" in result.out

    result = run(packages, root, RUNTIME % "6.0.0", "--install", "--install-scene=docker")
    assert result.returncode == 0 and "[INFO] ascend-docker-runtime install success" in result.out
    path = "/usr/local/Ascend/Ascend-Docker-Runtime/ascend-docker-runtime"
    assert json.loads(daemon.read_text()) == {
        "registry-mirrors": ["http://mirror"], "log-driver": "json-file", "default-runtime": "ascend",
        "runtimes": {"ascend": {"path": path, "runtimeArgs": []}}}
    assert os.access(root / path.lstrip("/"), os.X_OK)
    result = run(packages, root, RUNTIME % "7.0.RC1", "--upgrade")
    assert result.returncode == 0
    record = root / "usr/local/Ascend/Ascend-Docker-Runtime/ascend_docker_runtime_install.info"
    assert "version=v7.0.RC1" in record.read_text()

    result = run(packages, root, RUNTIME % "7.0.RC1", "--uninstall")
    assert result.returncode == 0
    assert json.loads(daemon.read_text()) == {"registry-mirrors": ["http://mirror"], "log-driver": "json-file"}
    assert not (root / "usr/local/Ascend").exists()
