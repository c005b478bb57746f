"""A fake Ascend host in a directory: an executable npu-smi, a sysfs PCI tree and version files.

The fake npu-smi is a real shell script. It prints canned text chosen by its arguments and appends every
call to a log, so tests count real process invocations instead of mocking the module's code.
Also holds the synthetic tables for the invocation benchmark (1, 8 and 16 chips) and a helper that runs
the module's main() in-process.
"""
from __future__ import annotations

import contextlib
import io
import json
import shlex
from pathlib import Path

UNKNOWN_COMMAND = ("Command or option is not found.\n", 255)


class FakeNpuSmi:
    """``npu-smi`` answering ``info`` and ``info -m`` from canned (stdout, rc) pairs."""

    def __init__(self, directory: Path, responses: dict[str, tuple[str, int]]) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "npu-smi"
        self.calls_log = directory / "npu-smi.calls"
        self.calls_log.write_text("")
        cases = []
        for index, (args, (stdout, rc)) in enumerate(sorted(responses.items())):
            out_file = directory / ("npu-smi.out.%d" % index)
            out_file.write_text(stdout)
            cases.append("  %s) cat %s; exit %d ;;" % (shlex.quote(args), shlex.quote(str(out_file)), rc))
        script = [
            "#!/bin/sh",
            "echo \"$*\" >> %s" % shlex.quote(str(self.calls_log)),
            "case \"$*\" in",
            *cases,
            "esac",
            "printf '%%s' %s" % shlex.quote(UNKNOWN_COMMAND[0]),
            "exit %d" % UNKNOWN_COMMAND[1],
        ]
        self.path.write_text("\n".join(script) + "\n")
        self.path.chmod(0o755)

    @property
    def calls(self) -> list[str]:
        return self.calls_log.read_text().splitlines()


def write_pci_device(root: Path, address: str, device: str, vendor: str = "0x19e5", pci_class: str = "0x120000",
                     subsystem_vendor: str | None = None, subsystem_device: str | None = None) -> None:
    """One sysfs PCI function directory, files formatted as the kernel writes them ("0x19e5\\n")."""
    entry = root / address
    entry.mkdir(parents=True, exist_ok=True)
    files = {"vendor": vendor, "device": device, "class": pci_class,
             "subsystem_vendor": subsystem_vendor, "subsystem_device": subsystem_device}
    for name, value in files.items():
        if value is not None:
            (entry / name).write_text(value + "\n")


def write_version_files(root: Path, driver: str | None = None, firmware: str | None = None,
                        cann: str | None = None, arch: str = "aarch64") -> None:
    if driver is not None:
        (root / "driver").mkdir(parents=True, exist_ok=True)
        (root / "driver" / "version.info").write_text("Version=%s\nascendhal_version=7.35.19\n" % driver)
    if firmware is not None:
        (root / "firmware").mkdir(parents=True, exist_ok=True)
        (root / "firmware" / "version.info").write_text("Version=%s\nfirmware_version=1.0\n" % firmware)
    if cann is not None:
        toolkit = root / "ascend-toolkit" / "latest" / ("%s-linux" % arch)
        toolkit.mkdir(parents=True, exist_ok=True)
        (toolkit / "ascend_toolkit_install.info").write_text(
            "package_name=Ascend-cann-toolkit\nversion=%s\narch=%s\nos=linux\n" % (cann, arch))


def run_module(main, args: dict, check_mode: bool = False) -> dict:
    """Run a module's main() in-process and return its JSON result (failures included)."""
    from ansible.module_utils import _internal, basic
    from ansible.module_utils.common import warnings

    payload = {"ANSIBLE_MODULE_ARGS": dict(args, _ansible_check_mode=check_mode,
                                           _ansible_remote_tmp="/tmp", _ansible_keep_remote_files=False)}
    saved = basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE, _internal.is_controller
    basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE = json.dumps(payload).encode(), "legacy"
    # A module process is never the controller; controller code imported by other tests (filter plugins)
    # flips this flag, and then warnings go to the terminal instead of the result.
    _internal.is_controller = False
    # Warnings are collected module-globally; without this one run's warnings leak into the next.
    warnings._global_warnings.clear()
    stdout = io.StringIO()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.suppress(SystemExit):
            main()
    finally:
        basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE, _internal.is_controller = saved
    result = json.loads(stdout.getvalue())
    # The "legacy" profile serialises warnings as WarningSummary objects; the controller shows their text.
    if "warnings" in result:
        result["warnings"] = [w["event"]["msg"] if isinstance(w, dict) else w for w in result["warnings"]]
    return result


