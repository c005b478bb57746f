"""A3: 8 NPUs of two dies each are 16 devices, each with its own physical id (the /dev/davinciN number)."""
testinfra_hosts = ["ansible://mol-disc-a3"]


def test_a3_dies_have_physical_ids(host):
    npu = host.ansible("npuops.gptoss.npu_info", check=False)["ansible_facts"]["npu"]
    assert sorted(c["phy_id"] for c in npu["chips"]) == list(range(16))
    assert sorted({c["npu_id"] for c in npu["chips"]}) == list(range(8))
