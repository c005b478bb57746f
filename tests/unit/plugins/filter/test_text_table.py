import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.npuops.gptoss.plugins.filter.text_table import FilterModule, text_table


def test_columns_are_aligned_to_the_widest_cell():
    rows = [{"host": "a2-01", "chips": 8}, {"host": "atlas-800i-a2-02", "chips": 16}]
    assert text_table(rows, ["host", ["chips", "CHIPS"]]).splitlines() == [
        "host              CHIPS",
        "----------------  -----",
        "a2-01             8",
        "atlas-800i-a2-02  16",
    ]


def test_missing_none_and_list_cells():
    rows = [{"host": "h1", "ports": [8000, 8001]}, {"host": "h2", "ports": [], "note": None}]
    lines = text_table(rows, ["host", "ports", "note"]).splitlines()
    assert lines[2].split() == ["h1", "8000,8001", "-"]
    assert lines[3].split() == ["h2", "-", "-"]


def test_no_rows_gives_header_only():
    assert text_table([], ["host"]) == "host\n----"


@pytest.mark.parametrize(
    "rows, columns, message",
    [
        ("text", ["a"], "must be a list"),
        ([{"a": 1}, 5], ["a"], "row 1 is not a dictionary"),
        ([{"a": 1}], [["a", "b", "c"]], "column"),
    ],
)
def test_bad_input_names_the_problem(rows, columns, message):
    with pytest.raises(AnsibleFilterError, match=message):
        text_table(rows, columns)


def test_registered_under_its_name():
    assert FilterModule().filters()["text_table"] is text_table
