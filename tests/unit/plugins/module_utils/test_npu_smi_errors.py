"""npu-smi failure classification against every real error capture in fixtures/npu_smi."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/unit: shared sample helpers

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_smi_errors import classify_npu_smi_failure
from npu_smi_samples import sample, sections

ERRORS = "errors_npu-smi.txt"
# section -> (exit code as documented in the file header, kind, evidence line)
EXPECTED = {
    "vllm-ascend/issues/2698": (187, "driver_not_loaded", "dcmi module initialize failed. ret is -8005"),
    "HAMi/issues/1696": (187, "driver_not_loaded", "dcmi module initialize failed. ret is -8005"),
    "cann-container-image/issues/46": (
        172, "device_busy", "dcmi model initialized failed, because the device is used. ret is -8020"),
    "68598607334": (172, "device_busy", "dcmi model initialized failed, because the device is used. ret is -8020"),
    "67071018501": (187, "driver_not_loaded", "dcmi module initialize failed. ret is -8005"),
    "MindCluster FAQ": (187, "driver_not_loaded", "dcmi module initialize failed. ret is -8005"),
    "51842546567": (211, "board_type_failed", "npu get board type failed. ret is -9005"),
    "70348010335": (255, "unknown_option", "Error parameter of -t"),
    # The install warning alone is no known failure; the info parser keeps it as a warning.
    "print_total_info_with_HBM": (1, "unknown", "exit code 1: [WARNING]The driver package may not be"),
}


@pytest.mark.parametrize("section", sorted(EXPECTED))
def test_classifies_real_error_output(section):
    rc, kind, evidence = EXPECTED[section]
    failure = classify_npu_smi_failure(sample(ERRORS, section), rc)
    assert failure.kind == kind
    assert failure.evidence.startswith(evidence)
    assert evidence in failure.message


def test_every_error_sample_is_covered():
    labels = [label for label in sections(ERRORS) if label]
    assert sorted(next(key for key in EXPECTED if key in label) for label in labels) == sorted(EXPECTED)


@pytest.mark.parametrize("line_start, kind", [
    ("Error parameter of -t", "unknown_option"),
    ("This device does not support querying product.", "unsupported_query"),
    ("This device does not support querying p2p-enable.", "unsupported_query"),
])
def test_classifies_real_unsupported_messages(line_start, kind):
    lines = sample("t_memory_common_procmem_misc.txt", "messages for unsupported queries").splitlines()
    line = next(line for line in lines if line.startswith(line_start))
    assert classify_npu_smi_failure(line + "\n", 255).kind == kind


@pytest.mark.parametrize("output, rc, kind", [
    ("", 187, "driver_not_loaded"),
    ("", 172, "device_busy"),
    ("", 127, "tool_missing"),
    ("/bin/sh: 1: npu-smi: not found\n", 127, "tool_missing"),
    ("bash: npu-smi: command not found\n", 127, "tool_missing"),
    ("", None, "tool_missing"),
    ("There is no NPU card on this server.\n", 0, "no_card"),
    ("Command or option is not found.\nUsage: npu-smi info ...\n", 255, "unknown_option"),
    ("npu-smi: error while loading shared libraries: libdrvdsmi_host.so: cannot open shared object file: "
     "No such file or directory\n", 127, "driver_not_loaded"),
    ("Segmentation fault\n", 139, "unknown"),
])
def test_classifies_by_text_then_exit_code(output, rc, kind):
    assert classify_npu_smi_failure(output, rc).kind == kind


def test_unknown_failure_names_exit_code_and_first_line():
    failure = classify_npu_smi_failure("\n  something odd\nmore\n", 3)
    assert failure.evidence == "exit code 3: something odd"
    assert "exit code 3: something odd" in failure.message


@pytest.mark.parametrize("rc", [187, 172, 211, 127, 255, 1])
def test_every_kind_tells_the_operator_what_to_do(rc):
    failure = classify_npu_smi_failure("", rc)
    assert failure.message and failure.remedy
