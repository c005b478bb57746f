"""serving_rows and serving_notes: the serving table and its notes from the serving_verify reports."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.npuops.gptoss.plugins.filter.serving_notes import serving_notes
from ansible_collections.npuops.gptoss.plugins.filter.serving_rows import serving_rows

VERIFIED = {"instance": "gptoss-0", "port": 8000, "chips": [0, 1], "status": "verified", "answer": "4", "detail": ""}
FAILED = {"instance": "gptoss-1", "port": 8001, "chips": [2, 3], "status": "failed", "answer": "",
          "detail": "NPU out of memory"}
HOSTVARS = {
    "z-host": {"serving_verify_report": [VERIFIED], "serving_verify_diagnosis": ""},
    "a-host": {"serving_verify_report": [VERIFIED, FAILED],
               "serving_verify_diagnosis": "fixed by enforce_eager after RopeOperation setup failed"},
    "refused": {"serving_verify_diagnosis": "model=gpt-oss-120b does not fit"},
    "untouched": {},
}


def test_rows_are_the_reports_with_the_host_hosts_sorted_instances_in_plan_order():
    rows = serving_rows(["z-host", "untouched", "a-host", "refused"], HOSTVARS)
    assert [(r["host"], r["instance"], r["status"]) for r in rows] == [
        ("a-host", "gptoss-0", "verified"), ("a-host", "gptoss-1", "failed"), ("z-host", "gptoss-0", "verified")]
    assert rows[1] == dict(FAILED, host="a-host")


def test_the_reports_are_not_changed():
    serving_rows(["a-host"], HOSTVARS)
    assert "host" not in HOSTVARS["a-host"]["serving_verify_report"][0]


def test_only_hosts_with_a_diagnosis_get_a_note():
    assert serving_notes(["z-host", "untouched", "refused", "a-host"], HOSTVARS) == [
        "a-host: fixed by enforce_eager after RopeOperation setup failed",
        "refused: model=gpt-oss-120b does not fit",
    ]


def test_no_hosts_no_rows_no_notes():
    assert serving_rows([], HOSTVARS) == []
    assert serving_notes([], HOSTVARS) == []


@pytest.mark.parametrize("hosts, hostvars, message", [
    ("h1", {}, "must be a list of host names"),
    (["h1"], "h1", "hostvars must be a mapping"),
    (["h1"], {}, "host h1 is not in hostvars"),
    (["h1"], {"h1": {"serving_verify_report": "verified"}}, "serving_verify_report of h1 is not a list"),
    (["h1"], {"h1": {"serving_verify_report": [VERIFIED, 3]}}, r"serving_verify_report\[1\] of h1"),
])
def test_bad_input_to_serving_rows_names_the_problem(hosts, hostvars, message):
    with pytest.raises(AnsibleFilterError, match=message):
        serving_rows(hosts, hostvars)


@pytest.mark.parametrize("hosts, hostvars, message", [
    ({"h1": 1}, {}, "must be a list of host names"),
    (["h1"], None, "hostvars must be a mapping"),
    (["h1"], {"h2": {}}, "host h1 is not in hostvars"),
])
def test_bad_input_to_serving_notes_names_the_problem(hosts, hostvars, message):
    with pytest.raises(AnsibleFilterError, match=message):
        serving_notes(hosts, hostvars)
