"""The controller side of a batch: each file once, one hf run per revision, each host told only its failures."""
from __future__ import annotations

from ansible_collections.npuops.gptoss.plugins.module_utils.model_weights_batch import batch, failures, fetched, hub_runs, missing

HUB = {"repo": "u/m", "revision": "1" * 40, "endpoint": "http://hub", "local_dir": "/c/u--m/" + "1" * 40}


def item(name, via="cache", size=10, sha="a" * 64):
    return {"kind": "weights", "name": name, "src": "/c/" + name, "url": "http://m/" + name, "via": via, "size": size,
            "sha256": sha, "hub": HUB if via == "hub" else None}


def test_each_file_once_per_batch():
    a, b, c = item("config.json"), item("s1"), item("s2", via="controller")
    out = batch([a, b, a, c, dict(b), item("x", via="direct"), item("y", via="shared")])
    assert out == {"cache": [a, b], "controller": [c]}


def test_missing_from_a_stat_loop():
    results = [{"item": item("a"), "stat": {"exists": True, "size": 10}}, {"item": item("b"), "stat": {"exists": True, "size": 9}},
               {"item": item("c"), "stat": {"exists": False}}, {"item": item("d"), "skipped": True}]
    assert [i["name"] for i in missing(results)] == ["b", "c"]


def test_one_hub_run_per_revision():
    other = dict(item("z", via="hub"), hub=dict(HUB, revision="2" * 40))
    runs = hub_runs([item("config.json", via="hub"), item("s1", via="hub", size=5), other])
    assert runs == [dict(HUB, files=["config.json", "s1"], bytes=15), dict(HUB, revision="2" * 40, files=["z"], bytes=10)]


def test_failures_only_for_the_hosts_files():
    mine = [item("s1"), item("h", via="hub")]
    downloads = [{"item": item("s1"), "failed": True, "msg": "http://m/s1: 404"}, {"item": item("s2"), "failed": True, "msg": "other"}]
    stats = [{"item": item("s1"), "stat": {"exists": False}}, {"item": item("h", via="hub"), "stat": {"exists": True, "checksum": "f" * 64}},
             {"item": item("s2"), "stat": {"exists": False}}]
    hub = [{"item": dict(HUB, files=["h"]), "rc": 1, "stderr_lines": ["", "a", "b", "c", "d", "Revision Not Found"]},
           {"item": dict(HUB, files=["zz"]), "rc": 1, "stderr_lines": ["nope"]}]
    out = failures(mine, downloads, stats, hub)
    assert out == ["http://m/s1: 404", "/c/s1 is missing on the controller",
                   "/c/h on the controller has sha256 %s, pinned %s (a damaged copy in the cache: delete it and the hf CLI"
                   " fetches it again)" % ("f" * 64, "a" * 64),
                   "u/m@%s (h) rc 1: b c d Revision Not Found" % ("1" * 40)]
    assert failures(mine, stats=stats, unfetched=["/c/s1", "/c/h"]) == []


def test_fetched_counts_bytes_received():
    results = [{"item": item("a", size=10), "changed": True, "downloaded_bytes": 4},
               {"item": item("b", size=20), "changed": False, "downloaded_bytes": 0}]
    assert fetched(results) == {"files": 1, "bytes": 4}
    assert fetched(results, check_mode=True) == {"files": 1, "bytes": 10}
