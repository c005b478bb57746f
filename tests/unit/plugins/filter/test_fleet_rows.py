"""fleet_rows: the fleet table's rows from each host's npu facts. Facts are shaped as npu_info returns them
(its RETURN documentation); expected rows are written by hand."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.npuops.gptoss.plugins.filter.fleet_rows import fleet_rows

DEBIAN = {"distribution": "Debian", "distribution_version": "12"}
B3_ONE_CRITICAL = dict(DEBIAN, npu={
    "present": True, "source": "npu-smi", "driver_version": "25.5.1", "error": None,
    "summary": {"chip_count": 8, "healthy_count": 7, "hbm_per_chip_mb": 65536, "box_model": "Atlas 800T A2",
                "image_variant": "", "family": "910B",
                "unhealthy": [{"npu_id": 3, "chip_id": 0, "logic_id": 3, "health": "Critical"}]}})
A3_TWO_BAD = dict(DEBIAN, npu={
    "present": True, "source": "npu-smi", "driver_version": "25.0.rc1.1", "error": None,
    "summary": {"chip_count": 16, "healthy_count": 14, "hbm_per_chip_mb": 65536, "box_model": "Atlas 800I A3",
                "image_variant": "-a3", "family": "910_93",
                "unhealthy": [{"npu_id": 0, "chip_id": 1, "logic_id": 1, "health": "Alarm"},
                              {"npu_id": 5, "chip_id": 0, "logic_id": 10, "health": "Critical"}]}})
SYSFS_NOT_LOADED = dict(DEBIAN, npu={
    "present": True, "source": "sysfs", "driver_version": "25.0.rc1.1",
    "error": {"kind": "driver_not_loaded", "message": "dcmi module initialize failed. ret is -8005"},
    "summary": {"chip_count": 8, "healthy_count": 0, "hbm_per_chip_mb": None, "box_model": "Atlas 800I A2",
                "image_variant": "", "family": "910B", "unhealthy": []}})


def test_one_row_per_host_sorted_by_name():
    hostvars = {"b-host": {"ansible_facts": B3_ONE_CRITICAL}, "a-host": {"ansible_facts": A3_TWO_BAD}}
    assert fleet_rows(["b-host", "a-host"], hostvars) == [
        {"host": "a-host", "os": "Debian 12", "box": "Atlas 800I A3", "chips": 16, "hbm": 65536,
         "health": "14/16 OK (not OK: 1,10)", "driver": "25.0.rc1.1", "variant": "-a3"},
        {"host": "b-host", "os": "Debian 12", "box": "Atlas 800T A2", "chips": 8, "hbm": 65536,
         "health": "7/8 OK (not OK: 3)", "driver": "25.5.1", "variant": "A2 (no suffix)"},
    ]


def test_all_healthy_has_no_not_ok_list():
    facts = dict(B3_ONE_CRITICAL, npu=dict(B3_ONE_CRITICAL["npu"], summary=dict(
        B3_ONE_CRITICAL["npu"]["summary"], healthy_count=8, unhealthy=[])))
    assert fleet_rows(["h"], {"h": {"ansible_facts": facts}})[0]["health"] == "8/8 OK"


def test_sysfs_only_shows_the_npu_smi_failure_kind():
    row = fleet_rows(["h"], {"h": {"ansible_facts": SYSFS_NOT_LOADED}})[0]
    assert row["health"] == "unknown: driver_not_loaded"
    assert row["hbm"] is None


def test_sysfs_without_error_kind():
    facts = dict(SYSFS_NOT_LOADED, npu=dict(SYSFS_NOT_LOADED["npu"], error=None))
    assert fleet_rows(["h"], {"h": {"ansible_facts": facts}})[0]["health"] == "unknown: sysfs only"


def test_host_never_discovered_or_without_npus():
    no_npu = dict(DEBIAN, npu={"present": False, "source": "sysfs", "driver_version": None, "error": None,
                               "summary": {"chip_count": 0, "healthy_count": 0, "unhealthy": []}})
    rows = fleet_rows(["bare", "plain"], {"bare": {"ansible_facts": DEBIAN}, "plain": {"ansible_facts": no_npu}})
    assert [(r["host"], r["health"], r["chips"], r["variant"], r["box"]) for r in rows] == [
        ("bare", "no NPU", 0, None, None), ("plain", "no NPU", 0, None, None)]


def test_host_without_any_facts():
    assert fleet_rows(["h"], {"h": {}}) == [
        {"host": "h", "os": None, "box": None, "chips": 0, "hbm": None, "health": "no NPU", "driver": None,
         "variant": None}]


@pytest.mark.parametrize("hosts, hostvars, message", [
    ("h1", {}, "must be a list of host names"),
    (["h1"], ["h1"], "hostvars must be a mapping"),
    (["h1"], {"h2": {}}, "host h1 is not in hostvars"),
])
def test_bad_input_names_the_problem(hosts, hostvars, message):
    with pytest.raises(AnsibleFilterError, match=message):
        fleet_rows(hosts, hostvars)
