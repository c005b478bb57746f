# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Classify a failed npu-smi run (its text and exit code) into an operator-facing kind and remedy.

npu-smi prints its errors with printf, i.e. on stdout, and exits with the negative DCMI code & 0xff
(-8005 -> 187, -8020 -> 172), so callers pass stdout and stderr together with the exit code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

DRIVER_NOT_LOADED = "driver_not_loaded"
DEVICE_BUSY = "device_busy"
BOARD_TYPE_FAILED = "board_type_failed"
UNSUPPORTED_QUERY = "unsupported_query"
UNKNOWN_OPTION = "unknown_option"
TOOL_MISSING = "tool_missing"
NO_CARD = "no_card"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class NpuSmiFailure:
    kind: str
    message: str
    remedy: str
    evidence: str  # the line of output (or the exit code) the kind was read from


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: str
    exit_codes: tuple[int, ...]
    message: str
    remedy: str


# First match wins; text is checked before exit codes because codes alone are ambiguous.
_RULES = (
    _Rule(DRIVER_NOT_LOADED, r"dcmi module initialize failed|ret is -8005\b|cannot open shared object file",
          (187,),
          "npu-smi cannot initialise the NPU driver: the driver is not loaded or the devices or driver "
          "libraries are not visible to this user or container",
          "Reboot after a driver/firmware install or upgrade; check 'lsmod | grep drv_davinci'; run as root or "
          "as a member of HwHiAiUser (or install the driver with --install-for-all); in a container mount "
          "/dev/davinciN, /dev/davinci_manager, /dev/devmm_svm, /dev/hisi_hdc and the driver lib64 directory"),
    _Rule(DEVICE_BUSY, r"because the device is used|ret is -8020\b", (172,),
          "npu-smi cannot open the NPU (DCMI -8020): another process or container holds the device",
          "Stop the container or process that owns the NPU (npu-exporter, another non-privileged "
          "container), or give each container only its own /dev/davinciN devices"),
    _Rule(BOARD_TYPE_FAILED, r"npu get board type failed|ret is -9005\b", (211,),
          "npu-smi cannot read the board type (-9005): the driver could not identify the card",
          "Check that the firmware version is within compatible_version_fw of driver/version.info, look for "
          "NPU errors in dmesg, and reboot after any driver or firmware change"),
    _Rule(UNSUPPORTED_QUERY, r"does not support querying", (),
          "this NPU model does not support the requested npu-smi query",
          "Use a query the product supports (e.g. -t board instead of -t product on servers)"),
    _Rule(UNKNOWN_OPTION, r"Command or option is not found|Error parameter of", (),
          "this npu-smi version does not know the requested command or option",
          "Check 'npu-smi info -h' for this driver version, or upgrade the driver"),
    _Rule(NO_CARD, r"There is no NPU card on this server", (),
          "npu-smi runs but sees no NPU card",
          "Check that the cards are seated and visible ('lspci -d 19e5:'), and that the driver matches them"),
    _Rule(TOOL_MISSING, r"npu-smi: (?:command )?not found|npu-smi: No such file or directory", (127,),
          "npu-smi is not installed or not on the search path",
          "Install the NPU driver (it ships /usr/local/bin/npu-smi, /usr/local/sbin/npu-smi on older drivers) "
          "or, in a container, mount /usr/local/bin/npu-smi and /usr/local/dcmi"),
)


def classify_npu_smi_failure(output: str, rc: int | None) -> NpuSmiFailure:
    """Name what went wrong. ``rc`` None means npu-smi could not be found or started at all."""
    first_line = next((line.strip() for line in output.splitlines() if line.strip()), "")
    if rc is None:
        return _failure(_rule(TOOL_MISSING), first_line or "npu-smi executable not found")
    for rule in _RULES:
        match = re.search(r"^.*(?:%s).*$" % rule.pattern, output, re.MULTILINE)
        if match is not None:
            return _failure(rule, match.group(0).strip())
    for rule in _RULES:
        if rc in rule.exit_codes:
            return _failure(rule, "exit code %d" % rc)
    evidence = "exit code %d: %s" % (rc, first_line) if first_line else "exit code %d, no output" % rc
    return NpuSmiFailure(UNKNOWN, "npu-smi failed in an unrecognised way (%s)" % evidence,
                         "Run npu-smi info by hand on the host and check the driver installation", evidence)


def _rule(kind: str) -> _Rule:
    return next(rule for rule in _RULES if rule.kind == kind)


def _failure(rule: _Rule, evidence: str) -> NpuSmiFailure:
    return NpuSmiFailure(rule.kind, "%s [%s]" % (rule.message, evidence), rule.remedy, evidence)