def run_npu_info(args: dict, check_mode: bool = False) -> dict:
    """Run npu_info's main() in-process and return its JSON result (failures included)."""
    from ansible_collections.npuops.gptoss.plugins.modules import npu_info

    return run_module(npu_info.main, args, check_mode)


# Synthetic tables for chip counts no sample has, built from the real row formats of
# info_910B4_x8_idle_25.0.rc1.1.txt (A2) and info_A3_Ascend910_16die_idle_24.1.rc3.7.txt (A3).
_A2_HEAD = """\
+------------------------------------------------------------------------------------------------+
| npu-smi 25.0.rc1.1               Version: 25.0.rc1.1                                           |
+---------------------------+---------------+----------------------------------------------------+
| NPU   Name                | Health        | Power(W)    Temp(C)           Hugepages-Usage(page)|
| Chip                      | Bus-Id        | AICore(%)   Memory-Usage(MB)  HBM-Usage(MB)        |
+===========================+===============+====================================================+
"""
_A3_HEAD = (_A2_HEAD.replace("25.0.rc1.1               Version: 25.0.rc1.1  ",
                             "24.1.rc3.7               Version: 24.1.rc3.7  ")
            .replace("| Chip        ", "| Chip  Phy-ID"))
_END_OF_NPU = "+===========================+===============+====================================================+\n"
_BETWEEN_DIES = "+" + "-" * 96 + "+\n"
_PROCESS_HEAD = """\
+---------------------------+---------------+----------------------------------------------------+
| NPU     Chip              | Process id    | Process name             | Process memory(MB)      |
+===========================+===============+====================================================+
"""
_IDLE = "| No running processes found in NPU %-61d|\n"
_ROW1 = "| %-5d %-19s | OK            | %-11s %-17d 0    / 0             |\n"
_ROW2 = "| %-25s | 0000:%02X:00.0  | 0           0    / 0          %-4d / %-14d|\n"


def synth_info_910b4(npu_count: int) -> str:
    rows = "".join(_ROW1 % (npu, "910B4", "87.2", 33) + _ROW2 % (str(0), 0xC1 - npu, 2654, 32768) + _END_OF_NPU
                   for npu in range(npu_count))
    return _A2_HEAD + rows + _PROCESS_HEAD + "".join(_IDLE % npu + _END_OF_NPU for npu in range(npu_count))


def synth_info_a3(npu_count: int) -> str:
    rows = []
    for npu in range(npu_count):
        for die in (0, 1):
            rows.append(_ROW1 % (npu, "Ascend910", "178.7" if die == 0 else "-", 37))
            rows.append(_ROW2 % ("%-5d %d" % (die, 2 * npu + die), 0x9D - 2 * npu - die, 3419, 65536))
            rows.append(_BETWEEN_DIES if die == 0 else _END_OF_NPU)
    return _A3_HEAD + "".join(rows) + _PROCESS_HEAD + "".join(_IDLE % npu + _END_OF_NPU for npu in range(npu_count))


def synth_mapping(npu_count: int, dies: int = 1, chip_name: str = "Ascend 910B4") -> str:
    """``npu-smi info -m``: TAB + %-30s columns; A3 (dies=2) adds the Chip Phy-ID column."""
    def row(*columns: object) -> str:
        return "\t" + " ".join("%-30s" % column for column in columns[:-1]) + " " + str(columns[-1]) + "\n"

    header = ["NPU ID", "Chip ID", "Chip Logic ID"] + (["Chip Phy-ID"] if dies > 1 else []) + ["Chip Name"]
    lines = [row(*header)]
    for npu in range(npu_count):
        for chip in range(dies):
            logic = npu * dies + chip
            lines.append(row(npu, chip, logic, *([logic] if dies > 1 else []), chip_name))
        lines.append(row(npu, dies, "-", *(["-"] if dies > 1 else []), "Mcu"))
    return "".join(lines)


def synth_host(directory: Path, chips: int) -> dict:
    """Module args for a fake host with ``chips`` devices: 910B4 up to 8, A3 dies beyond."""
    if chips <= 8:
        info, mapping = synth_info_910b4(chips), synth_mapping(chips)
    else:
        info, mapping = synth_info_a3(chips // 2), synth_mapping(chips // 2, dies=2, chip_name="Ascend910")
    fake = FakeNpuSmi(directory / "bin", {"info": (info, 0), "info -m": (mapping, 0)})
    return {"npu_smi_path": str(fake.path), "sysfs_pci_root": str(directory / "sys"),
            "driver_root": str(directory / "Ascend")}
