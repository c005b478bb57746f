"""The stand-in's `vllm serve` parser against the parsers dumped from vLLM's own packages (sim/vllm/flags/).

The cases are made from the dumps (every option string of a version is accepted by that version's stand-in,
every option string of another version that this one does not know is refused with argparse's text), plus
hand-picked real flags and the command lines the project and the recipes use, each with the outcome the
version's dump says. tests/vllm_flags/test_live_parser.py holds the dump method itself to a live vLLM.
"""
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/unit: shared helpers

from vllm_flag_cases import REPO, dumped_versions, load_dump, option_cases, standin, standin_outcome

from ansible_collections.npuops.gptoss.plugins.module_utils.serving_plan import plan_host
from ansible_collections.npuops.gptoss.plugins.module_utils.vllm_remediation import Settings, next_step

VERSIONS = dumped_versions()
# The vLLM bases of the simulated vllm-ascend releases (sim/vllm/flags/README.md), and the live one.
assert {"0.13.0", "0.15.0", "0.18.0", "0.20.2", "0.23.0", "0.25.1", "0.32.0"} <= set(VERSIONS)


@pytest.fixture(scope="module")
def module():
    return standin()


def outcome(module, version, argv):
    return standin_outcome(module, load_dump(version), argv)


def accepted(result):
    return "values" in result


def unrecognized(result, *flags):
    return result.get("exit") == 2 and result["stderr"].splitlines()[-1] == \
        "vllm: error: unrecognized arguments: " + " ".join(flags)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_dumped_option_is_accepted(module, version):
    data = load_dump(version)
    # --config takes a YAML file, which the stand-in does not read (its refusals are simulated).
    refused = [argv for argv in option_cases(data) if not accepted(standin_outcome(module, data, argv))
               and "--config" not in argv]
    assert not refused
    assert len(option_cases(data)) > 250


@pytest.mark.parametrize("version", VERSIONS)
def test_options_of_other_versions_are_refused(module, version):
    """A long option another version has, which is neither an option nor an abbreviation of one here."""
    known = {o for a in load_dump(version)["serve"]["actions"] for o in a["option_strings"]}
    others = {o for v in VERSIONS if v != version for a in load_dump(v)["serve"]["actions"]
              for o in a["option_strings"] if o.startswith("--")}
    foreign = sorted(o for o in others - known if not any(k.startswith(o) for k in known))
    for flag in foreign:
        assert unrecognized(outcome(module, version, ["serve", "m", flag]), flag), flag


@pytest.mark.parametrize("version", VERSIONS)
def test_rewriting_is_flexible_argument_parsers(module, version):
    """FlexibleArgumentParser.parse_args's rewriting, as recorded from the real one on each probe."""
    data = load_dump(version)
    rules = module.rewrite_rules(data)
    for probe in data["rewrites"]:
        try:
            got = {"argv": probe["argv"], "handed": module.rewrite(probe["argv"], rules)}
        except (ValueError, AssertionError) as exc:
            got = {"argv": probe["argv"], "error": "%s: %s" % (type(exc).__name__, exc)}
        assert got == probe


@pytest.mark.parametrize("version", VERSIONS)
def test_usage_lines_are_the_real_ones(module, version, monkeypatch):
    data = load_dump(version)
    monkeypatch.setenv("COLUMNS", "80")
    parser = module.build_parser(data)
    assert parser.format_usage() == data["parser"]["format_usage"]
    serve = parser._subparsers._group_actions[0].choices["serve"]
    assert serve.format_usage() == data["serve"]["format_usage"] and serve.prog == "vllm serve"


# Hand-picked real flags (issue 9) and how each version's parser takes them, read from the dumps, one letter per
# version in COLUMNS order: y accepted, n refused as unrecognized, a refused as an ambiguous abbreviation,
# i refused for its value.
SERVE = ["serve", "/models/gpt-oss-20b"]
COLUMNS = ("0.13.0", "0.15.0", "0.18.0", "0.20.2", "0.23.0", "0.25.1", "0.32.0")
HAND_PICKED = [
    (["-cc", '{"cudagraph_mode": "FULL_DECODE_ONLY"}'], "yyyyyyy"),
    (["--compilation-config.cudagraph_mode=FULL_DECODE_ONLY"], "yyyyyyy"),
    (["--compilation_config.cudagraph_mode", "PIECEWISE"], "yyyyyyy"),
    (["--optimization-level", "2"], "yyyyyyy"),
    (["-O3"], "yyyyyyy"),
    (["--cudagraph-capture-sizes", "1", "2", "4"], "yyyyyyy"),
    (["--kv-cache-memory-bytes", "8G"], "yyyyyyy"),
    (["--enable-eplb"], "yyyyyyy"),
    (["--attention-backend", "FLASH_ATTN"], "yyyyyyy"),
    (["--api-server-count", "2"], "yyyyyyy"),
    (["--max-model-len", "auto"], "iyyyyyy"),
    (["--max-model-len", "32k"], "yyyyyyy"),
    (["--max_num_seqs", "8"], "yyyyyyy"),
    (["--max-num-seq", "8"], "yyyyyyy"),
    (["--max-num", "8"], "aaaaaaa"),
    (["--gpu-memory-util", "0.9"], "yyyyyyy"),
    (["--swap-space", "4"], "yynnnnn"),
    (["--disable-log-requests"], "yynnnnn"),
    (["--enable-log-requests"], "yyyyyyy"),
    (["--shutdown-timeout", "30"], "nnyyyyy"),
]


