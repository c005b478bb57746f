"""Ascend key=value install records (driver, firmware, CANN, /etc/ascend_install.info) from fixtures/npu_smi."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/unit: shared sample helpers

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_parse_error import NpuSmiParseError
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_version_files import parse_ascend_info_file
from npu_smi_samples import sample, sample_files, sections

DOC = "version_driver_firmware_cann_info_huawei-doc.txt"
# (file, section) -> (version, fields subset)
EXPECTED = {
    ("version_cann_ascend_toolkit_install_info_8.2.RC1.txt", ""): ("8.2.RC1", {
        "package_name": "Ascend-cann-toolkit", "arch": "aarch64",
        "path": "/usr/local/Ascend/ascend-toolkit/8.2.RC1/aarch64-linux"}),
    (DOC, "/driver/version.info"): ("24.1.rc1", {
        "ascendhal_version": "7.35.19", "Innerversion": "V100R001C15SPC006B220",
        "compatible_version_fw": "[7.0.0,7.2.99]"}),
    (DOC, "/firmware/version.info"): ("7.1.0.11.220", {
        "package_version": "23.0.7", "compatible_version_drv": "[23.0.rc3,23.0.rc3.],[23.0.0,23.0.0.]"}),
    (DOC, "cann/aarch64-linux"): ("8.5.0", {"arch": "aarch64", "path": "/usr/local/Ascend/cann-8.5.0/aarch64-linux"}),
    (DOC, "cann/x86_64-linux"): ("8.5.0", {"arch": "x86_64", "innerversion": "V100R001C25SPC001B212"}),
    (DOC, "/etc/ascend_install.info"): (None, {
        "UserName": "HwHiAiUser", "Driver_Install_Path_Param": "/usr/local/Ascend", "Driver_Install_For_All": "yes"}),
}


@pytest.mark.parametrize("name, section", sorted(EXPECTED), ids=lambda value: value[:40])
def test_parses_real_version_file(name, section):
    version, fields = EXPECTED[(name, section)]
    parsed = parse_ascend_info_file(sample(name, section))
    assert parsed.version == version
    assert fields.items() <= parsed.fields.items()


def test_every_version_sample_is_covered():
    found = [(name, label) for name in sample_files("version_") for label, text in sections(name).items()
             if text.strip()]
    assert len(found) == len(EXPECTED)


def test_empty_file_has_no_version():
    assert parse_ascend_info_file("").version is None
    assert parse_ascend_info_file("Version=\n").version is None


@pytest.mark.parametrize("text, line_no", [("Version=1\ngarbage\n", 2), ("=value\n", 1)])
def test_bad_line_is_named(text, line_no):
    with pytest.raises(NpuSmiParseError) as raised:
        parse_ascend_info_file(text)
    assert raised.value.line_no == line_no
