"""The artifact server's own log, not the role's count: over converge and the idempotence run, each file of the
model was downloaded exactly once, by the controller, for the two hosts staging it from http (mol-mw-ctl copies it
from a controller directory, mol-mw-shared reads a share). Each tokenizer file was downloaded twice: once by the
controller for the batch of three, once by mol-mw-ctl itself (fetch_once false)."""

import glob
import ipaddress
import os
import re

testinfra_hosts = ["ansible://mol-mw-a"]
STATE = os.environ.get("NPUOPS_SIM_STATE", "/var/tmp/npuops-sim")


def ephemeral():
    return os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY") or glob.glob(
        os.path.expanduser("~/.ansible/tmp/molecule.*.model_weights"))[0]


def test_each_file_was_fetched_once_by_the_controller(host, manifest):
    with open(os.path.join(ephemeral(), "artifacts-log-offset"), encoding="utf-8") as fh:
        offset = int(fh.read().strip())
    with open(os.path.join(STATE, "artifacts.log"), encoding="utf-8", errors="replace") as fh:
        lines = fh.read().splitlines()[offset:]
    variables = host.ansible.get_variables()
    subnet = ipaddress.ip_network(variables["npuops_sim_subnet"])
    gateway = ipaddress.ip_address(variables["npuops_sim_gateway"])
    base = f"/models/{manifest['model_weights_repo']}/{manifest['model_weights_revision']}/"
    weights = [base + f["name"] for f in manifest["model_weights_files"]]
    tiktoken = ["/models/tiktoken/" + f["name"] for f in manifest["model_weights_tiktoken_files"]]

    def clients(path):
        gets = [ln for ln in lines if re.search(r'"GET %s HTTP/' % re.escape(path), ln)]
        # The simulated hosts have the scenario's subnet addresses; the controller the gateway's or its own.
        return sorted("host" if ipaddress.ip_address(ln.split()[0]) in subnet
                      and ipaddress.ip_address(ln.split()[0]) != gateway else "controller" for ln in gets)

    for path in weights:
        assert clients(path) == ["controller"], path
    for path in tiktoken:
        assert clients(path) == ["controller", "host"], path
