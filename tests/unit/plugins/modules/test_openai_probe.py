"""npuops.gptoss.openai_probe end to end: the module's main() in-process against real stand-in vLLM servers.

Each server is the stand-in `vllm serve` (sim/vllm/vllm) started as a subprocess on a free port of 127.0.0.1, on a
fake host under a temporary NPUOPS_SIM_ROOT (tests/unit/vllm_host_fakes.py), as tests/unit/sim/test_vllm_standin.py
starts it. The topology's
`serving.startup_seconds` is 0; `serving.token_delay_ms` gives every generated token a cost, which
tests/bench/bench_openai_probe.py measures concurrency against (the servers and helpers here are shared with it).
"""
from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/unit: shared helpers

from ansible_collections.npuops.gptoss.plugins.modules import openai_probe
from module_docs import assert_documented_as_specified
from npu_host_fakes import run_module
from vllm_host_fakes import make_host

REPO = Path(__file__).resolve().parents[4]
VLLM = REPO / "sim" / "vllm" / "vllm"
BF16_20B = REPO / "tests" / "unit" / "sim" / "fixtures" / "vllm" / "gpt-oss-20b-bf16"
KEY = "sk-npuops-probe-7f3a9c1e5b"
MODEL = "gpt-oss-20b"
FULL = ["--served-model-name", MODEL, "--reasoning-parser", "openai_gptoss", "--enable-auto-tool-choice",
        "--tool-call-parser", "openai"]
TOKEN_DELAY_MS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`vllm serve` of the stand-in, gpt-oss-20b at TP2, answering on 127.0.0.1:<port>."""

    def __init__(self, base: Path, args: list, serving: dict | None = None):
        self.port = free_port()
        self.log = base / "vllm.log"
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, str(VLLM), "serve", str(BF16_20B), "-tp", "2", "--host", "127.0.0.1",
                 "--port", str(self.port)] + args, env=make_host(base, serving=serving), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("server exited: " + self.log.read_text())
            with contextlib.suppress(OSError):
                with urllib.request.urlopen("http://127.0.0.1:%d/health" % self.port, timeout=2) as resp:
                    if resp.status == 200:
                        return
            time.sleep(0.05)
        self.stop()
        raise AssertionError("server did not answer /health: " + self.log.read_text())

    def endpoint(self, name: str, chips: list) -> dict:
        # As the serving plan gives an instance: extra keys are ignored by the module.
        return {"name": name, "port": self.port, "chips": chips, "devices": ["/dev/davinci%d" % c for c in chips],
                "env": {"ASCEND_RT_VISIBLE_DEVICES": "0,1"}}

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Named servers: four complete ones with the API key and a per-token delay, and one per missing flag."""
    started = {}
    specs = {"full%d" % i: (FULL + ["--api-key", KEY], {"token_delay_ms": TOKEN_DELAY_MS}) for i in range(4)}
    specs.update({"no_tools": (["--served-model-name", MODEL, "--reasoning-parser", "openai_gptoss",
                                "--api-key", KEY], None),
                  "no_reasoning": (["--served-model-name", MODEL, "--enable-auto-tool-choice", "--tool-call-parser",
                                    "openai", "--api-key", KEY], None),
                  "no_key": (FULL, None)})
    try:
        for name, (args, serving) in specs.items():
            started[name] = Server(tmp_path_factory.mktemp(name), args, serving)
        yield started
    finally:
        for server in started.values():
            server.stop()


def probe(endpoints: list, check_mode: bool = False, **args) -> dict:
    return run_module(openai_probe.main, dict({"endpoints": endpoints, "model": MODEL, "api_key": KEY}, **args),
                      check_mode)


def by_name(result: dict) -> dict:
    return {v["instance"]: v for v in result["verdicts"]}


