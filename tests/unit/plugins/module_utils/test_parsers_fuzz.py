"""Every parser, fed mutated real samples or random text, returns facts or raises NpuSmiParseError."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/unit: shared sample helpers

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_facts import InstalledVersions, build_npu_facts
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_parse_error import NpuSmiParseError
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_smi_errors import classify_npu_smi_failure
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_smi_info import parse_npu_smi_info
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_smi_mapping import parse_npu_smi_mapping
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_version_files import parse_ascend_info_file
from npu_smi_samples import sample_files, sections

SAMPLES = [text for name in sample_files() for text in sections(name).values() if text.strip()]


def info_then_facts(text):
    info = parse_npu_smi_info(text)
    facts = build_npu_facts(info, None, [], InstalledVersions())
    assert facts["summary"]["chip_count"] == len(info.chips)
    return facts


# Each parser mostly gets the samples it is meant for, so that mutations reach its number parsing;
# any other sample can come too.
PARSERS = {
    info_then_facts: "|",
    parse_npu_smi_mapping: "Chip Logic ID",
    parse_ascend_info_file: "=",
}
TABLE_ALPHABET = "|+-= \t\n0123456789/.:ABCDEFNOKPUxabcdeim()%"
# "token" twice: replacing whole tokens is what reaches the number parsing.
OPERATIONS = ["delete", "duplicate", "truncate", "swap", "widen", "replace", "token", "token"]
ODD_TOKENS = ["x", "NA", "-", "", "1.5", "-3", "99999999999999999999", "0x1F", "\u0663", "\u00b2", "OK", "/", ":"]
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated_samples(draw, marker=""):
    own = [text for text in SAMPLES if marker in text]
    lines = draw(st.one_of(st.sampled_from(own), st.sampled_from(SAMPLES))).splitlines()
    for _step in range(draw(st.integers(1, 4))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        operation = draw(st.sampled_from(OPERATIONS))
        line = lines[index]
        if operation == "delete":
            del lines[index]
        elif operation == "duplicate":
            lines.insert(index, line)
        elif operation == "truncate":
            lines[index:] = [line[:draw(st.integers(0, len(line)))]]
        elif len(line) >= 2 and operation == "swap":
            at = draw(st.integers(0, len(line) - 2))
            lines[index] = line[:at] + line[at + 1] + line[at] + line[at + 2:]
        elif operation == "widen":
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + " " * draw(st.integers(1, 12)) + line[at:]
        elif line and operation == "replace":
            at = draw(st.integers(0, len(line) - 1))
            lines[index] = line[:at] + draw(st.sampled_from(TABLE_ALPHABET)) + line[at + 1:]
        elif operation == "token":  # hits the number parsing far more often than single characters do
            tokens = list(re.finditer(r"[^\s|]+", line))
            if tokens:
                token = tokens[draw(st.integers(0, len(tokens) - 1))]
                lines[index] = line[:token.start()] + draw(st.sampled_from(ODD_TOKENS)) + line[token.end():]
    return "\n".join(lines)


def returns_or_raises_parse_error(parser, text):
    try:
        parser(text)
    except NpuSmiParseError as error:
        assert error.line_no is None or (1 <= error.line_no and error.line is not None)


@pytest.mark.parametrize("parser", PARSERS, ids=lambda parser: parser.__name__)
@FUZZ
@given(data=st.data())
def test_mutated_samples(parser, data):
    returns_or_raises_parse_error(parser, data.draw(mutated_samples(PARSERS[parser])))


@pytest.mark.parametrize("parser", PARSERS, ids=lambda parser: parser.__name__)
@settings(max_examples=100, deadline=None)
@given(text=st.one_of(st.text(), st.text(alphabet=TABLE_ALPHABET, max_size=400)))
def test_random_text(parser, text):
    returns_or_raises_parse_error(parser, text)


@FUZZ
@given(text=st.one_of(mutated_samples(), st.text()), rc=st.one_of(st.none(), st.integers(-1, 255)))
def test_failure_classifier_always_answers(text, rc):
    failure = classify_npu_smi_failure(text, rc)
    assert failure.kind and failure.message and failure.remedy