@pytest.mark.parametrize("flags,expected", [(flags, dict(zip(COLUMNS, codes))) for flags, codes in HAND_PICKED],
                         ids=[" ".join(flags)[:40] for flags, _codes in HAND_PICKED])
def test_hand_picked_flags(module, flags, expected):
    for version, want in expected.items():
        result = outcome(module, version, SERVE + flags)
        if want == "y":
            assert accepted(result), (version, result)
        elif want == "n":
            assert unrecognized(result, *flags), (version, result)
        elif want == "a":
            assert result.get("exit") == 2 and "ambiguous option: %s could match" % flags[0] in result["stderr"], \
                (version, result)
        else:
            assert result.get("exit") == 2 and "invalid" in result["stderr"].splitlines()[-1], (version, result)


def test_removed_flags_are_refused_by_the_running_standin(tmp_path):
    """Through the program itself, as the image runs it: argparse's own text and exit code 2."""
    import subprocess
    from vllm_host_fakes import make_host
    env = dict(make_host(tmp_path), NPUOPS_SIM_VLLM_VERSION="0.18.0", COLUMNS="80")
    result = subprocess.run([sys.executable, str(REPO / "sim" / "vllm" / "vllm"), "serve", "/models/m",
                             "--swap-space", "4"], env=env, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines() == load_dump("0.18.0")["parser"]["format_usage"].splitlines() + [
        "vllm: error: unrecognized arguments: --swap-space 4"]


# ----------------------------------------------------------------- what the project and the recipes emit

def ladder_args(settings):
    """The serve arguments every rung of every remediation ladder adds to an instance with these settings."""
    found = []
    for kind in ("rope_operation", "acl_graph_capture", "npu_oom", "kv_cache_memory"):
        applied = []
        while True:
            step = next_step(kind, {}, settings, applied)[0]
            if step is None or step.name in applied:
                break
            applied.append(step.name)
            if step.args:
                found.append(list(step.args))
    return found


def project_command_lines():
    """vllm serve lines of the serving plans the collection makes (serving_plan / gptoss_models), with each
    remediation step's arguments (roles/vllm_ascend/vars/main.yml)."""
    def chip(logic, name, hbm, phy=None, npu=None, chip_id=0):
        return {"npu_id": logic if npu is None else npu, "chip_id": chip_id, "logic_id": logic, "phy_id": phy,
                "name": name, "family": "910_93" if name == "Ascend910" else "910B", "hbm_total_mb": hbm,
                "health": "OK"}

    def facts(chips, box):
        return {"present": True, "chips": chips, "summary": {"box_model": box}, "error": None}

    plans = [
        plan_host(facts([chip(i, "910B4", 32768) for i in range(8)], "Atlas 800I A2"), "gpt-oss-20b"),
        plan_host(facts([chip(i, "910B3", 65536) for i in range(8)], "Atlas 800 A2"), "gpt-oss-20b"),
        plan_host(facts([chip(i, "Ascend910", 65536, i, i // 2, i % 2) for i in range(16)], "Atlas 800 A3"),
                  "gpt-oss-120b", max_model_len=4096, max_num_seqs=4, gpu_memory_utilization=0.9),
    ]
    lines = []
    for plan in plans:
        for instance in plan.instances:
            settings = Settings(tuple(instance.vllm_args), dict(instance.env), "v0.18.0rc1")
            for args in [[]] + ladder_args(settings):
                lines.append(["serve", "/models/" + plan.model] + list(instance.vllm_args) + args)
    return lines


# FIELD-GUIDE section 4 (reference serve lines of the gpt-oss recipe and tutorial), copied here.
RECIPES = [
    "serve /models/gpt-oss-20b --dtype bfloat16 --max-model-len 131072 --max-num-seqs 16 --port 8000",
    "serve /models/gpt-oss-120b --tensor-parallel-size 4 --enable-expert-parallel --max-model-len 4096 --max-num-seqs 4 "
    "--gpu-memory-utilization 0.90 --compilation-config {\"cudagraph_mode\":\"FULL_DECODE_ONLY\"}",
    "serve /models/gpt-oss-20b --reasoning-parser openai_gptoss --tool-call-parser openai --enable-auto-tool-choice",
]


@pytest.mark.parametrize("version", VERSIONS)
def test_project_and_recipe_command_lines_are_accepted(module, version):
    lines = project_command_lines() + [line.split(" ") for line in RECIPES]
    assert len(lines) > 10
    for argv in lines:
        assert accepted(outcome(module, version, argv)), (version, argv, outcome(module, version, argv))


def test_project_lines_with_a_removed_flag_would_be_refused(module):
    """The check above can fail: the same lines with 0.13's --swap-space are refused from 0.18 on."""
    argv = project_command_lines()[0] + ["--swap-space", "4"]
    assert accepted(outcome(module, "0.13.0", argv))
    assert unrecognized(outcome(module, "0.18.0", argv), "--swap-space", "4")


@pytest.mark.parametrize("version", VERSIONS)
def test_every_converter_is_known(module, version):
    """build_parser refuses a dump that names a converter the stand-in lacks; every dump builds."""
    assert module.build_parser(load_dump(version)) is not None


def test_version_without_a_dump_is_a_clear_error(module):
    with pytest.raises(module.Failure) as caught:
        module.flags_data("0.0.1")
    assert "no dumped `vllm serve` parser for vLLM 0.0.1" in caught.value.lines[0]
    assert os.path.basename(module.FLAGS_DIR) == "flags"


# ------------------------------------------------------------------------- the fields of the answers

@pytest.mark.parametrize("version,fields", [
    # vLLM's ChatMessage / DeltaMessage: 0.13 and 0.15 copy `reasoning` into the deprecated `reasoning_content`
    # (vllm/entrypoints/openai/protocol.py, chat_completion/protocol.py); 0.18 on have `reasoning` only.
    ("0.13.0", ["reasoning", "reasoning_content"]), ("0.15.0", ["reasoning", "reasoning_content"]),
    ("0.18.0", ["reasoning"]), ("0.20.2", ["reasoning"]), ("0.25.1", ["reasoning"]),
])
def test_reasoning_comes_in_the_fields_of_the_version(tmp_path, version, fields):
    import json
    from test_vllm_standin import BF16_20B, Server
    from vllm_host_fakes import make_host
    dumped = load_dump(version)["responses"]["ChatMessage"]["fields"]
    assert [f for f in ("reasoning", "reasoning_content") if f in dumped] == fields
    env = dict(make_host(tmp_path, serving={"token_delay_ms": 0}), NPUOPS_SIM_VLLM_VERSION=version)
    srv = Server([BF16_20B, "-tp", "2", "--served-model-name", "gpt-oss-20b", "--reasoning-parser", "openai_gptoss",
                  "--max-model-len", "4096"], env)
    try:
        message = srv.chat("What is the capital of France? Answer in one word.")["choices"][0]["message"]
        assert message["content"] == "Paris"
        assert [f for f in ("reasoning", "reasoning_content") if f in message] == fields
        assert all(message[f] for f in fields)
        status, text = srv.post("/v1/chat/completions", {"model": "gpt-oss-20b", "stream": True, "messages": [
            {"role": "user", "content": "What is the capital of Japan? Answer in one word."}]})
        deltas = [json.loads(line[6:])["choices"][0]["delta"] for line in text.splitlines()
                  if line.startswith("data: {") and '"choices":[{' in line]
        thinking = [d for d in deltas if set(d) & {"reasoning", "reasoning_content"}]
        assert status == 200 and thinking and all(sorted(d) == sorted(fields) for d in thinking)
    finally:
        srv.stop()


def test_every_simulated_release_has_its_base_dumped():
    """sim/vllm/build-image.sh takes each release's vLLM base from bases.json; each base needs its dump."""
    import json
    bases = json.loads((REPO / "sim" / "vllm" / "flags" / "bases.json").read_text())
    releases = {k: v["vllm"] for k, v in bases.items() if not k.startswith("_")}
    # vllm-ascend's Dockerfile (ARG VLLM_TAG) at each tag and its versioning_policy.md matrix
    assert releases["v0.18.0rc1"] == "0.18.0" and releases["v0.20.2rc1"] == "0.20.2"
    assert releases["v0.13.0"] == "0.13.0" and releases["v0.15.0rc1"] == "0.15.0"
    assert set(releases.values()) <= set(VERSIONS)
    script = (REPO / "sim" / "vllm" / "build-image.sh").read_text()
    assert "versions=(v0.18.0rc1 v0.20.2rc1)" in script
