"""The artifact server's own request log, not the role's count, over converge and the idempotence run.

- Each weights file crossed the network once for the two hosts staging it from http (by the controller, through
  /models/...) and once for the hub host (by the controller's hf CLI, through /hf/...): mol-mw-ctl copies from a
  controller directory, mol-mw-shared reads a share.
- Each tokenizer file was downloaded three times: by the controller for each of the two caches of the first batch,
  and by mol-mw-ctl itself (fetch_once false).
- The two transfers prepare broke were resumed from the byte they stopped at, not fetched again: the bytes sent for
  each file add up to its size once per cache.
"""

import glob
import ipaddress
import json
import os

testinfra_hosts = ["ansible://mol-mw-a"]
STATE = os.environ.get("NPUOPS_SIM_STATE", "/var/tmp/npuops-sim")
BROKEN = ["model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"]


def ephemeral():
    return os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY") or glob.glob(
        os.path.expanduser("~/.ansible/tmp/molecule.*.model_weights"))[0]


def requests_since_prepare():
    with open(os.path.join(ephemeral(), "artifacts-log-offset"), encoding="utf-8") as fh:
        offset = int(fh.read().strip())
    with open(os.path.join(STATE, "artifacts-requests.jsonl"), encoding="utf-8") as fh:
        return [json.loads(line) for line in fh.read().splitlines()[offset:]]


def test_each_file_crossed_the_network_once_per_cache(host, manifest):
    log = requests_since_prepare()
    variables = host.ansible.get_variables()
    subnet = ipaddress.ip_network(variables["npuops_sim_subnet"])
    gateway = ipaddress.ip_address(variables["npuops_sim_gateway"])

    def who(entry):
        address = ipaddress.ip_address(entry["client"])
        return "host" if address in subnet and address != gateway else "controller"

    def content(file):  # the answers that carried the file's bytes (HEADs and redirects carry none)
        return [e for e in log if e["file"] == file and e["method"] == "GET" and e["status"] in (200, 206)]

    base = f"models/{manifest['model_weights_repo']}/{manifest['model_weights_revision']}/"
    for f in manifest["model_weights_files"]:
        gets = content(base + f["name"])
        static = [e for e in gets if e["path"].startswith("/models/")]
        hub = [e for e in gets if e["path"].startswith("/hf/")]
        assert {who(e) for e in gets} == {"controller"}, (f["name"], gets)
        assert sum(e["bytes_sent"] for e in static) == f["size"], (f["name"], static)
        assert sum(e["bytes_sent"] for e in hub) == f["size"], (f["name"], hub)
    for f in manifest["model_weights_tiktoken_files"]:
        gets = content("models/tiktoken/" + f["name"])
        assert sorted(who(e) for e in gets) == ["controller", "controller", "host"], (f["name"], gets)


def test_broken_transfers_resumed_from_where_they_stopped(host, manifest):
    log = requests_since_prepare()
    base = f"models/{manifest['model_weights_repo']}/{manifest['model_weights_revision']}/"
    for name in BROKEN:
        gets = [e for e in log if e["file"] == base + name and e["method"] == "GET" and e["status"] in (200, 206)]
        dropped = [e for e in gets if e["dropped"]]
        assert [e["bytes_sent"] for e in dropped] == [65536], (name, gets)
        after = gets[gets.index(dropped[0]) + 1:]
        # The same client's next request for the file asks for the rest (static path or hub path alike).
        resumed = [e for e in after if e["path"].split("/")[1] == dropped[0]["path"].split("/")[1]][0]
        assert (resumed["status"], resumed["range"]) == (206, "bytes=65536-"), (name, gets)


def test_faults_were_all_used(host):
    with open(os.path.join(STATE, "artifacts-faults.json"), encoding="utf-8") as fh:
        faults = json.load(fh)
    assert [rule["times"] for rule in faults["drop"]] == [0, 0]
