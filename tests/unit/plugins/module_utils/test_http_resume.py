"""What a download does with each answer to a ranged request (RFC 9110 section 14)."""
from __future__ import annotations

import pytest

from ansible_collections.npuops.gptoss.plugins.module_utils.http_resume import (
    APPEND, COMPLETE, DISCARD, RESTART, ContentRange, HttpResumeError, parse_content_range, partial_file_name,
    plan_response, range_header)


def test_range_header_only_when_resuming():
    assert range_header(0) == {}
    assert range_header(65536) == {"Range": "bytes=65536-"}
    with pytest.raises(ValueError):
        range_header(-1)


@pytest.mark.parametrize("value, expected", [
    ("bytes 100-199/1000", ContentRange(100, 199, 1000)),
    ("bytes 0-0/1", ContentRange(0, 0, 1)),
    ("bytes 100-199/*", ContentRange(100, 199, None)),
    ("bytes */1000", ContentRange(None, None, 1000)),
    ("BYTES 5-9/10", ContentRange(5, 9, 10)),
])
def test_content_range_forms(value, expected):
    assert parse_content_range(value) == expected


@pytest.mark.parametrize("value", ["", "bytes", "bytes 5-/10", "items 0-1/2", "bytes 9-5/10", "bytes 0-10/10",
                                   "bytes -5/10"])
def test_content_range_rejects(value):
    with pytest.raises(HttpResumeError):
        parse_content_range(value)


def test_206_from_the_asked_offset_appends():
    plan = plan_response(100, 206, "bytes 100-999/1000", 900)
    assert (plan.action, plan.offset, plan.total) == (APPEND, 100, 1000)


def test_200_to_a_ranged_request_restarts():
    plan = plan_response(100, 200, None, 1000)
    assert (plan.action, plan.offset, plan.total) == (RESTART, 0, 1000)


def test_206_from_another_offset_restarts_rather_than_corrupting():
    plan = plan_response(100, 206, "bytes 0-999/1000", 1000)
    assert (plan.action, plan.offset) == (RESTART, 0)
    assert plan_response(100, 206, "bytes 50-999/1000", 950).action == DISCARD
    assert plan_response(100, 206, "bytes 200-999/1000", 800).action == DISCARD


def test_416_means_complete_when_sizes_agree_else_restart():
    assert plan_response(1000, 416, "bytes */1000", None).action == COMPLETE
    assert plan_response(1000, 416, None, None).action == COMPLETE
    assert plan_response(1200, 416, "bytes */1000", None).action == RESTART


@pytest.mark.parametrize("offset, status, content_range", [
    (0, 416, "bytes */1000"), (0, 206, None), (100, 206, None), (100, 206, "bytes */1000"), (0, 404, None),
    (100, 500, None)])
def test_answers_that_cannot_be_used(offset, status, content_range):
    with pytest.raises(HttpResumeError):
        plan_response(offset, status, content_range, None)


def test_partial_name_is_the_pin():
    assert partial_file_name("a" * 64) == "a" * 64 + ".part"
    for bad in ["", "A" * 64, "a" * 63, "../" + "a" * 61]:
        with pytest.raises(ValueError):
            partial_file_name(bad)