def test_three_endpoints_verified_in_one_call(servers):
    endpoints = [servers["full%d" % i].endpoint("gptoss-20b-%d" % i, [2 * i, 2 * i + 1]) for i in range(3)]
    result = probe(endpoints)
    assert result["changed"] is False and "failed" not in result, result
    assert result["verdicts"] == [{"instance": "gptoss-20b-%d" % i, "port": servers["full%d" % i].port,
                                   "chips": [2 * i, 2 * i + 1], "answer": "Paris", "status": "verified",
                                   "detail": "", "engine": "vLLM 0.13.0"} for i in range(3)]
    assert KEY not in json.dumps(result)
    assert result["invocation"]["module_args"]["api_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_check_mode_sends_the_same_requests(servers):
    endpoint = servers["full0"].endpoint("gptoss-20b-0", [0, 1])
    checked = probe([endpoint], check_mode=True)
    assert checked["changed"] is False and checked["verdicts"][0]["status"] == "verified"
    assert checked["verdicts"] == probe([endpoint])["verdicts"]


def test_servers_without_the_tool_flags_or_the_reasoning_parser(servers):
    result = probe([servers["no_tools"].endpoint("no-tools", [0, 1]),
                    servers["no_reasoning"].endpoint("no-reasoning", [2, 3])])
    verdicts = by_name(result)
    assert verdicts["no-tools"]["status"] == "wrong answers"
    assert verdicts["no-tools"]["detail"] == "no get_weather tool call with a city argument"
    assert verdicts["no-reasoning"]["status"] == "wrong answers"
    assert verdicts["no-reasoning"]["detail"] == "no reasoning in the answer (reasoning parser)"
    assert verdicts["no-reasoning"]["answer"] == "Paris"
    # With those checks off, both are verified.
    relaxed = probe([servers["no_tools"].endpoint("no-tools", [0, 1]),
                     servers["no_reasoning"].endpoint("no-reasoning", [2, 3])],
                    check_tools=False, check_reasoning=False)
    assert [v["status"] for v in relaxed["verdicts"]] == ["verified", "verified"]


def test_server_without_a_key_while_the_probe_has_one(servers):
    verdict = probe([servers["no_key"].endpoint("open", [0, 1])])["verdicts"][0]
    assert (verdict["status"], verdict["detail"]) == ("wrong answers", "a request without the API key was answered 200")
    # Without a key nothing is sent unauthenticated on purpose, and the same server is verified.
    result = run_module(openai_probe.main, {"endpoints": [servers["no_key"].endpoint("open", [0, 1])],
                                            "model": MODEL, "api_key": ""})
    assert result["verdicts"][0]["status"] == "verified"


def test_closed_port_fails_that_instance_only(servers):
    closed = free_port()
    result = probe([{"name": "gone", "port": closed, "chips": [4, 5]}, servers["full1"].endpoint("up", [0, 1])])
    assert "failed" not in result
    gone, up = result["verdicts"]
    assert gone == {"instance": "gone", "port": closed, "chips": [4, 5], "answer": "", "status": "wrong answers",
                    "engine": "",
                    "detail": "/v1/models got no answer from http://127.0.0.1:%d/v1/models: Connection refused"
                              % closed}
    assert up["status"] == "verified"


def test_instance_that_accepts_but_never_answers_times_out_alone(servers):
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(4)  # connections are queued by the kernel and never answered
        port = hung.getsockname()[1]
        result = probe([{"name": "hung", "port": port}, servers["no_key"].endpoint("open", [0, 1])], timeout=1,
                       api_key="")
    hung_verdict, open_verdict = result["verdicts"]
    # Only the first request is blamed: after one timeout the instance gets no more (the time it takes is a figure
    # of tests/bench/bench_openai_probe.py).
    assert hung_verdict["detail"] == "/v1/models got no answer from http://127.0.0.1:%d/v1/models: timed out" % port
    assert open_verdict["status"] == "verified"


def test_wrong_key_wrong_model_and_wrong_answer_name_no_key(servers):
    url = "http://127.0.0.1:%d" % servers["full2"].port
    result = run_module(openai_probe.main, {"endpoints": [{"url": url}], "model": MODEL, "api_key": "not-" + KEY})
    assert result["verdicts"][0]["instance"] == url
    assert result["verdicts"][0]["detail"] == ("/v1/models answered 401; chat completion answered 401; "
                                               "no get_weather tool call with a city argument")
    result = probe([{"url": url}], model="gpt-oss-120b", expected="(?i)lyon")
    assert result["verdicts"][0]["detail"] == ("/v1/models does not list gpt-oss-120b; chat completion answered 404; "
                                               "no get_weather tool call with a city argument")
    result = probe([{"url": url}], expected="(?i)lyon")
    assert result["verdicts"][0]["detail"] == 'answer "Paris" does not match (?i)lyon'
    for outcome in (result, probe([{"url": url}])):
        assert KEY not in json.dumps(outcome)


# How much faster concurrent checks are is a benchmark figure (tests/bench/bench_openai_probe.py), not a test.
def test_four_endpoints_checked_at_once_are_each_verified(servers):
    endpoints = [servers["full%d" % i].endpoint("gptoss-20b-%d" % i, [2 * i, 2 * i + 1]) for i in range(4)]
    result = probe(endpoints)
    assert [(v["instance"], v["status"]) for v in result["verdicts"]] == [
        ("gptoss-20b-%d" % i, "verified") for i in range(4)]


def test_concurrency_one_verifies_each_endpoint_in_order(servers):
    endpoints = [servers["full%d" % i].endpoint("gptoss-20b-%d" % i, [2 * i, 2 * i + 1]) for i in range(2)]
    result = probe(endpoints, concurrency=1)
    assert [(v["instance"], v["status"]) for v in result["verdicts"]] == [
        ("gptoss-20b-0", "verified"), ("gptoss-20b-1", "verified")]


@pytest.mark.parametrize("args, text", [
    ({"expected": "(paris"}, "expected='(paris' is not a valid regular expression"),
    ({"endpoints": [{"name": "x"}]}, "endpoints[0] needs a port (1 to 65535) or a url, got port=None"),
    ({"concurrency": 0}, "concurrency must be at least 1, got 0"),
])
def test_invalid_options_fail_naming_them(args, text):
    result = probe(**dict({"endpoints": [{"port": 1}]}, **args))
    assert result["failed"] is True and text in result["msg"], result
    assert KEY not in json.dumps(result)


def test_no_endpoints_no_verdicts():
    result = probe([])
    assert (result["changed"], result["verdicts"], "failed" in result) == (False, [], False)


def test_documentation_matches_the_argument_spec(monkeypatch):
    spec = assert_documented_as_specified(openai_probe, monkeypatch)
    assert spec["api_key"]["no_log"] is True
    examples = yaml.safe_load(openai_probe.EXAMPLES)
    modules = {key for task in examples for key in task if key != "name" and key != "register"}
    assert modules == {"npuops.gptoss.openai_probe", "ansible.builtin.assert"}
    returned = yaml.safe_load(openai_probe.RETURN)["verdicts"]["contains"]
    assert sorted(returned) == ["answer", "chips", "detail", "engine", "instance", "port", "status"]
