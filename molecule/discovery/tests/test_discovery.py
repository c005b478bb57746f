"""npu_info on each simulated topology reports what the hardware is. Expected values are written by hand from
the topologies in molecule.yml and the chip catalogue of the field guide."""
import pytest

testinfra_hosts = ["ansible://ascend_hosts"]

EXPECTED = {
    "mol-disc-b4": dict(source="npu-smi", chips=8, healthy=8, hbm=32768, family="910B", box="Atlas 800I A2",
                        variant="", bf16=True, driver="25.5.1", unhealthy=[], error=None),
    "mol-disc-b3crit": dict(source="npu-smi", chips=8, healthy=7, hbm=65536, family="910B", box="Atlas 800T A2",
                            variant="", bf16=True, driver="25.5.1", unhealthy=[(3, "Critical")], error=None),
    "mol-disc-a3": dict(source="npu-smi", chips=16, healthy=16, hbm=65536, family="910_93", box="Atlas 800I A3",
                        variant="-a3", bf16=True, driver="25.5.1", unhealthy=[], error=None),
    # First-gen 910 (PCI d801) always has 32 GB HBM, so the catalogue knows it without npu-smi.
    "mol-disc-910": dict(source="sysfs", chips=8, healthy=0, hbm=32768, family="910", box="Atlas 800 9000/9010",
                         variant=None, bf16=False, driver=None, unhealthy=[], error="tool_missing"),
    "mol-disc-8005": dict(source="sysfs", chips=8, healthy=0, hbm=None, family="910B", box="Atlas 800I A2",
                          variant="", bf16=True, driver="25.5.1", unhealthy=[], error="driver_not_loaded"),
}


@pytest.fixture(scope="module")
def npu(host):
    return host.ansible("npuops.gptoss.npu_info", check=False)["ansible_facts"]["npu"]


def test_topology_is_reported(host, npu):
    want = EXPECTED[host.backend.get_hostname()]
    summary = npu["summary"]
    assert npu["present"] is True
    assert npu["source"] == want["source"]
    assert summary["chip_count"] == want["chips"]
    assert summary["healthy_count"] == want["healthy"]
    assert summary["hbm_per_chip_mb"] == want["hbm"]
    assert summary["family"] == want["family"]
    assert summary["box_model"] == want["box"]
    assert summary["image_variant"] == want["variant"]
    assert summary["bf16_capable"] is want["bf16"]
    assert npu["driver_version"] == want["driver"]


def test_unhealthy_chips_are_named_by_id(host, npu):
    want = EXPECTED[host.backend.get_hostname()]
    assert [(c["logic_id"], c["health"]) for c in npu["summary"]["unhealthy"]] == want["unhealthy"]


def test_npu_smi_failures_are_classified(host, npu):
    want = EXPECTED[host.backend.get_hostname()]
    assert (npu["error"] or {}).get("kind") == want["error"]
